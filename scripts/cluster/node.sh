#!/usr/bin/env bash
# One process of the cluster, for drills and the failure run (docs/cluster.md):
#   node.sh start|stop|kill|restart NAME     NAME: web1 web2 … worker1 worker2 … scheduler nginx
# stop: SIGTERM (graceful: gunicorn finishes its requests, an RQ worker its job); kill: SIGKILL
# of the whole process group, as when the machine dies.
set -euo pipefail
source "$(dirname "$0")/env.sh"
clean_ckan_env
cmd=${1:-}; name=${2:-}
[ -n "$name" ] || die "usage: node.sh start|stop|kill|restart NAME (web1 … worker1 … scheduler nginx)"
start() {
  c_running "$name" && { say "$name already running"; return 0; }
  case $name in
    web*) start_web "${name#web}"; wait_port "$(web_port "${name#web}")" 90 || die "$name did not start" ;;
    worker*) start_worker "${name#worker}" ;;
    scheduler) start_scheduler ;;
    nginx) c_start nginx "$(command -v nginx)" -c "$CLUSTER_DIR/nginx/nginx.conf" -p "$CLUSTER_DIR/nginx"
           wait_port "$CLUSTER_LB_PORT" 15 || die "nginx did not start" ;;
    *) die "unknown process $name" ;;
  esac
  say "$name started"
}
case $cmd in
  start) start ;;
  stop) c_stop "$name" TERM; say "$name stopped" ;;
  kill) c_stop "$name" KILL; say "$name killed" ;;
  restart) c_stop "$name" TERM; start ;;
  *) die "usage: node.sh start|stop|kill|restart NAME" ;;
esac
