#!/usr/bin/env bash
# Stops everything scripts/cluster/up.sh started (nginx, web nodes, workers, scheduler, Solr,
# Redis, the PostgreSQL standby and primary). Safe when nothing runs. `--purge` also deletes
# the cluster's state (databases, index, uploads): the next up.sh builds a new cluster.
set -uo pipefail
source "$(dirname "$0")/env.sh"
for f in "$CRUN"/*.pid; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .pid)
  c_running "$n" && say "cluster: stopping $n"
  c_stop "$n"
done
if [ -f "$REPO/scripts/cluster/solrcloud.sh" ]; then
  PYTHON="$PYTHON" bash "$REPO/scripts/cluster/solrcloud.sh" down || true
fi
[ -d "$CLUSTER_DIR/solr" ] && STACK_DIR="$CLUSTER_DIR" SOLR_PORT="$CLUSTER_SOLR_LB_PORT" PYTHON="$PYTHON" bash "$REPO/scripts/solr.sh" stop >/dev/null 2>&1
c_redis stop || true
if [ -e "$CLUSTER_DIR/pg" ]; then
  for n in standby data; do pg_running "$n" && { pg_stop "$n"; say "PostgreSQL ($n) stopped"; }; done
fi
if [ "${1:-}" = --purge ]; then
  [ -e "$CLUSTER_DIR/pg" ] && rm -rf "$(readlink -f "$CLUSTER_DIR/pg")"
  rm -rf "${CLUSTER_DIR:?}"
  say "cluster state deleted ($CLUSTER_DIR)"
fi
exit 0
