#!/usr/bin/env bash
# The promotion drill (docs/cluster.md): the primary is lost, the standby becomes the primary.
#   1. stop the primary (fast shutdown: it streams its last WAL to the standby before it exits)
#   2. check that the standby received everything the primary wrote (its last checkpoint)
#   3. promote the standby (pg_ctl promote): it leaves recovery and accepts writes
#   4. repoint CKAN: the cluster's ckan.ini names the new primary's port; the web nodes are
#      restarted one at a time (nginx sends requests to the other meanwhile), then the workers,
#      the harvest consumers and the scheduler
#   5. (--rejoin) the old primary comes back as the standby of the new one (a fresh base backup)
# PROMOTE_KILL=1 kills the primary (SIGKILL, as a dead machine) instead of stopping it: what it
# committed but had not streamed yet is then lost (asynchronous replication, docs/cluster.md).
set -euo pipefail
source "$(dirname "$0")/env.sh"
clean_ckan_env
OLD=$(pg_primary) NEW=$(pg_other "$(pg_primary)")
pg_running "$NEW" || die "the standby ($NEW) is not running: nothing to promote (scripts/cluster/status.sh)"
[ "$(pg_sql "$NEW" 'SELECT pg_is_in_recovery()')" = t ] || die "$NEW is not a standby"

t0=$(date +%s.%N)
if [ "${PROMOTE_KILL:-0}" = 1 ]; then
  say "1. killing the primary ($OLD, SIGKILL)"
  pg_running "$OLD" && kill -KILL "$(as_pg head -1 "$(pg_root)/$OLD/postmaster.pid")"
  sleep 1
else
  say "1. stopping the primary ($OLD, port $(pg_port_of "$OLD"))"
  pg_stop "$OLD"
  last=$(as_pg "$PGBIN/pg_controldata" -D "$(pg_root)/$OLD" | sed -n 's/^Latest checkpoint location: *//p')
  got=f
  for _ in $(seq 100); do
    got=$(pg_sql "$NEW" "SELECT pg_last_wal_receive_lsn() >= '$last'::pg_lsn")
    [ "$got" = t ] && break; sleep 0.1
  done
  [ "$got" = t ] || die "the standby has not received the primary's last WAL record ($last): not promoting"
  say "2. the standby received the primary's last WAL record ($last)"
fi
say "3. promoting $NEW (port $(pg_port_of "$NEW"))"
as_pg "$PGBIN/pg_ctl" -D "$(pg_root)/$NEW" -w -t 60 promote >/dev/null
[ "$(pg_sql "$NEW" 'SELECT pg_is_in_recovery()')" = f ] || die "$NEW is still in recovery"
echo "$NEW" >"$CLUSTER_DIR/pg.primary"
say "4. repointing CKAN at 127.0.0.1:$(pg_port_of "$NEW") and restarting its processes"
sed -i "s|@127.0.0.1:$(pg_port_of "$OLD")/|@127.0.0.1:$(pg_port_of "$NEW")/|g" "$CINI"
for n in $(cd "$CRUN" && ls -- *.pid 2>/dev/null | sed 's/\.pid$//'); do
  case $n in
    web*) c_stop "$n"; start_web "${n#web}"; wait_port "$(web_port "${n#web}")" 90 || die "$n did not restart" ;;
    worker*) c_stop "$n"; start_worker "${n#worker}" ;;
    scheduler) c_stop "$n"; start_scheduler ;;
    harvest-gather) c_stop "$n"; c_start "$n" "$CKAN" -c "$CINI" harvester gather-consumer ;;
    harvest-fetch) c_stop "$n"; c_start "$n" "$CKAN" -c "$CINI" harvester fetch-consumer ;;
  esac
done
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
say "promoted in ${secs}s: CKAN writes to 127.0.0.1:$(pg_port_of "$NEW")"
if [ "${1:-}" = --rejoin ]; then
  say "5. the old primary ($OLD) rejoins as the standby of $NEW"
  pg_make_standby "$OLD"
  say "standby streaming on 127.0.0.1:$(pg_port_of "$OLD")"
else
  say "the old primary ($OLD) is out of the cluster: scripts/cluster/up.sh (or promote.sh --rejoin) makes it the new standby"
fi
