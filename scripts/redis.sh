#!/usr/bin/env bash
# A project-local Redis on 127.0.0.1:$REDIS_PORT (no persistence), state in $STACK_DIR/redis.
#   redis.sh start | stop | status
set -euo pipefail
source "$(dirname "$0")/env.sh"
command -v redis-server >/dev/null 2>&1 || die "redis-server not found — run: apt-get install redis-server (or scripts/install.sh)"
DIR="$STACK_DIR/redis"; PID="$DIR/redis.pid"
running() { local p; p=$(cat "$PID" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
case "${1:-status}" in
  start)
    mkdir -p "$DIR"
    if running; then say "Redis already running on 127.0.0.1:$REDIS_PORT"; exit 0; fi
    port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another process — stop it or set REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --save '' --appendonly no \
      --daemonize yes --pidfile "$PID" --logfile "$DIR/redis.log" --dir "$DIR"
    wait_port "$REDIS_PORT" 15 || die "Redis did not start (log: $DIR/redis.log)"
    say "Redis started on 127.0.0.1:$REDIS_PORT" ;;
  stop)
    if running; then
      kill "$(cat "$PID")"; for _ in $(seq 50); do running || break; sleep 0.1; done
      say "Redis stopped"
    fi
    rm -f "$PID" ;;
  status) running && echo "redis: running on 127.0.0.1:$REDIS_PORT" || echo "redis: stopped" ;;
  *) die "usage: redis.sh start|stop|status" ;;
esac
