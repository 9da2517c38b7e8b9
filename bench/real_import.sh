#!/usr/bin/env bash
# The real catalog imported through `ckan liuzhou catalog import`, one command a workbook, on the
# portal of .stack (its services up: `bash scripts/stack.sh up`; no portal process running).
# The workbooks come from `python bench/real_workbook.py DIR` (30 departments, 42,231 rows).
#
#   bench/real_import.sh all DIR LOG        fresh portal (database dropped, Solr emptied, demo
#                                           data loaded), then the 30 workbooks in turn
#   bench/real_import.sh snapshot DIR       fresh portal, every workbook but the four of TRIAL,
#                                           kept as the database ckan_snap (about 33,000 entries)
#   bench/real_import.sh trial DIR LOG      the database restored from ckan_snap, then the four
#                                           workbooks of TRIAL (9,367 rows): a short run to
#                                           alternate old and new code on (the machine's speed
#                                           drifts within the half hour a whole run takes)
#   bench/real_import.sh sum LOG...         the figures of each log
#
# Each log line: the command's own line (rows, import time, CPU of the importing process,
# rows/s) and `TIME wall user sys` of the command with its helper process (start-up included).
# `all` adds the CPU seconds PostgreSQL and Solr spent, read from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
TRIAL="lzsmzj rax yfq sjx"

cpu_of() {  # CPU seconds of a process and its direct children
  "$PYTHON" - "$1" <<'PY'
import os, sys
root = int(sys.argv[1])
def stat(pid):  # the fields after the command's name; none for a process gone meanwhile
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return []
pids = {root} | {int(d) for d in os.listdir("/proc") if d.isdigit() and stat(d)[1:2] == [str(root)]}
print(sum(sum(int(x) for x in stat(p)[11:15]) for p in pids) / os.sysconf("SC_CLK_TCK"))
PY
}

fresh() {
  STOP_SERVICES="" bash scripts/stop.sh >/dev/null 2>&1 || true
  bash scripts/stack.sh up >/dev/null 2>&1
  bash scripts/postgres.sh dropdb ckan >/dev/null
  curl -fsS "http://127.0.0.1:$SOLR_PORT/solr/ckan/update?commit=true" -H 'Content-Type: text/xml' \
    -d '<delete><query>*:*</query></delete>' >/dev/null
  rm -f "$STACK_DIR/demo.loaded"
  SERVE_DETACH=1 bash scripts/serve.sh >"$STACK_DIR/real_import.serve.log" 2>&1
  STOP_SERVICES="" bash scripts/stop.sh >/dev/null 2>&1 || true
}

one() {  # one workbook, one line of the log
  local d=$1 log=$2 out
  out=$(/usr/bin/time -f "TIME %e %U %S" "$CKAN" -c "$STACK_DIR/ckan.ini" liuzhou catalog import \
        "$DIR/$d.xlsx" --department "$d" 2>&1 </dev/null) || true
  echo "$d $(grep -E 'rows/s' <<<"$out" | tail -1) $(grep TIME <<<"$out")" >>"$log"
}

mode=${1:-}; shift || true
case "$mode" in
  all)
    DIR=$1 LOG=$2; : >"$LOG"; fresh
    pg=$(head -1 "$STACK_DIR/pg/data/postmaster.pid"); solr=$(cat "$STACK_DIR/solr/solr.pid")
    echo "start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) pg $(cpu_of "$pg") solr $(cpu_of "$solr")" >>"$LOG"
    for f in "$DIR"/*.xlsx; do one "$(basename "$f" .xlsx)" "$LOG"; done
    echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) pg $(cpu_of "$pg") solr $(cpu_of "$solr")" >>"$LOG"
    "$PYTHON" -m bench.real_import_sum "$LOG" ;;
  snapshot)
    DIR=$1; fresh
    for f in "$DIR"/*.xlsx; do
      d=$(basename "$f" .xlsx)
      [[ " $TRIAL " == *" $d "* ]] || one "$d" /dev/null
    done
    bash scripts/postgres.sh psql -c 'DROP DATABASE IF EXISTS ckan_snap WITH (FORCE)' -c 'CREATE DATABASE ckan_snap TEMPLATE ckan' ;;
  trial)
    DIR=$1 LOG=$2; : >"$LOG"
    bash scripts/postgres.sh psql -c 'DROP DATABASE IF EXISTS ckan WITH (FORCE)' \
      -c 'CREATE DATABASE ckan TEMPLATE ckan_snap OWNER ckan'
    for d in $TRIAL; do one "$d" "$LOG"; done
    "$PYTHON" -m bench.real_import_sum "$LOG" ;;
  sum) "$PYTHON" -m bench.real_import_sum "$@" ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
