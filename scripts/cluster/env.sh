# Sourced by scripts/cluster/*.sh: the cluster's ports, paths and helpers (after scripts/env.sh).
# Every value can be overridden from the environment; everything listens on 127.0.0.1 only.
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/env.sh"
CLUSTER_ZK_PORT="${CLUSTER_ZK_PORT:-2181}"
CLUSTER_SOLR_PORTS="${CLUSTER_SOLR_PORTS:-8991 8992 8993}"
CLUSTER_SOLR_LB_PORT="${CLUSTER_SOLR_LB_PORT:-8990}"
CLUSTER_WEB_PORTS="${CLUSTER_WEB_PORTS:-5011 5012}"
CLUSTER_LB_PORT="${CLUSTER_LB_PORT:-5010}"
CLUSTER_PG_PORT="${CLUSTER_PG_PORT:-55442}"
CLUSTER_PG_STANDBY_PORT="${CLUSTER_PG_STANDBY_PORT:-55443}"
CLUSTER_REDIS_PORT="${CLUSTER_REDIS_PORT:-6389}"
CLUSTER_WORKERS="${CLUSTER_WORKERS:-2}"            # `ckan jobs worker` processes
CLUSTER_WEB_WORKERS="${CLUSTER_WEB_WORKERS:-2}"    # gunicorn processes per web node
CLUSTER_WEB_THREADS="${CLUSTER_WEB_THREADS:-4}"
CLUSTER_DIR="$STACK_DIR/cluster"
CINI="$CLUSTER_DIR/ckan.ini"
CRUN="$CLUSTER_DIR/run"
CLOG="$CLUSTER_DIR/log"
export CLUSTER_ZK_PORT CLUSTER_SOLR_PORTS CLUSTER_SOLR_LB_PORT CLUSTER_WEB_PORTS CLUSTER_LB_PORT \
  CLUSTER_PG_PORT CLUSTER_PG_STANDBY_PORT CLUSTER_REDIS_PORT CLUSTER_DIR
mkdir -p "$CLUSTER_DIR" "$CRUN" "$CLOG"

# The services' own scripts, pointed at the cluster's state and ports.
c_pg()    { STACK_DIR="$CLUSTER_DIR" PG_PORT="$(c_pg_port)" bash "$REPO/scripts/postgres.sh" "$@"; }
c_redis() { STACK_DIR="$CLUSTER_DIR" REDIS_PORT="$CLUSTER_REDIS_PORT" bash "$REPO/scripts/redis.sh" "$@"; }

PGBIN="${PGBIN:-}"
if [ -z "$PGBIN" ]; then for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PGBIN="$d"; done; fi
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# The two PostgreSQL servers: "data" on CLUSTER_PG_PORT (initialised by scripts/postgres.sh)
# and "standby" on CLUSTER_PG_STANDBY_PORT. pg.primary names the one that is the primary now
# ("data" until promote.sh promotes the other); the other one is its streaming standby.
pg_root() { readlink -f "$CLUSTER_DIR/pg"; }
pg_primary() { cat "$CLUSTER_DIR/pg.primary" 2>/dev/null || echo data; }
pg_other() { [ "$1" = data ] && echo standby || echo data; }
pg_port_of() { [ "$1" = data ] && echo "$CLUSTER_PG_PORT" || echo "$CLUSTER_PG_STANDBY_PORT"; }
c_pg_port() { pg_port_of "$(pg_primary)"; }   # the port CKAN writes to
pg_running() { [ -e "$CLUSTER_DIR/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$(pg_root)/$1" status >/dev/null 2>&1; }
pg_start() {  # NAME
  pg_running "$1" && return 0
  port_open "$(pg_port_of "$1")" && die "port $(pg_port_of "$1") is taken — set CLUSTER_PG_PORT / CLUSTER_PG_STANDBY_PORT"
  as_pg "$PGBIN/pg_ctl" -D "$(pg_root)/$1" -l "$(pg_root)/$1.log" -w -t 60 start >/dev/null \
    || { tail -20 "$(pg_root)/$1.log" >&2; die "PostgreSQL ($1) did not start"; }
}
pg_stop() {  # NAME [mode]
  pg_running "$1" || return 0
  as_pg "$PGBIN/pg_ctl" -D "$(pg_root)/$1" -m "${2:-fast}" -w stop >/dev/null
}
pg_sql() {  # NAME SQL: one value
  as_pg "$PGBIN/psql" -X -tAq -h 127.0.0.1 -p "$(pg_port_of "$1")" -U postgres -d postgres -c "$2"
}
# Make NAME a new streaming standby of the primary: a fresh base backup (pg_basebackup -R writes
# primary_conninfo and standby.signal), a physical replication slot so the primary keeps the WAL
# the standby has not received yet, hot_standby for reads.
pg_make_standby() {  # NAME
  local name=$1 primary; primary=$(pg_primary)
  local dir; dir="$(pg_root)/$name"
  pg_stop "$name" immediate
  say "PostgreSQL $name: base backup of the primary ($primary, port $(pg_port_of "$primary")), slot liuzhou_standby"
  pg_sql "$primary" "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name='liuzhou_standby'" >/dev/null
  as_pg rm -rf "$dir"
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$(pg_port_of "$primary")" -U postgres -D "$dir" -R -X stream -c fast \
    -C -S liuzhou_standby >"$CLOG/pg_basebackup.log" 2>&1 || { tail "$CLOG/pg_basebackup.log"; die "pg_basebackup failed"; }
  printf "\n# the standby (scripts/cluster/env.sh pg_make_standby)\nport = %s\nunix_socket_directories = '%s'\nhot_standby = on\n" \
    "$(pg_port_of "$name")" "$(pg_root)" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
  pg_start "$name"
}

# A process of the cluster: started in its own session, its pid in run/NAME.pid, its log in log/.
c_start() {  # name command...
  local name=$1; shift
  setsid "$@" >>"$CLOG/$name.log" 2>&1 </dev/null &
  echo $! >"$CRUN/$name.pid"
}
c_running() { local p; p=$(cat "$CRUN/$1.pid" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
c_stop() {  # name [signal]: the process group, TERM then KILL after 10 s
  local f="$CRUN/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-${2:-TERM}" -- "-$pid" 2>/dev/null || kill "-${2:-TERM}" "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
  fi
  rm -f "$f"
}
# The web node N (1-based) of CLUSTER_WEB_PORTS.
web_port() { echo "$CLUSTER_WEB_PORTS" | tr ' ' '\n' | sed -n "${1}p"; }
web_count() { echo "$CLUSTER_WEB_PORTS" | wc -w; }
start_web() {  # N
  local port; port=$(web_port "$1")
  port_open "$port" && die "port $port is taken by another process — stop it or set CLUSTER_WEB_PORTS"
  c_start "web$1" env CKAN_INI="$CINI" "$VENV/bin/gunicorn" --chdir "$REPO" -w "$CLUSTER_WEB_WORKERS" \
    --threads "$CLUSTER_WEB_THREADS" -b "127.0.0.1:$port" --timeout 120 --keep-alive 30 deploy.wsgi:application
}
start_worker() {  # N
  c_start "worker$1" env PYTHONPATH="$REPO" "$CKAN" -c "$CINI" jobs worker
}
start_scheduler() {
  c_start scheduler bash -c 'while :; do "$0" -c "$1" liuzhou schedule loop --every "${SCHEDULE_SECONDS:-300}"; sleep 10; done' "$CKAN" "$CINI"
}
# CKAN's options may come from CKAN_* variables (scripts/test.sh exports the test database's):
# the cluster's processes read theirs from the cluster's ckan.ini only.
clean_ckan_env() {
  local v
  for v in $(env | sed -n 's/^\(CKAN_[A-Z_]*\)=.*/\1/p'); do [ "$v" = CKAN_INI ] || unset "$v"; done
  unset CKAN_INI
}
