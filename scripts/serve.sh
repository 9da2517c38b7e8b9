#!/usr/bin/env bash
# make serve: install what is missing, start the stack, load the demo data once, and serve
# the portal on http://127.0.0.1:$CKAN_PORT until Ctrl-C, which stops everything it started.
set -euo pipefail
source "$(dirname "$0")/env.sh"
S="$REPO/scripts"
bash "$S/install.sh"

INI="$STACK_DIR/ckan.ini"
# Secrets stay out of git: a per-machine secret, and a config that `use`s the committed
# portal.ini (rewritten each run so portal.ini changes apply; logging sections must be in
# the top file, so they are copied from portal.ini).
[ -s "$STACK_DIR/secret_key" ] || "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$STACK_DIR/secret_key"
{
  printf '[DEFAULT]\n\n[app:main]\nuse = config:%s\nSECRET_KEY = %s\n\n' "$REPO/portal.ini" "$(cat "$STACK_DIR/secret_key")"
  sed -n '/^\[loggers\]/,$p' "$REPO/portal.ini"
} >"$INI"
chmod 600 "$INI" "$STACK_DIR/secret_key"
export CKAN_INI="$INI"
# portal.ini names the default ports; the environment carries the ports actually used.
export CKAN_SQLALCHEMY_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/ckan"
export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan"
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CKAN_DATASTORE_WRITE_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/datastore"
export CKAN_DATASTORE_READ_URL="postgresql://$DATASTORE_RO_USER:$DATASTORE_RO_PASSWORD@127.0.0.1:$PG_PORT/datastore"
export CKAN_SITE_URL="http://127.0.0.1:$CKAN_PORT"

# Remember which services were already running: a failed or interrupted serve stops the web
# server, the worker and only the services it started itself (`make stop` stops them all).
started=()
bash "$S/postgres.sh" status | grep -q running || started+=(postgres)
bash "$S/redis.sh" status | grep -q running || started+=(redis)
PYTHON="$PYTHON" bash "$S/solr.sh" status 2>/dev/null | grep -q running || started+=(solr)
cleanup() {
  trap - INT TERM EXIT
  echo
  STOP_SERVICES="${started[*]}" bash "$S/stop.sh"
}
trap cleanup INT TERM EXIT

bash "$S/stack.sh" up
bash "$S/postgres.sh" createdb ckan
bash "$S/postgres.sh" datastore datastore </dev/null
"$PYTHON" -m ckanext.liuzhou.doctor -c "$INI" --services || die "a service is missing (see above)"

say "migrating the database (CKAN core, harvest, liuzhou)"
"$CKAN" -c "$INI" db upgrade >"$STACK_DIR/db-upgrade.log" 2>&1 || { tail -30 "$STACK_DIR/db-upgrade.log"; die "database migration failed"; }
"$CKAN" -c "$INI" datastore set-permissions 2>>"$STACK_DIR/db-upgrade.log" \
  | bash "$S/postgres.sh" datastore datastore || die "DataStore permissions could not be set"

DEMO_HASH=$(cat "$REPO"/ckanext/liuzhou/demo/*.json "$REPO"/ckanext/liuzhou/demo/*.csv "$REPO"/ckanext/liuzhou/demo/*.py "$REPO"/bench/workflow_history.py 2>/dev/null | sha1sum | cut -c1-12)
if [ "$(cat "$STACK_DIR/demo.loaded" 2>/dev/null)" != "$DEMO_HASH" ]; then
  say "loading demo data"
  "$CKAN" -c "$INI" liuzhou demo 2>"$STACK_DIR/demo.log" | tee "$STACK_DIR/demo.out" || { tail -30 "$STACK_DIR/demo.log"; die "demo data failed to load"; }
  # months of share requests, reads, quality issues (the Art 34 figures): a harness, not the portal
  (cd "$REPO" && "$PYTHON" -m bench.workflow_history -c "$INI") 2>>"$STACK_DIR/demo.log" | tee -a "$STACK_DIR/demo.out" \
    || { tail -30 "$STACK_DIR/demo.log"; die "demo history failed to load"; }
  echo "$DEMO_HASH" >"$STACK_DIR/demo.loaded"
fi
# After a schema change (or a wiped core) the index is rebuilt from the database.
"$CKAN" -c "$INI" liuzhou index-check 2>>"$STACK_DIR/index.log" || {
  say "rebuilding the search index"
  "$CKAN" -c "$INI" search-index rebuild >>"$STACK_DIR/index.log" 2>&1 \
    || { tail -20 "$STACK_DIR/index.log"; die "the search index could not be rebuilt"; }
}
"$PYTHON" -m ckanext.liuzhou.doctor -c "$INI" || die "doctor found a problem (see above)"

mkdir -p "$STACK_DIR/run" "$STACK_DIR/log"
start_bg() {  # name command...
  local name=$1; shift
  setsid "$@" >>"$STACK_DIR/log/$name.log" 2>&1 &
  echo $! >"$STACK_DIR/run/$name.pid"
}
port_open "$CKAN_PORT" && die "port $CKAN_PORT is taken by another process — stop it (make stop) or set CKAN_PORT"
# CKAN's JavaScript strings (e.g. the form's "add row") are served from built translation files.
"$CKAN" -c "$INI" translation js >>"$STACK_DIR/log/web.log" 2>&1 || say "could not build the JavaScript translations"
# the web assets built once before the workers serve (they share the storage path where each
# would build them at its first page; scripts/cluster/up.sh says what two at once did)
"$CKAN" -c "$INI" asset build >>"$STACK_DIR/log/web.log" 2>&1 || { tail -20 "$STACK_DIR/log/web.log"; die "the web assets could not be built"; }
start_bg worker "$CKAN" -c "$INI" jobs worker
# ckanext-harvest's Redis consumers (jobs from the harvest pages and the schedule run through them)
start_bg harvest-gather "$CKAN" -c "$INI" harvester gather-consumer
start_bg harvest-fetch "$CKAN" -c "$INI" harvester fetch-consumer
# the scheduler (docs/scheduler.md): every SCHEDULE_SECONDS (300) what is due — harvest runs,
# negative list sync, pruning, expiry and overdue notices, deadline reminders, mail retries;
# one process calling `schedule run` in a loop, restarted by the shell if it ever exits
start_bg schedule bash -c 'while :; do "$0" -c "$1" liuzhou schedule loop --every "${SCHEDULE_SECONDS:-300}"; sleep 10; done' "$CKAN" "$INI"
start_bg web env CKAN_INI="$INI" "$VENV/bin/gunicorn" --chdir "$REPO" -w "${WEB_WORKERS:-2}" --threads "${WEB_THREADS:-4}" \
  -b "127.0.0.1:$CKAN_PORT" --timeout 120 --keep-alive "${WEB_KEEPALIVE:-30}" deploy.wsgi:application
wait_port "$CKAN_PORT" 60 || { tail -30 "$STACK_DIR/log/web.log"; die "the web server did not start"; }

cat <<MSG

  柳州市数据共享交换平台 is up:  http://127.0.0.1:$CKAN_PORT
$(sed -n '/^Demo accounts/,$p' "$STACK_DIR/demo.out" | sed 's/^/  /')
  Logs: $STACK_DIR/log/   Stop: Ctrl-C here, or \`make stop\` from another shell.

MSG
if [ "${SERVE_DETACH:-0}" = 1 ]; then trap - INT TERM EXIT; exit 0; fi
while kill -0 "$(cat "$STACK_DIR/run/web.pid")" 2>/dev/null; do sleep 1; done
die "the web server stopped (log: $STACK_DIR/log/web.log)"
