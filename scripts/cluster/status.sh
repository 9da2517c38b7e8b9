#!/usr/bin/env bash
# Every process of the cluster (scripts/cluster/up.sh), its pid and port, and the replication.
set -uo pipefail
source "$(dirname "$0")/env.sh"
row() { printf '%-16s %-9s %s\n' "$1" "$2" "$3"; }
if [ -e "$CLUSTER_DIR/pg/data" ]; then
  for n in "$(pg_primary)" "$(pg_other "$(pg_primary)")"; do
    if pg_running "$n"; then
      role=$(pg_sql "$n" "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby, received ' || pg_last_wal_receive_lsn() || ', replayed ' || pg_last_wal_replay_lsn() ELSE 'primary, at ' || pg_current_wal_lsn() END" 2>/dev/null)
      row "postgres-$n" running "127.0.0.1:$(pg_port_of "$n") pid $(head -1 "$(pg_root)/$n/postmaster.pid") — $role"
    else
      row "postgres-$n" stopped "127.0.0.1:$(pg_port_of "$n")"
    fi
  done
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
