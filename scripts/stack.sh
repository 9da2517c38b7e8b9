#!/usr/bin/env bash
# The local services: PostgreSQL, Redis and Solr on 127.0.0.1.
#   stack.sh up | down | status
set -euo pipefail
source "$(dirname "$0")/env.sh"
S="$REPO/scripts"
case "${1:-status}" in
  up)
    bash "$S/postgres.sh" start
    bash "$S/redis.sh" start
    PYTHON="$PYTHON" bash "$S/solr.sh" start ;;
  down)
    bash "$S/stop.sh" ;;
  status)
    bash "$S/postgres.sh" status; bash "$S/redis.sh" status; PYTHON="$PYTHON" bash "$S/solr.sh" status || true
    for f in "$STACK_DIR"/run/*.pid; do
      [ -f "$f" ] || continue
      n=$(basename "$f" .pid); kill -0 "$(cat "$f")" 2>/dev/null && echo "$n: running (pid $(cat "$f"))" || echo "$n: stopped"
    done ;;
  *) die "usage: stack.sh up|down|status" ;;
esac
