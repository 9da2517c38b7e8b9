#!/usr/bin/env bash
# Stops everything serve and test started: the web server, the workers, Solr, Redis and
# PostgreSQL. Safe to run when nothing is running. STOP_SERVICES="solr redis" (set by serve
# when it fails or is interrupted) limits the services stopped to those named.
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
services=${STOP_SERVICES-solr redis postgres}
for s in $services; do
  case $s in
    solr) PYTHON="$PYTHON" bash "$REPO/scripts/solr.sh" stop || true ;;
    redis) bash "$REPO/scripts/redis.sh" stop || true ;;
    postgres) bash "$REPO/scripts/postgres.sh" stop || true ;;
  esac
done
