#!/usr/bin/env bash
# make region: a second local CKAN playing the Guangxi autonomous-region platform for the demo
# of the cascade (docs/cascade.md): stock CKAN 2.11 with ckanext-harvest (tests/cascade/region.ini's
# plugins), its own database `ckan_region`, Solr core `ckan_region` (CKAN's stock schema) and
# Redis db 4, on http://127.0.0.1:$REGION_PORT (5001). Loads the regional demo entries and the
# negative list once (scripts/region_demo.py), prints the sysadmin token and the list's URL.
#   bash scripts/region.sh [start]   start it (idempotent)
#   bash scripts/region.sh stop      stop it (the shared services keep running)
set -euo pipefail
source "$(dirname "$0")/env.sh"
S="$REPO/scripts"
REGION_PORT="${REGION_PORT:-5001}"
REGION_DB="${REGION_DB:-ckan_region}"
REGION_CORE="${REGION_CORE:-ckan_region}"
REGION_REDIS_DB="${REGION_REDIS_DB:-4}"
# its files (config, token, log, uploads); REGION_STATE / REGION_PIDFILE move them (a second copy)
REGION_STATE="${REGION_STATE:-$STACK_DIR/region}"
PIDFILE="${REGION_PIDFILE:-$STACK_DIR/run/region.pid}"
INI="$REGION_STATE/region.ini"
mkdir -p "$REGION_STATE" "$(dirname "$PIDFILE")"

stop() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill -TERM -- "-$(cat "$PIDFILE")" 2>/dev/null || kill -TERM "$(cat "$PIDFILE")"
    say "regional platform stopped"
  fi
  rm -f "$PIDFILE"
}
case "${1:-start}" in
  stop) stop; exit 0 ;;
  start) ;;
  *) die "usage: scripts/region.sh [start|stop]" ;;
esac

bash "$S/install.sh"
# the stock-schema core joins a running Solr too (solr.sh creates missing cores)
SOLR_EXTRA_CORES="$REGION_CORE:stock" bash "$S/stack.sh" up
SOLR_EXTRA_CORES="$REGION_CORE:stock" PYTHON="$PYTHON" bash "$S/solr.sh" start >/dev/null
bash "$S/postgres.sh" createdb "$REGION_DB"

[ -s "$REGION_STATE/secret" ] || "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$REGION_STATE/secret"
{
  printf '[DEFAULT]\n\n[app:main]\nuse = config:%s\n' "$REPO/tests/cascade/region.ini"
  printf 'SECRET_KEY = %s\n' "$(cat "$REGION_STATE/secret")"
  printf 'sqlalchemy.url = postgresql://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$PG_PORT" "$REGION_DB"
  printf 'solr_url = http://127.0.0.1:%s/solr/%s\n' "$SOLR_PORT" "$REGION_CORE"
  printf 'ckan.redis.url = redis://127.0.0.1:%s/%s\n' "$REDIS_PORT" "$REGION_REDIS_DB"
  printf 'ckan.site_url = http://127.0.0.1:%s\n' "$REGION_PORT"
  printf 'ckan.site_title = 广西壮族自治区数据共享平台（演示）\n'
  printf 'ckan.storage_path = %s\n\n' "$REGION_STATE/storage"
  sed -n '/^\[loggers\]/,$p' "$REPO/tests/cascade/region.ini"
} >"$INI"
chmod 600 "$INI"
# none of the city's CKAN_* variables may reach the regional instance
run_region() { env -u CKAN_SQLALCHEMY_URL -u CKAN_SOLR_URL -u CKAN_REDIS_URL -u CKAN_SITE_URL -u CKAN_INI "$@"; }

say "regional platform: database $REGION_DB, Solr core $REGION_CORE, Redis db $REGION_REDIS_DB"
run_region "$CKAN" -c "$INI" db init >"$REGION_STATE/db.log" 2>&1 || { tail -20 "$REGION_STATE/db.log"; die "regional database init failed"; }
run_region "$CKAN" -c "$INI" db upgrade -p harvest >>"$REGION_STATE/db.log" 2>&1 || { tail -20 "$REGION_STATE/db.log"; die "regional harvest tables failed"; }
run_region "$CKAN" -c "$INI" user add region_admin email=region@example.org \
  "password=${REGION_PASSWORD:-Region@2026x}" >/dev/null 2>&1 || true  # already there
run_region "$CKAN" -c "$INI" sysadmin add region_admin >/dev/null 2>&1
[ -s "$REGION_STATE/token" ] || run_region "$CKAN" -c "$INI" user token add region_admin demo 2>/dev/null | tail -1 | tr -d '\t ' >"$REGION_STATE/token"
chmod 600 "$REGION_STATE/token"

if ! { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }; then
  port_open "$REGION_PORT" && die "port $REGION_PORT is taken by another process — set REGION_PORT"
  # not through run_region: a backgrounded function would leave the pid of a subshell
  env -u CKAN_SQLALCHEMY_URL -u CKAN_SOLR_URL -u CKAN_REDIS_URL -u CKAN_SITE_URL CKAN_INI="$INI" setsid "$VENV/bin/gunicorn" --chdir "$REPO" -w 1 --threads 4 \
    -b "127.0.0.1:$REGION_PORT" --timeout 120 deploy.wsgi:application >>"$REGION_STATE/web.log" 2>&1 &
  echo $! >"$PIDFILE"
  wait_port "$REGION_PORT" 60 || { tail -30 "$REGION_STATE/web.log"; die "the regional platform did not start"; }
fi
LIST_URL=$("$PYTHON" "$S/region_demo.py" --url "http://127.0.0.1:$REGION_PORT" --token "$(cat "$REGION_STATE/token")") \
  || die "regional demo data failed to load"

cat <<MSG

  广西壮族自治区数据共享平台（演示） is up:  http://127.0.0.1:$REGION_PORT   (region_admin / ${REGION_PASSWORD:-Region@2026x})
  Its sysadmin token (harvest source configuration):  $REGION_STATE/token
  Its negative list:  $LIST_URL
  Stop it: bash scripts/region.sh stop   (make stop stops it with everything else)

MSG
