#!/usr/bin/env bash
# A project-local PostgreSQL 15 cluster on 127.0.0.1:$PG_PORT, state in $STACK_DIR/pg.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
#   postgres.sh start | stop | status | createdb NAME | dropdb NAME
set -euo pipefail
source "$(dirname "$0")/env.sh"

PGBIN="${PGBIN:-}"
if [ -z "$PGBIN" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PGBIN="$d"; done
fi
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || die "PostgreSQL server binaries not found — run: apt-get install postgresql (or scripts/install.sh)"
PGDIR="$STACK_DIR/pg"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$STACK_DIR" 2>/dev/null; then
  # The postgres user cannot reach this checkout (e.g. a clone under /root): keep the cluster
  # where it can, one per checkout, and link it from .stack/pg so the state is still found there.
  ALT="/var/tmp/ckanext-liuzhou-pg-$(printf '%s' "$STACK_DIR" | sha1sum | cut -c1-12)"
  mkdir -p "$ALT" && chown postgres:postgres "$ALT" && chmod 700 "$ALT"
  if [ ! -L "$PGDIR" ]; then
    [ -e "$PGDIR" ] && die "$PGDIR exists but the postgres user cannot reach it; move the checkout or remove $PGDIR"
    ln -s "$ALT" "$PGDIR"
  fi
  PGDIR="$ALT"
fi
DATA="$PGDIR/data"

as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
psql_admin() { as_pg "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

init() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  say "initialising PostgreSQL cluster in $DATA"
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
  as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log"
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDIR'
max_connections = 200
shared_buffers = 256MB
fsync = on
log_min_messages = warning
timezone = 'Asia/Shanghai'
CONF
  # Local trust only on loopback: the cluster never listens elsewhere.
  cat >"$DATA/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA
}

start() {
  init
  if as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another process — stop it or set PG_PORT"
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$PGDIR/postgres.log" -w -t 60 start >/dev/null \
      || { tail -20 "$PGDIR/postgres.log" >&2; die "PostgreSQL did not start (log: $PGDIR/postgres.log)"; }
    say "PostgreSQL started on 127.0.0.1:$PG_PORT"
  fi
  psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'" | grep -q 1 \
    || psql_admin -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD' CREATEDB"
}

createdb() {  # idempotent
  psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1 \
    || psql_admin -c "CREATE DATABASE \"$1\" OWNER $PG_USER ENCODING 'UTF8' TEMPLATE template0"
}

# DataStore: the database, and the read-only role CKAN's datastore plugin reads with. The
# permissions SQL comes on standard input from `ckan datastore set-permissions`.
datastore() {
  createdb "$1"
  psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DATASTORE_RO_USER'" | grep -q 1 \
    || psql_admin -c "CREATE ROLE $DATASTORE_RO_USER LOGIN PASSWORD '$DATASTORE_RO_PASSWORD'"
  [ -t 0 ] && return 0
  as_pg "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 >/dev/null
}

dropdb() { psql_admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"; }

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    say "PostgreSQL stopped"
  fi
}

status() { as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 && echo "postgres: running on 127.0.0.1:$PG_PORT" || echo "postgres: stopped"; }

cmd="${1:-status}"; shift || true
case "$cmd" in
  start) start ;; stop) stop ;; status) status ;;
  createdb) createdb "$1" ;; dropdb) dropdb "$1" ;; datastore) datastore "$1" ;;
  psql) psql_admin "$@" ;;
  *) die "usage: postgres.sh start|stop|status|createdb NAME|dropdb NAME|datastore NAME < permissions.sql|psql ARGS" ;;
esac
