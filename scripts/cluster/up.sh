#!/usr/bin/env bash
# make cluster: the portal on several processes of one machine, everything on 127.0.0.1 and
# its state under $STACK_DIR/cluster (docs/cluster.md):
#   PostgreSQL primary + a streaming-replication hot standby (replication slot),
#   Redis, SolrCloud (scripts/cluster/solrcloud.sh; a single Solr core while it is missing),
#   two CKAN web nodes (gunicorn) sharing one ckan.ini and one storage path,
#   nginx balancing them on $CLUSTER_LB_PORT, two job workers, the harvest consumers and one
#   scheduler loop. Demo data loaded once. Idempotent: what already runs is left running.
# Ports: CLUSTER_* variables (scripts/cluster/env.sh). `scripts/cluster/down.sh` (or make stop) ends it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
S="$REPO/scripts"
clean_ckan_env
[ "${CLUSTER_SKIP_INSTALL:-0}" = 1 ] || bash "$S/install.sh"
if ! command -v nginx >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "nginx is missing — run: sudo apt-get install nginx-light"
  say "installing Debian's nginx-light (the cluster's load balancer)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; } \
    || die "could not install nginx-light"
fi
NGINX=$(command -v nginx)

# ------------------------------------------------------------------ PostgreSQL primary + standby
if [ "$(pg_primary)" = data ] && [ ! -e "$CLUSTER_DIR/pg/data/PG_VERSION" ]; then
  c_pg start   # a new cluster: scripts/postgres.sh initialises it as the primary
fi
PRIMARY=$(pg_primary) STANDBY=$(pg_other "$(pg_primary)")
pg_start "$PRIMARY"
# streaming replication from loopback only (the standby connects as postgres, trust as the rest)
if ! grep -q '^host  *replication' "$(pg_root)/$PRIMARY/pg_hba.conf"; then
  echo "host  replication all 127.0.0.1/32 trust" | as_pg tee -a "$(pg_root)/$PRIMARY/pg_hba.conf" >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$(pg_root)/$PRIMARY" reload >/dev/null
fi
c_pg createdb ckan
c_pg datastore datastore </dev/null
if [ -f "$(pg_root)/$STANDBY/standby.signal" ]; then
  pg_start "$STANDBY"
else
  pg_make_standby "$STANDBY"
fi
say "PostgreSQL primary on 127.0.0.1:$(c_pg_port), standby streaming on 127.0.0.1:$(pg_port_of "$STANDBY")"

# ------------------------------------------------------------------ Redis, Solr
c_redis start
if [ -f "$REPO/scripts/cluster/solrcloud.sh" ]; then
  # a single core left from before SolrCloud (it held the same port): stopped, its data kept
  [ -d "$CLUSTER_DIR/solr" ] && STACK_DIR="$CLUSTER_DIR" SOLR_PORT="$CLUSTER_SOLR_LB_PORT" PYTHON="$PYTHON" \
    bash "$S/solr.sh" stop >/dev/null 2>&1 || true
  SOLR_URL=$(PYTHON="$PYTHON" bash "$REPO/scripts/cluster/solrcloud.sh" up | tee "$CLOG/solrcloud-up.log" | tail -1)
  [[ $SOLR_URL == solr_url=* ]] || die "solrcloud.sh up did not end with solr_url=… (log: $CLOG/solrcloud-up.log)"
  SOLR_URL=${SOLR_URL#solr_url=}
else
  # Until SolrCloud exists: one Solr core behind the same port CKAN would use for the collection.
  STACK_DIR="$CLUSTER_DIR" SOLR_PORT="$CLUSTER_SOLR_LB_PORT" PYTHON="$PYTHON" bash "$S/solr.sh" start >"$CLOG/solr-start.log" 2>&1 \
    || { tail -20 "$CLOG/solr-start.log"; die "Solr did not start"; }
  SOLR_URL="http://127.0.0.1:$CLUSTER_SOLR_LB_PORT/solr/ckan"
fi

# ------------------------------------------------------------------ the shared ckan.ini
# One file for every node: the same SECRET_KEY (sessions are signed cookies, the CSRF token is
# derived from it), the same storage path, database, Redis and collection.
[ -s "$CLUSTER_DIR/secret_key" ] || "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$CLUSTER_DIR/secret_key"
mkdir -p "$CLUSTER_DIR/storage"
write_ini() {
  local pg; pg=$(c_pg_port)
  {
    printf '[DEFAULT]\n\n[app:main]\nuse = config:%s\nSECRET_KEY = %s\n' "$REPO/portal.ini" "$(cat "$CLUSTER_DIR/secret_key")"
    printf 'ckan.site_url = http://127.0.0.1:%s\n' "$CLUSTER_LB_PORT"
    printf 'sqlalchemy.url = postgresql://%s:%s@127.0.0.1:%s/ckan\n' "$PG_USER" "$PG_PASSWORD" "$pg"
    printf 'ckan.datastore.write_url = postgresql://%s:%s@127.0.0.1:%s/datastore\n' "$PG_USER" "$PG_PASSWORD" "$pg"
    printf 'ckan.datastore.read_url = postgresql://%s:%s@127.0.0.1:%s/datastore\n' "$DATASTORE_RO_USER" "$DATASTORE_RO_PASSWORD" "$pg"
    printf 'solr_url = %s\n' "$SOLR_URL"
    printf 'ckan.redis.url = redis://127.0.0.1:%s/0\n' "$CLUSTER_REDIS_PORT"
    printf 'ckan.storage_path = %s\n\n' "$CLUSTER_DIR/storage"
    sed -n '/^\[loggers\]/,$p' "$REPO/portal.ini"
  } >"$CINI.new"
  INI_CHANGED=0
  [ -f "$CINI" ] && ! cmp -s "$CINI" "$CINI.new" && INI_CHANGED=1
  mv -f "$CINI.new" "$CINI"
  chmod 600 "$CINI" "$CLUSTER_DIR/secret_key"
}
write_ini

# ------------------------------------------------------------------ schema, demo data, index
say "migrating the cluster's database"
"$CKAN" -c "$CINI" db upgrade >"$CLOG/db-upgrade.log" 2>&1 || { tail -30 "$CLOG/db-upgrade.log"; die "database migration failed"; }
"$CKAN" -c "$CINI" datastore set-permissions 2>>"$CLOG/db-upgrade.log" | c_pg datastore datastore \
  || die "DataStore permissions could not be set"
DEMO_HASH=$(cat "$REPO"/ckanext/liuzhou/demo/*.json "$REPO"/ckanext/liuzhou/demo/*.csv "$REPO"/ckanext/liuzhou/demo/*.py "$REPO"/bench/workflow_history.py 2>/dev/null | sha1sum | cut -c1-12)
# demo.loaded: the hash, and "+history" once the workflow history is in (CLUSTER_DEMO_HISTORY=0
# leaves it out: the tests need only the catalog)
want="$DEMO_HASH"; [ "${CLUSTER_DEMO_HISTORY:-1}" = 1 ] && want="$DEMO_HASH+history"
have=$(cat "$CLUSTER_DIR/demo.loaded" 2>/dev/null || true)
if [ "$have" != "$want" ] && [ "$have" != "$DEMO_HASH+history" ]; then
  say "loading demo data into the cluster"
  "$CKAN" -c "$CINI" liuzhou demo 2>"$CLOG/demo.log" >"$CLUSTER_DIR/demo.out" || { tail -30 "$CLOG/demo.log"; die "demo data failed to load"; }
  if [ "${CLUSTER_DEMO_HISTORY:-1}" = 1 ]; then
    (cd "$REPO" && "$PYTHON" -m bench.workflow_history -c "$CINI") >>"$CLUSTER_DIR/demo.out" 2>>"$CLOG/demo.log" \
      || { tail -30 "$CLOG/demo.log"; die "demo history failed to load"; }
  fi
  echo "$want" >"$CLUSTER_DIR/demo.loaded"
fi
"$CKAN" -c "$CINI" liuzhou index-check >>"$CLOG/index.log" 2>&1 || {
  say "rebuilding the search index"
  "$CKAN" -c "$CINI" search-index rebuild >>"$CLOG/index.log" 2>&1 || { tail -20 "$CLOG/index.log"; die "the index could not be rebuilt"; }
}
"$CKAN" -c "$CINI" translation js >>"$CLOG/web1.log" 2>&1 || say "could not build the JavaScript translations"
# The web assets (webassets bundles and their versions) built once, before any node serves: the
# nodes share the storage path, where each would otherwise build them at its first page, and two
# nodes building them at once left one without the version of a bundle (an HTTP 500 of
# "Cannot find version of <Bundle …>" on a fresh cluster's first pages).
"$CKAN" -c "$CINI" asset build >>"$CLOG/web1.log" 2>&1 || { tail -20 "$CLOG/web1.log"; die "the web assets could not be built"; }

# ------------------------------------------------------------------ processes
# processes still running with an older ckan.ini (another Solr URL, database port …) are
# restarted, one at a time
if [ "$INI_CHANGED" = 1 ]; then
  for f in "$CRUN"/*.pid; do
    [ -f "$f" ] || continue
    n=$(basename "$f" .pid)
    case $n in web*|worker*|scheduler|harvest-*) c_running "$n" && { say "restarting $n (ckan.ini changed)"; c_stop "$n"; } ;; esac
    case $n in web*) start_web "${n#web}"; wait_port "$(web_port "${n#web}")" 90 || die "$n did not restart" ;; esac
  done
fi
for i in $(seq "$CLUSTER_WORKERS"); do c_running "worker$i" || start_worker "$i"; done
c_running harvest-gather || c_start harvest-gather "$CKAN" -c "$CINI" harvester gather-consumer
c_running harvest-fetch || c_start harvest-fetch "$CKAN" -c "$CINI" harvester fetch-consumer
c_running scheduler || start_scheduler
for i in $(seq "$(web_count)"); do c_running "web$i" || start_web "$i"; done

# nginx: the same server block as docker-compose's (deploy/nginx-cluster.conf.template)
NG="$CLUSTER_DIR/nginx"; mkdir -p "$NG/tmp"
servers=""
for p in $CLUSTER_WEB_PORTS; do servers+="server 127.0.0.1:$p max_fails=1 fail_timeout=10s; "; done
sed -e "s|\${NGINX_UPSTREAM_SERVERS}|$servers|" -e "s|\${NGINX_LISTEN}|127.0.0.1:$CLUSTER_LB_PORT|" \
  "$REPO/deploy/nginx-cluster.conf.template" >"$NG/site.conf"
{
  [ "$(id -u)" = 0 ] && echo "user root;  # loopback development only: the workers write $NG/tmp"
  cat <<CONF
worker_processes 1;
daemon off;
pid $NG/nginx.pid;
error_log $CLOG/nginx-error.log warn;
events { worker_connections 1024; }
http {
    log_format upstream '\$time_iso8601 \$status \$request_method \$request_uri -> \$upstream_addr \$upstream_status \$request_time';
    access_log $CLOG/nginx-access.log upstream;
    client_body_temp_path $NG/tmp/body;
    proxy_temp_path $NG/tmp/proxy;
    fastcgi_temp_path $NG/tmp/fastcgi;
    uwsgi_temp_path $NG/tmp/uwsgi;
    scgi_temp_path $NG/tmp/scgi;
    types { text/html html; text/css css; application/javascript js; }
    include $NG/site.conf;
}
CONF
} >"$NG/nginx.conf"
"$NGINX" -t -q -c "$NG/nginx.conf" -p "$NG" 2>"$CLOG/nginx-test.log" || { cat "$CLOG/nginx-test.log"; die "nginx rejected $NG/nginx.conf"; }
if c_running nginx; then
  kill -HUP "$(cat "$CRUN/nginx.pid")"   # configuration re-read
else
  port_open "$CLUSTER_LB_PORT" && die "port $CLUSTER_LB_PORT is taken — set CLUSTER_LB_PORT"
  c_start nginx "$NGINX" -c "$NG/nginx.conf" -p "$NG"
fi

for i in $(seq "$(web_count)"); do
  wait_port "$(web_port "$i")" 90 || { tail -30 "$CLOG/web$i.log"; die "web node $i did not start"; }
done
wait_port "$CLUSTER_LB_PORT" 15 || { tail "$CLOG/nginx-error.log"; die "nginx did not start"; }
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$CLUSTER_LB_PORT/api/3/action/status_show" && break
  sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$CLUSTER_LB_PORT/api/3/action/status_show" || die "the portal does not answer through nginx"

cat <<MSG

  柳州市数据共享交换平台 (cluster) is up:  http://127.0.0.1:$CLUSTER_LB_PORT   (nginx → web nodes $CLUSTER_WEB_PORTS)
  PostgreSQL 127.0.0.1:$(c_pg_port), standby 127.0.0.1:$(pg_port_of "$STANDBY")   Redis 127.0.0.1:$CLUSTER_REDIS_PORT   Solr $SOLR_URL
  Status: scripts/cluster/status.sh   Logs: $CLOG/   Stop: scripts/cluster/down.sh (or make stop)
$(sed -n '/^Demo accounts/,$p' "$CLUSTER_DIR/demo.out" 2>/dev/null | sed 's/^/  /')
MSG
