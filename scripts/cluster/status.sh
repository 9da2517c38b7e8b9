#!/usr/bin/env bash
# Every process of the cluster (scripts/cluster/up.sh), its pid and port, and the replication.
set -uo pipefail
source "$(dirname "$0")/env.sh"
row() { printf '%-16s %-9s %s\n' "$1" "$2" "$3"; }
if [ -e "$CLUSTER_DIR/pg" ]; then
  PGD="$(readlink -f "$CLUSTER_DIR/pg")"
  if [ -s "$CLUSTER_DIR/pg.port" ]; then
    row pg-primary out "the standby was promoted (scripts/cluster/promote.sh)"
  else
    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" status >/dev/null 2>&1 \
      && row pg-primary running "127.0.0.1:$CLUSTER_PG_PORT pid $(head -1 "$PGD/data/postmaster.pid")" || row pg-primary stopped ""
  fi
  if as_pg "$PGBIN/pg_ctl" -D "$PGD/standby" status >/dev/null 2>&1; then
    role=$(as_pg "$PGBIN/psql" -X -tAq -h 127.0.0.1 -p "$CLUSTER_PG_STANDBY_PORT" -U postgres -c \
      "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby, received ' || pg_last_wal_receive_lsn() || ', replayed ' || pg_last_wal_replay_lsn() ELSE 'PRIMARY (promoted)' END" 2>/dev/null)
    row pg-standby running "127.0.0.1:$CLUSTER_PG_STANDBY_PORT pid $(head -1 "$PGD/standby/postmaster.pid") — $role"
  else
    row pg-standby stopped ""
  fi
else
  row postgres stopped "(no cluster yet: scripts/cluster/up.sh)"
fi
c_redis status | sed 's/^/                          /;s/^ *//'
if [ -f "$REPO/scripts/cluster/solrcloud.sh" ]; then
  PYTHON="$PYTHON" bash "$REPO/scripts/cluster/solrcloud.sh" status || true
else
  STACK_DIR="$CLUSTER_DIR" SOLR_PORT="$CLUSTER_SOLR_LB_PORT" PYTHON="$PYTHON" bash "$REPO/scripts/solr.sh" status 2>/dev/null | head -1 || row solr stopped ""
fi
for f in "$CRUN"/*.pid; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .pid); port=""
  case $n in web*) port="127.0.0.1:$(web_port "${n#web}")" ;; nginx) port="127.0.0.1:$CLUSTER_LB_PORT (load balancer)" ;; esac
  c_running "$n" && row "$n" running "pid $(cat "$f") $port" || row "$n" stopped "$port"
done
