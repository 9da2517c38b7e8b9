#!/usr/bin/env bash
# SolrCloud on loopback: one ZooKeeper, three Solr 9.10.1 nodes in cloud mode, the collection
# `ckan` (2 shards x 2 replicas) made from the project's configset, and a health-checked
# HAProxy in front of the nodes. CKAN's solr_url is the HAProxy: docs/cluster-solr.md.
#
#   scripts/cluster/solrcloud.sh up           start what is not running (ZooKeeper, nodes,
#                                             HAProxy), upload the configset, create the
#                                             collections that are missing, wait until every
#                                             replica is active; last line: solr_url=URL
#   scripts/cluster/solrcloud.sh down         stop HAProxy, the nodes, ZooKeeper (data kept)
#   scripts/cluster/solrcloud.sh status       every process and replica; exit 0 healthy,
#                                             1 degraded, 3 stopped
#   scripts/cluster/solrcloud.sh stop-node N  SIGTERM Solr node N (1..3), wait for its exit
#   scripts/cluster/solrcloud.sh kill-node N  SIGKILL Solr node N (a crash)
#   scripts/cluster/solrcloud.sh start-node N start node N, wait until its replicas are active
#   scripts/cluster/solrcloud.sh wait-healthy wait until every replica is active
#   scripts/cluster/solrcloud.sh purge        down, then delete the cluster's state (all data)
#
# Environment (defaults are the CI's; a developer sets other ports so clusters never collide):
#   STACK_DIR            state root (default <repo>/.stack); this script's is $STACK_DIR/cluster
#   CLUSTER_ZK_PORT      2181             ZooKeeper client port (127.0.0.1)
#   CLUSTER_SOLR_PORTS   "8991 8992 8993" the three Solr nodes (127.0.0.1)
#   CLUSTER_SOLR_LB_PORT 8990             HAProxy in front of them
#   CLUSTER_SOLR_COLLECTIONS  "ckan"      collections to create (liuzhou schema); the cloud
#                                         test run adds ckan_test
#   CLUSTER_SOLR_SHARDS 2, CLUSTER_SOLR_REPLICAS 2
#   CLUSTER_SOLR_HEAP    384m per node;   CLUSTER_ZK_HEAP 128m
#   CLUSTER_TIMEOUT      seconds to wait for health (default 180)
#   PYTHON               a Python that can import ckan (for the schema); SOLR_ZH_CHAIN as solr.sh
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SOLR_SRC=$REPO/solr
STACK_DIR=${STACK_DIR:-$REPO/.stack}
CLUSTER_ZK_PORT=${CLUSTER_ZK_PORT:-2181}
CLUSTER_SOLR_PORTS=${CLUSTER_SOLR_PORTS:-8991 8992 8993}
CLUSTER_SOLR_LB_PORT=${CLUSTER_SOLR_LB_PORT:-8990}
CLUSTER_SOLR_COLLECTIONS=${CLUSTER_SOLR_COLLECTIONS:-ckan}
CLUSTER_SOLR_SHARDS=${CLUSTER_SOLR_SHARDS:-2}
CLUSTER_SOLR_REPLICAS=${CLUSTER_SOLR_REPLICAS:-2}
CLUSTER_SOLR_HEAP=${CLUSTER_SOLR_HEAP:-384m}
CLUSTER_ZK_HEAP=${CLUSTER_ZK_HEAP:-128m}
CLUSTER_TIMEOUT=${CLUSTER_TIMEOUT:-180}
SOLR_ZH_CHAIN=${SOLR_ZH_CHAIN:-bigram}
if [[ -z ${PYTHON:-} ]]; then
  if [[ -n ${VENV:-} && -x $VENV/bin/python ]]; then PYTHON=$VENV/bin/python; else PYTHON=python3; fi
fi
CONFIGSET=liuzhou

CLUSTER=$STACK_DIR/cluster
ZK_DIR=$CLUSTER/zk
LB_DIR=$CLUSTER/solr-lb
# shellcheck disable=SC2206
PORTS=($CLUSTER_SOLR_PORTS)
((${#PORTS[@]} == 3)) || { echo "solrcloud.sh: CLUSTER_SOLR_PORTS must name 3 ports, got '$CLUSTER_SOLR_PORTS'" >&2; exit 2; }

say() { printf 'solrcloud.sh: %s\n' "$*"; }
die() { printf 'solrcloud.sh: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

http_get() { curl -fsS --max-time "${2:-10}" "$1"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
node_dir() { printf '%s/solr%s\n' "$CLUSTER" "$1"; }
node_port() { printf '%s\n' "${PORTS[$(($1 - 1))]}"; }
node_url() { printf 'http://127.0.0.1:%s/solr\n' "$(node_port "$1")"; }
LB_URL=http://127.0.0.1:$CLUSTER_SOLR_LB_PORT/solr
check_n() { [[ ${1:-} =~ ^[123]$ ]] || die "node number must be 1, 2 or 3, got '${1:-}'"; }

# pid from FILE if that process is alive and its command line holds PATTERN; else nothing.
# A process spawn() has just started is still passing through bash and env on its way to
# exec its command, and in the middle of an exec its /proc cmdline reads empty: a live pid
# is looked at again for up to 2 s before its file is taken for stale and removed.
live_pid() {
  local file=$1 pattern=$2 pid i
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]]; then
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Fq -- "$pattern"; then
        printf '%s\n' "$pid"
        return 0
      fi
      sleep 0.1
    done
  fi
  rm -f "$file"
}
zk_pid() { live_pid "$ZK_DIR/zk.pid" "$ZK_DIR/zoo.cfg"; }
node_pid() { live_pid "$(node_dir "$1")/solr.pid" " Launcher $(node_dir "$1")/home "; }
lb_pid() { live_pid "$LB_DIR/haproxy.pid" "$LB_DIR/haproxy.cfg"; }

# SIGTERM (or the given signal) and wait for the exit; SIGKILL after a timeout
stop_pid() {
  local pid=$1 what=$2 sig=${3:-TERM} deadline=$((SECONDS + 60))
  kill "-$sig" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "$what (pid $pid) still alive after 60 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
}

# spawn PIDFILE LOG DIR CMD...: run CMD in the background in its own session (the terminal's
# Ctrl-C and hangup do not reach it), output appended to LOG; PIDFILE gets CMD's own pid,
# written by the process itself before it execs CMD (setsid forks when the caller leads its
# process group, so $! would name a process that is gone). Waits for PIDFILE; prints the pid.
spawn() {
  local pidfile=$1 log=$2 dir=$3; shift 3
  rm -f "$pidfile"
  (cd "$dir" && exec setsid bash -c 'echo $$ >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
      </dev/null >>"$log" 2>&1) &
  local i
  for i in $(seq 1 100); do [[ -s $pidfile ]] && break; sleep 0.05; done
  [[ -s $pidfile ]] || die "could not start $1 (no pid file $pidfile)"
  cat "$pidfile"
}

# ---------------------------------------------------------------- tools
java_bin() {
  local j
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then j=$JAVA_HOME/bin/java
  else j=$(command -v java || true); fi
  [[ -n $j ]] || die "java not found: apt-get install openjdk-17-jdk-headless (or set JAVA_HOME)"
  printf '%s\n' "$j"
}

# The Solr classpath and the compiled launcher, both resolved and cached by scripts/solr.sh
# (the same jars: solr-core brings the ZooKeeper 3.9 jar that Solr's client is built on, whose
# server this script runs). Sets CP.
CP=
load_classpath() {
  PYTHON=$PYTHON STACK_DIR=$STACK_DIR QUIET_INSTALL= bash "$REPO/scripts/solr.sh" install >/dev/null ||
    die "scripts/solr.sh install failed (run it alone to see why)"
  local cp_file jar
  cp_file=$STACK_DIR/solr/classpath-$(sha256sum "$SOLR_SRC/pom.xml" | cut -c1-16).txt
  [[ -s $cp_file ]] || die "no cached Solr classpath at $cp_file"
  jar=$(ls -t "$STACK_DIR"/solr/launcher-*.jar 2>/dev/null | head -1)
  [[ -n $jar ]] || die "no compiled launcher in $STACK_DIR/solr (scripts/solr.sh install)"
  CP=$jar:$(<"$cp_file")
}

need_haproxy() {
  command -v haproxy >/dev/null 2>&1 && return 0
  [[ $(id -u) == 0 ]] || die "haproxy not found: sudo apt-get install haproxy"
  say "installing Debian's haproxy ..."
  apt-get install -y -qq --no-install-recommends haproxy >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends haproxy >/dev/null; } ||
    die "apt-get install haproxy failed"
}

# ---------------------------------------------------------------- ZooKeeper
zk_ok() { local r; r=$( (exec 3<>"/dev/tcp/127.0.0.1/$CLUSTER_ZK_PORT" && printf ruok >&3 && timeout 2 cat <&3) 2>/dev/null || true); [[ $r == imok ]]; }

zk_up() {
  local pid; pid=$(zk_pid)
  if [[ -n $pid ]]; then
    zk_ok || die "ZooKeeper (pid $pid) does not answer on 127.0.0.1:$CLUSTER_ZK_PORT (log: $ZK_DIR/logs)"
    return 0
  fi
  port_busy "$CLUSTER_ZK_PORT" && die "port $CLUSTER_ZK_PORT is in use by another process; set CLUSTER_ZK_PORT"
  mkdir -p "$ZK_DIR/data" "$ZK_DIR/logs"
  # Standalone ZooKeeper (one server): loopback only, admin server off, four-letter words
  # limited to the health ones.
  cat >"$ZK_DIR/zoo.cfg" <<EOF
# written by scripts/cluster/solrcloud.sh
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$ZK_DIR/data
clientPort=$CLUSTER_ZK_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=200
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,mntr
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
EOF
  printf '\n===== %s start =====\n' "$(date -u +%FT%TZ)" >>"$ZK_DIR/logs/console.log"
  pid=$(spawn "$ZK_DIR/zk.pid" "$ZK_DIR/logs/console.log" "$ZK_DIR" \
      "$(java_bin)" "-Xmx$CLUSTER_ZK_HEAP" -XX:+UseSerialGC \
      -Djava.net.preferIPv4Stack=true -Dzookeeper.admin.enableServer=false \
      "-Dlog4j2.configurationFile=$SOLR_SRC/log4j2.xml" "-Dsolr.log.dir=$ZK_DIR/logs" \
      -cp "$CP" org.apache.zookeeper.server.ZooKeeperServerMain "$ZK_DIR/zoo.cfg")
  local deadline=$((SECONDS + 60))
  until zk_ok; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$ZK_DIR/logs/console.log" >&2; die "ZooKeeper exited during start (log: $ZK_DIR/logs)"; }
    ((SECONDS < deadline)) || die "ZooKeeper did not answer ruok within 60 s (pid $pid; log: $ZK_DIR/logs)"
    sleep 0.2
  done
  say "ZooKeeper running (pid $pid) at 127.0.0.1:$CLUSTER_ZK_PORT"
}

# ---------------------------------------------------------------- Solr nodes
# live in ZooKeeper and every core it hosts active (Solr's own health check)
node_healthy() { http_get "$(node_url "$1")/admin/info/health?requireHealthyCores=true&wt=json" 3 2>/dev/null | grep -q '"status" *: *"OK"'; }
node_live() { http_get "$(node_url "$1")/admin/info/health?wt=json" 3 2>/dev/null | grep -q '"status" *: *"OK"'; }

node_start() {
  local n=$1 dir port pid
  dir=$(node_dir "$n") port=$(node_port "$n")
  pid=$(node_pid "$n")
  if [[ -n $pid ]]; then return 0; fi
  port_busy "$port" && die "port $port (node $n) is in use by another process; set CLUSTER_SOLR_PORTS"
  mkdir -p "$dir/home" "$dir/logs"
  cp -f "$SOLR_SRC/solr-cloud.xml" "$dir/home/solr.xml"
  local -a opts=(
    "-Xms128m" "-Xmx$CLUSTER_SOLR_HEAP" "-Xss256k"
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Duser.timezone=UTC
    -Djava.net.preferIPv4Stack=true
    "-Dlog4j2.configurationFile=$SOLR_SRC/log4j2.xml" "-Dsolr.log.dir=$dir/logs"
    "-Dsolr.install.dir=$SOLR_SRC"
    "-DzkHost=127.0.0.1:$CLUSTER_ZK_PORT" "-DhostPort=$port"
  )
  printf '\n===== %s start: node %s, port %s, heap %s =====\n' \
    "$(date -u +%FT%TZ)" "$n" "$port" "$CLUSTER_SOLR_HEAP" >>"$dir/logs/console.log"
  # SOLR_PORT (the single Solr's, in .wt-env) would only mislead the start banner
  spawn "$dir/solr.pid" "$dir/logs/console.log" "$dir" \
    env -u SOLR_PORT "$(java_bin)" "${opts[@]}" -cp "$CP" Launcher "$dir/home" "$port" >/dev/null
}

# wait until node N is live in ZooKeeper (its cores may still be recovering)
node_wait_live() {
  local n=$1 pid deadline=$((SECONDS + CLUSTER_TIMEOUT))
  pid=$(node_pid "$n")
  [[ -n $pid ]] || die "node $n is not running"
  until node_live "$n"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$(node_dir "$n")/logs/console.log" >&2
      die "Solr node $n exited during start (log: $(node_dir "$n")/logs)"
    fi
    ((SECONDS < deadline)) || die "Solr node $n did not become live within ${CLUSTER_TIMEOUT}s (log: $(node_dir "$n")/logs)"
    sleep 0.3
  done
}

# ---------------------------------------------------------------- configset, collections
# The configset as the standalone cores get it: solr/configsets/liuzhou/conf plus the
# liuzhou schema.xml that solr/make_schema.py writes from CKAN's, with one change: _version_
# is a long with docValues. CKAN's schema declares it a string, which a single core never reads
# as a number; SolrCloud does (a replica checks the version of a document already in its index
# before applying the leader's update, and peer sync fingerprints the versions): with a string,
# such updates fail with UnsupportedOperationException, the leader puts the replica into
# recovery, the recovery's replay fails the same way, and the shard is left with one active
# replica, so losing that node loses the shard (docs/cluster-solr.md). Zipped for the
# Configsets API; sets ZIP and ZIP_HASH.
ZIP= ZIP_HASH= SCHEMA_HASH=
build_configset() {
  local build=$CLUSTER/configset
  rm -rf "$build" && mkdir -p "$build"
  "$PYTHON" "$SOLR_SRC/make_schema.py" --chain "$SOLR_ZH_CHAIN" --out-dir "$build/schemas" >/dev/null ||
    die "could not generate schema.xml (is ckan installed for PYTHON=$PYTHON?)"
  cp -r "$SOLR_SRC/configsets/liuzhou/conf" "$build/conf"
  "$PYTHON" - "$build/schemas/liuzhou/schema.xml" "$build/conf/schema.xml" <<'PY' || die "could not make _version_ a long in schema.xml"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text, n = re.subn(r'<field name="_version_"[^>]*/>',
                  '<field name="_version_" type="plong" indexed="false" stored="false" docValues="true"/>', text)
if n != 1:
    sys.exit(f"schema.xml: {n} _version_ fields, expected 1")
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
  ZIP=$build/$CONFIGSET.zip
  (cd "$build/conf" && "$PYTHON" - "$ZIP" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk("."):
        for f in sorted(files):
            p = os.path.join(root, f)[2:]
            z.write(p, p)
PY
  ) || die "could not zip the configset"
  ZIP_HASH=$(cd "$build/conf" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  SCHEMA_HASH=$(sha256sum "$build/conf/schema.xml" | cut -c1-16)
}

clusterstatus() { http_get "$(any_node_url)/admin/collections?action=CLUSTERSTATUS&wt=json" 20; }
any_node_url() {
  local n
  for n in 1 2 3; do node_live "$n" && { node_url "$n"; return 0; }; done
  die "no Solr node answers"
}

# Upload the configset when it differs from the one in ZooKeeper (hash kept in the state
# dir); reload the collections then, and re-create those whose schema.xml changed (an index
# written with another schema cannot be kept: the data must be re-indexed).
sync_configset() {
  build_configset
  local base; base=$(any_node_url)
  local have_hash= have_schema= exists=0
  [[ -f $CLUSTER/configset.hash ]] && read -r have_hash have_schema <"$CLUSTER/configset.hash"
  http_get "$base/admin/configs?action=LIST&wt=json" 10 | grep -q "\"$CONFIGSET\"" && exists=1
  if ((exists)) && [[ $have_hash == "$ZIP_HASH" ]]; then return 0; fi
  local out
  out=$(curl -sS --max-time 60 -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$ZIP" \
        "$base/admin/configs?action=UPLOAD&name=$CONFIGSET&overwrite=true&cleanup=true&wt=json") ||
    die "configset upload failed: $out"
  grep -q '"status" *: *0' <<<"$out" || die "configset upload refused: $out"
  printf '%s %s\n' "$ZIP_HASH" "$SCHEMA_HASH" >"$CLUSTER/configset.hash"
  say "configset '$CONFIGSET' uploaded to ZooKeeper ($ZIP_HASH)"
  ((exists)) || return 0
  local c status; status=$(clusterstatus)
  for c in $CLUSTER_SOLR_COLLECTIONS; do
    collection_exists "$c" "$status" || continue
    if [[ -n $have_schema && $have_schema != "$SCHEMA_HASH" ]]; then
      http_get "$base/admin/collections?action=DELETE&name=$c&wt=json" 120 >/dev/null ||
        die "could not delete collection $c (schema changed)"
      say "collection $c: schema.xml changed; deleted, created again below, EMPTY:" \
          "rebuild it with ckan -c INI search-index rebuild"
    else
      http_get "$base/admin/collections?action=RELOAD&name=$c&wt=json" 120 >/dev/null ||
        die "could not reload collection $c with the new configset"
      say "collection $c reloaded with the new configset"
    fi
  done
}

collection_exists() {
  "$PYTHON" -c 'import json,sys; sys.exit(0 if sys.argv[1] in json.loads(sys.argv[2])["cluster"].get("collections", {}) else 1)' "$1" "$2"
}

create_collections() {
  local base c; base=$(any_node_url)
  local status; status=$(clusterstatus)
  for c in $CLUSTER_SOLR_COLLECTIONS; do
    collection_exists "$c" "$status" && continue
    local out
    out=$(curl -sS --max-time 300 "$base/admin/collections?action=CREATE&name=$c&collection.configName=$CONFIGSET&numShards=$CLUSTER_SOLR_SHARDS&replicationFactor=$CLUSTER_SOLR_REPLICAS&waitForFinalState=true&wt=json") ||
      die "collection $c: CREATE failed: $out"
    grep -q '"status" *: *0' <<<"$out" && ! grep -q '"failure"' <<<"$out" ||
      die "collection $c: CREATE refused: $out"
    say "collection $c created: $CLUSTER_SOLR_SHARDS shards x $CLUSTER_SOLR_REPLICAS replicas"
  done
}

# Print the replica table of the collections; exit 0 when every replica is active on a live
# node and every shard has a leader, 1 otherwise.
replica_report() {
  "$PYTHON" -c '
import json, sys
st = json.loads(sys.argv[1])["cluster"]
live = set(st.get("live_nodes", []))
names = sys.argv[2].split()
ok = True
print("  live nodes: %s" % ", ".join(sorted(live)))
for name in names:
    col = st.get("collections", {}).get(name)
    if col is None:
        print("  collection %s: MISSING" % name); ok = False; continue
    for sname, shard in sorted(col["shards"].items()):
        leader = False
        cells = []
        for rname, r in sorted(shard["replicas"].items()):
            state = r.get("state") if r.get("node_name") in live else "down(node gone)"
            if state != "active": ok = False
            if r.get("leader") == "true" and state == "active": leader = True
            cells.append("%s@%s=%s%s" % (rname, r.get("node_name", "?").split("_")[0], state,
                                          "*" if r.get("leader") == "true" else ""))
        ok = ok and leader
        print("  %s/%s: %s%s" % (name, sname, " ".join(cells), "" if leader else "  NO ACTIVE LEADER"))
sys.exit(0 if ok else 1)
' "$1" "$CLUSTER_SOLR_COLLECTIONS"
}

wait_healthy() {
  local deadline=$((SECONDS + CLUSTER_TIMEOUT)) status
  while :; do
    if status=$(clusterstatus 2>/dev/null) && replica_report "$status" >/dev/null; then return 0; fi
    if ((SECONDS >= deadline)); then
      [[ -n ${status:-} ]] && replica_report "$status" >&2 || true
      die "the collections are not healthy after ${CLUSTER_TIMEOUT}s (logs: $CLUSTER/solr*/logs)"
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- HAProxy
lb_up() {
  need_haproxy
  mkdir -p "$LB_DIR"
  local cfg=$LB_DIR/haproxy.cfg new=$LB_DIR/haproxy.cfg.new n
  {
    cat <<EOF
# written by scripts/cluster/solrcloud.sh: the Solr load balancer CKAN's solr_url points at
global
    log stdout format short local0 notice
    maxconn 512

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout check 2s
    # a node that refuses or drops the connection, or answers 503 (no active replica /
    # shutting down): the request goes to another node, at most 3 more times
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response junk-response 503

frontend solr
    bind 127.0.0.1:$CLUSTER_SOLR_LB_PORT
    default_backend solr_nodes

backend solr_nodes
    balance leastconn
    # a node is in service while it answers and is live in ZooKeeper. Not
    # requireHealthyCores: a node with a recovering replica still coordinates searches
    # (they go to active replicas only), and under load replicas of every node can be
    # recovering at once, which would leave no node in service.
    option httpchk GET /solr/admin/info/health
    http-check expect status 200
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2 on-marked-down shutdown-sessions
EOF
    for n in 1 2 3; do printf '    server solr%s 127.0.0.1:%s check\n' "$n" "$(node_port "$n")"; done
  } >"$new"
  haproxy -c -q -f "$new" || die "HAProxy refuses its config $new"
  local pid; pid=$(lb_pid)
  if [[ -n $pid ]] && cmp -s "$new" "$cfg"; then rm -f "$new"; return 0; fi
  [[ -n $pid ]] && stop_pid "$pid" HAProxy
  mv -f "$new" "$cfg"
  port_busy "$CLUSTER_SOLR_LB_PORT" && die "port $CLUSTER_SOLR_LB_PORT is in use by another process; set CLUSTER_SOLR_LB_PORT"
  pid=$(spawn "$LB_DIR/haproxy.pid" "$LB_DIR/haproxy.log" "$LB_DIR" haproxy -db -f "$cfg")
  local deadline=$((SECONDS + 30))
  until http_get "$LB_URL/admin/info/health?wt=json" 3 >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$LB_DIR/haproxy.log" >&2; die "HAProxy exited during start"; }
    ((SECONDS < deadline)) || die "HAProxy on $CLUSTER_SOLR_LB_PORT did not serve a healthy node within 30 s"
    sleep 0.3
  done
  say "HAProxy running (pid $pid) at $LB_URL"
}

# ---------------------------------------------------------------- commands
cmd_up() {
  mkdir -p "$CLUSTER"
  local t0=$SECONDS n
  load_classpath
  zk_up
  for n in 1 2 3; do node_start "$n"; done
  for n in 1 2 3; do node_wait_live "$n"; done
  sync_configset
  create_collections
  wait_healthy
  lb_up
  say "SolrCloud healthy in $((SECONDS - t0)) s: nodes ${PORTS[*]}, collections: $CLUSTER_SOLR_COLLECTIONS; logs under $CLUSTER"
  echo "solr_url=$LB_URL/ckan"
}

cmd_down() {
  local pid n
  pid=$(lb_pid); [[ -z $pid ]] || { stop_pid "$pid" HAProxy; say "HAProxy stopped"; }
  # the nodes in parallel: each closes its cores (commits) on SIGTERM
  local -a pids=()
  for n in 1 2 3; do pid=$(node_pid "$n"); [[ -z $pid ]] || { kill -TERM "$pid"; pids+=("$n:$pid"); }; done
  local e
  for e in "${pids[@]}"; do stop_pid "${e#*:}" "Solr node ${e%%:*}"; rm -f "$(node_dir "${e%%:*}")/solr.pid"; say "Solr node ${e%%:*} stopped"; done
  pid=$(zk_pid); [[ -z $pid ]] || { stop_pid "$pid" ZooKeeper; rm -f "$ZK_DIR/zk.pid"; say "ZooKeeper stopped"; }
  say "down (state kept in $CLUSTER)"
}

cmd_status() {
  local pid n any=0 bad=0
  pid=$(zk_pid)
  if [[ -n $pid ]]; then any=1; if zk_ok; then say "ZooKeeper: running (pid $pid) at 127.0.0.1:$CLUSTER_ZK_PORT"; else say "ZooKeeper: pid $pid NOT answering"; bad=1; fi
  else say "ZooKeeper: stopped"; bad=1; fi
  for n in 1 2 3; do
    pid=$(node_pid "$n")
    if [[ -z $pid ]]; then say "node $n: stopped (port $(node_port "$n"))"; bad=1; continue; fi
    any=1
    local rss; rss=$(awk '/^VmRSS/{print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || echo '?')
    if node_healthy "$n"; then say "node $n: healthy (pid $pid, RSS $rss MB) at $(node_url "$n")"
    else say "node $n: running (pid $pid) but NOT healthy at $(node_url "$n")"; bad=1; fi
  done
  pid=$(lb_pid)
  if [[ -n $pid ]]; then any=1; say "HAProxy: running (pid $pid) at $LB_URL"; else say "HAProxy: stopped"; bad=1; fi
  ((any)) || return 3
  local status
  if status=$(clusterstatus 2>/dev/null); then replica_report "$status" || bad=1; else bad=1; fi
  ((bad == 0))
}

cmd_stop_node() {
  check_n "${1:-}"
  local pid; pid=$(node_pid "$1")
  [[ -n $pid ]] || { say "node $1 already stopped"; return 0; }
  stop_pid "$pid" "Solr node $1"
  rm -f "$(node_dir "$1")/solr.pid"
  say "node $1 stopped (SIGTERM; pid $pid)"
}

cmd_kill_node() {
  check_n "${1:-}"
  local pid; pid=$(node_pid "$1")
  [[ -n $pid ]] || { say "node $1 is not running"; return 0; }
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(node_dir "$1")/solr.pid"
  say "node $1 killed (SIGKILL; pid $pid)"
}

cmd_start_node() {
  check_n "${1:-}"
  zk_pid >/dev/null && zk_ok || die "ZooKeeper is not running: scripts/cluster/solrcloud.sh up"
  load_classpath
  node_start "$1"
  node_wait_live "$1"
  wait_healthy
  say "node $1 running, every replica active"
}

cmd_purge() {
  cmd_down
  rm -rf "${CLUSTER:?}"/zk "$CLUSTER"/solr[123] "$LB_DIR" "$CLUSTER/configset" "$CLUSTER/configset.hash"
  say "cluster Solr state deleted"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  stop-node) cmd_stop_node "${2:-}" ;;
  kill-node) cmd_kill_node "${2:-}" ;;
  start-node) cmd_start_node "${2:-}" ;;
  wait-healthy) wait_healthy; say "every replica active" ;;
  purge) cmd_purge ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
