#!/usr/bin/env bash
# Stops everything serve and test started: the web server, the workers, Solr, Redis and
# PostgreSQL. Safe to run when nothing is running.
set -uo pipefail
source "$(dirname "$0")/env.sh"
for f in "$STACK_DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    say "stopped $(basename "$f" .pid)"
  fi
  rm -f "$f"
done
PYTHON="$PYTHON" bash "$REPO/scripts/solr.sh" stop || true
bash "$REPO/scripts/redis.sh" stop || true
bash "$REPO/scripts/postgres.sh" stop || true
