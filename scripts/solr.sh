#!/usr/bin/env bash
# Run a real Apache Solr 9.10 for CKAN, from Maven Central jars (no Docker, no tarball).
#
#   scripts/solr.sh install [--force]   resolve the Solr jars with Maven (cached classpath),
#                                       compile solr/Launcher.java (cached jar)
#   scripts/solr.sh start               start in the background; waits for every core's admin/ping.
#                                       Already running: writes every core's conf/ again, creates
#                                       missing cores, reloads those whose conf/ changed and
#                                       empties those whose schema changed (rebuild their index)
#   scripts/solr.sh stop                SIGTERM, wait for exit and for the port to be free
#   scripts/solr.sh restart
#   scripts/solr.sh status              "running ..." and exit 0, or "stopped" and exit 3
#   scripts/solr.sh reset-core NAME     delete one core's index (works running or stopped)
#
# Environment:
#   STACK_DIR    state root (default <repo>/.stack); Solr's lives in $STACK_DIR/solr/
#   SOLR_PORT    default 8984; Solr listens on 127.0.0.1 only
#   PYTHON       a Python that can import ckan (for CKAN's schema.xml); default python3
#   SOLR_ZH_CHAIN  Chinese analysis chain of the liuzhou schema: bigram (default) | smartcn | icu
#   SOLR_HEAP    max heap, default 1g;  SOLR_JAVA_OPTS  extra JVM options
#   SOLR_START_TIMEOUT  seconds to wait for ping (default 120)
#   SOLR_CDS     1 (default): keep a JVM class-data-sharing archive of Solr's classes in the
#                state dir (recorded during the first run, used by later starts: ~2x faster
#                start, less RSS; the first stop takes ~8 s longer while the JVM writes
#                it); 0: don't. Default 0 when CI=true (a fresh clone never reuses it).
#   JAVA_HOME    optional; else `java` on PATH (a JDK 17+: solr/Launcher.java is compiled, once)
#
# Cores (regenerated conf on every start, data kept unless schema.xml changed: then the
# core's index is emptied and must be rebuilt, see say_reindex):
#   ckan, ckan_test              liuzhou schema (CKAN's + Chinese text), solr/configsets/liuzhou
#   ckan_stock, ckan_stock_test  CKAN's schema unchanged, same solrconfig (for comparisons)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOLR_SRC=$REPO/solr
STACK_DIR=${STACK_DIR:-$REPO/.stack}
SOLR_PORT=${SOLR_PORT:-8984}
PYTHON=${PYTHON:-python3}
SOLR_ZH_CHAIN=${SOLR_ZH_CHAIN:-bigram}
SOLR_HEAP=${SOLR_HEAP:-1g}
SOLR_JAVA_OPTS=${SOLR_JAVA_OPTS:-}
SOLR_START_TIMEOUT=${SOLR_START_TIMEOUT:-120}
SOLR_STOP_TIMEOUT=${SOLR_STOP_TIMEOUT:-60}
# CI starts from a fresh clone (fresh state dir): recording costs ~10 s and is never reused.
if [[ ${CI:-} == true ]]; then SOLR_CDS=${SOLR_CDS:-0}; else SOLR_CDS=${SOLR_CDS:-1}; fi

STATE=$STACK_DIR/solr
SOLR_HOME=$STATE/home
LOG_DIR=$STATE/logs
PID_FILE=$STATE/solr.pid
PORT_FILE=$STATE/solr.port   # the port of the running instance (SOLR_PORT when it started)

# A running instance keeps the port it was started with, whatever SOLR_PORT says now.
if [[ -s $PORT_FILE && -f $PID_FILE ]]; then RUNNING_PORT=$(<"$PORT_FILE"); else RUNNING_PORT=; fi
use_port() { SOLR_PORT=$1; BASE_URL=http://127.0.0.1:$SOLR_PORT/solr; }
REQUESTED_PORT=$SOLR_PORT
use_port "$SOLR_PORT"

# core name -> schema variant written by solr/make_schema.py
# ckan_region_test: the stock regional CKAN of the cascade tests (tests/cascade/region.ini)
CORES=(ckan:liuzhou ckan_test:liuzhou ckan_stock:stock ckan_stock_test:stock ckan_region_test:stock)
# More cores (e.g. one per parallel test worker): SOLR_EXTRA_CORES="name:liuzhou name2:stock"
# shellcheck disable=SC2206
CORES+=(${SOLR_EXTRA_CORES:-})

say() { printf 'solr.sh: %s\n' "$*"; }
die() { printf 'solr.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------- tools
java_bin() {
  local j
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then j=$JAVA_HOME/bin/java
  else j=$(command -v java || true); fi
  [[ -n $j ]] || die "java not found: apt-get install openjdk-17-jdk-headless (or set JAVA_HOME)"
  # Launcher.java is a single-file source program: the JVM compiles it, so it needs a JDK.
  local real; real=$(readlink -f "$j")
  [[ -x $(dirname "$real")/javac ]] ||
    die "$j is a JRE without the Java compiler: apt-get install openjdk-17-jdk-headless (or set JAVA_HOME to a JDK 17+)"
  printf '%s\n' "$j"
}

need_mvn() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found: apt-get install maven"
}

need_python() {
  command -v "$PYTHON" >/dev/null 2>&1 ||
    die "PYTHON=$PYTHON not found: point PYTHON at the Python that has ckan installed"
}

# http GET; prints the body; fails on connection errors and HTTP >= 400
http_get() { curl -fsS --max-time "${2:-10}" "$1"; }

# true when something accepts TCP connections on 127.0.0.1:$SOLR_PORT
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$SOLR_PORT") 2>/dev/null; }

# ---------------------------------------------------------------- install
pom_hash() { sha256sum "$SOLR_SRC/pom.xml" | cut -c1-16; }
classpath_file() { printf '%s/classpath-%s.txt\n' "$STATE" "$(pom_hash)"; }

# every jar of a cached classpath still in ~/.m2?
classpath_ok() {
  local f=$1 jar
  [[ -s $f ]] || return 1
  local IFS=:
  for jar in $(<"$f"); do [[ -f $jar ]] || return 1; done
}

cmd_install() {
  local force=${1:-}
  mkdir -p "$STATE"
  local cp_file; cp_file=$(classpath_file)
  if [[ $force != --force ]] && classpath_ok "$cp_file"; then
    [[ ${QUIET_INSTALL:-} ]] || say "classpath cached: $cp_file ($(tr ':' '\n' <"$cp_file" | wc -l) jars)"
    [[ ${QUIET_INSTALL:-} ]] || launcher_jar "$(java_bin)" "$cp_file" >/dev/null
    return 0
  fi
  need_mvn
  java_bin >/dev/null
  say "resolving Solr jars with Maven (first time downloads ~90 MB into ~/.m2) ..."
  local tmp=$cp_file.tmp.$$ t0=$SECONDS
  # -B batch (no prompts, CI has no stdin), -q: errors only; Maven 3.8 -q still prints
  # bare colour-reset codes, hence the sed.
  if ! mvn -B -q -ntp -f "$SOLR_SRC/pom.xml" \
      dependency:build-classpath -Dmdep.outputFile="$tmp" </dev/null 2>&1 |
      sed -u 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -f "$tmp"
    die "Maven could not resolve solr/pom.xml (see the output above)"
  fi
  [[ -s $tmp ]] || die "Maven wrote an empty classpath"
  mv -f "$tmp" "$cp_file"
  # drop classpaths of older pom.xml versions
  find "$STATE" -maxdepth 1 -name 'classpath-*.txt' ! -path "$cp_file" -delete
  local n size
  n=$(tr ':' '\n' <"$cp_file" | wc -l)
  size=$(tr ':' '\n' <"$cp_file" | xargs du -cb | tail -1 | cut -f1)
  say "classpath: $n jars, $((size / 1024 / 1024)) MB, resolved in $((SECONDS - t0)) s -> $cp_file"
  launcher_jar "$(java_bin)" "$cp_file" >/dev/null
}

# ---------------------------------------------------------------- process
solr_pid() {
  # pid of our running Solr, or nothing (and a stale pid file is removed)
  [[ -f $PID_FILE ]] || return 0
  local pid; pid=$(<"$PID_FILE")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Fq " Launcher $SOLR_HOME "; then
    printf '%s\n' "$pid"
  else
    rm -f "$PID_FILE" "$PORT_FILE"
  fi
}

# the console output of the last start, and the end of solr.log
log_tail() {
  local f=$LOG_DIR/console.log
  if [[ -s $f ]]; then
    printf -- '----- %s (this start) -----\n' "$f" >&2
    awk '/^===== /{buf=""} {buf = buf $0 "\n"} END{printf "%s", buf}' "$f" | tail -n "${1:-30}" >&2
  fi
  f=$LOG_DIR/solr.log
  if [[ -s $f ]]; then
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 10 "$f" >&2
  fi
}

# Launcher.java compiled once into a jar, cached by the hash of its source and of the
# classpath (the source launcher would run javac in memory at every start, ~2 s here).
# Prints the jar's path.
launcher_jar() {
  local java=$1 cp_file=$2
  local key; key=$(cat "$SOLR_SRC/Launcher.java" "$cp_file" | sha256sum | cut -c1-16)
  local jar=$STATE/launcher-$key.jar
  if [[ ! -s $jar ]]; then
    local bin; bin=$(dirname "$(readlink -f "$java")")
    local tmp; tmp=$(mktemp -d "$STATE/launcher-build.XXXXXX")
    # -proc:none: log4j-core on the classpath carries an annotation processor
    if ! "$bin/javac" --release 17 -proc:none -cp "$(<"$cp_file")" -d "$tmp/classes" \
          "$SOLR_SRC/Launcher.java" >&2 ||
       ! "$bin/jar" --create --file "$tmp/launcher.jar" -C "$tmp/classes" . >&2; then
      rm -rf "$tmp"
      die "could not compile solr/Launcher.java"
    fi
    mv -f "$tmp/launcher.jar" "$jar"
    rm -rf "$tmp"
    find "$STATE" -maxdepth 1 -name 'launcher-*.jar' ! -path "$jar" -delete
  fi
  printf '%s\n' "$jar"
}

# Class-data-sharing archive for this exact JVM + classpath (every jar's size and mtime):
# any change gives a new name, so a stale archive is never offered to the JVM. Prints
# the JVM options to use, one a line.
cds_opts() {
  local java=$1 classpath=$2
  [[ $SOLR_CDS == 1 ]] || return 0
  local real; real=$(readlink -f "$java")
  local key
  key=$( { printf '%s\n' "$real" "$SOLR_HEAP" "$SOLR_JAVA_OPTS"; cat "$(dirname "$(dirname "$real")")/release" 2>/dev/null
           tr ':' '\n' <<<"$classpath" | xargs stat -c '%n %s %Y'; } | sha256sum | cut -c1-16)
  local jsa=$STATE/cds-$key.jsa
  rm -f "$STATE"/cds-*.jsa.new     # left by a run that did not stop cleanly
  find "$STATE" -maxdepth 1 -name 'cds-*.jsa' ! -path "$jsa" -delete
  # -Xlog:cds*=error: dumping warns about every class it cannot archive
  if [[ -s $jsa ]]; then
    printf '%s\n' "-XX:SharedArchiveFile=$jsa" '-Xlog:cds*=error'
  else
    # written when the JVM exits; `stop` renames it once the exit was clean
    printf '%s\n' "-XX:ArchiveClassesAtExit=$jsa.new" '-Xlog:cds*=error'
  fi
}

# Cores whose conf/ (all of it, and schema.xml alone) prepare_home found different from the
# one it writes; the index of a core whose schema changed was built with the old one.
CHANGED_CONF=() CHANGED_SCHEMA=()

prepare_home() {
  need_python
  mkdir -p "$SOLR_HOME" "$LOG_DIR"
  cp -f "$SOLR_SRC/solr.xml" "$SOLR_HOME/solr.xml"
  local gen=$STATE/schemas
  "$PYTHON" "$SOLR_SRC/make_schema.py" --chain "$SOLR_ZH_CHAIN" --out-dir "$gen" ||
    die "could not generate schema.xml (is ckan installed for PYTHON=$PYTHON?)"
  local entry core variant dir
  CHANGED_CONF=() CHANGED_SCHEMA=()
  for entry in "${CORES[@]}"; do
    core=${entry%%:*} variant=${entry#*:} dir=$SOLR_HOME/$core
    mkdir -p "$dir"
    rm -rf "$dir/conf.new"
    cp -r "$SOLR_SRC/configsets/liuzhou/conf" "$dir/conf.new"
    cp -f "$gen/$variant/schema.xml" "$dir/conf.new/schema.xml"
    if [[ -d $dir/conf ]] && ! diff -rq "$dir/conf" "$dir/conf.new" >/dev/null 2>&1; then
      CHANGED_CONF+=("$core")
      cmp -s "$dir/conf/schema.xml" "$dir/conf.new/schema.xml" || CHANGED_SCHEMA+=("$core")
    fi
    rm -rf "$dir/conf"
    mv "$dir/conf.new" "$dir/conf"
    printf '# written by scripts/solr.sh; conf/ is regenerated on every start, data/ is kept\nname=%s\nschema_variant=%s\n' \
      "$core" "$variant" >"$dir/core.properties"
  done
}

# After prepare_home: the cores whose schema changed. Their index cannot be kept: Lucene
# refuses documents whose fields changed docValues (or other index options) against segments
# written before, and a RELOAD keeps the IndexWriter that remembers them. So their index is
# emptied (UNLOAD with its data, CREATE again) and must be rebuilt from the database.
say_reindex() {
  local core
  for core in "${CHANGED_SCHEMA[@]}"; do
    say "core $core: schema.xml changed (solr/make_schema.py); its index was emptied:" \
        "rebuild it with ckan -c INI search-index rebuild (make serve does; test cores need nothing)"
  done
}

# Running Solr: empty and re-create one core from its instance dir (conf/ already written).
recreate_core() {
  local core=$1
  http_get "$BASE_URL/admin/cores?action=UNLOAD&core=$core&deleteIndex=true&deleteDataDir=true&wt=json" 60 >/dev/null ||
    die "could not unload core $core"
  rm -rf "${SOLR_HOME:?}/$core/data" "$SOLR_HOME/$core/core.properties"
  http_get "$BASE_URL/admin/cores?action=CREATE&name=$core&instanceDir=$core&wt=json" 120 >/dev/null || {
    log_tail 20
    die "could not re-create core $core (scripts/solr.sh restart)"
  }
}

# A running Solr: write every core's conf/ again, create the cores added to CORES since it
# started (CoreAdmin CREATE, without a restart) and reload the cores whose conf/ changed.
sync_running_cores() {
  local entry core missing=()
  for entry in "${CORES[@]}"; do
    core=${entry%%:*}
    http_get "$BASE_URL/$core/admin/ping?wt=json" 5 >/dev/null 2>&1 || missing+=("$core")
  done
  prepare_home
  for core in "${missing[@]}"; do
    # CoreAdmin refuses an instance dir that already has a core.properties; CREATE writes it.
    rm -f "$SOLR_HOME/$core/core.properties"
    http_get "$BASE_URL/admin/cores?action=CREATE&name=$core&instanceDir=$core&wt=json" 120 >/dev/null ||
      die "could not create core $core (scripts/solr.sh restart)"
    say "core $core created"
  done
  for core in "${CHANGED_CONF[@]}"; do
    [[ " ${missing[*]} " == *" $core "* ]] && continue
    if [[ " ${CHANGED_SCHEMA[*]} " == *" $core "* ]]; then
      recreate_core "$core"
    else
      http_get "$BASE_URL/admin/cores?action=RELOAD&core=$core&wt=json" 120 >/dev/null ||
        die "could not reload core $core with its new conf/ (scripts/solr.sh restart)"
      say "core $core reloaded with its new conf/"
    fi
  done
  say_reindex
}

cmd_start() {
  local pid; pid=$(solr_pid)
  if [[ -n $pid ]]; then
    local want=$SOLR_PORT
    [[ -z $RUNNING_PORT ]] || use_port "$RUNNING_PORT"
    say "already running (pid $pid) at $BASE_URL"
    [[ $want == "$SOLR_PORT" ]] || say "note: SOLR_PORT=$want ignored; stop it first to change the port"
    sync_running_cores
    return 0
  fi
  if port_busy; then
    local who; who=$(ss -ltnpH "sport = :$SOLR_PORT" 2>/dev/null | head -1 || true)
    die "port $SOLR_PORT is in use by another process${who:+: $who}; set SOLR_PORT"
  fi
  local java; java=$(java_bin)
  QUIET_INSTALL=1 cmd_install
  local cp_file; cp_file=$(classpath_file)
  local jar; jar=$(launcher_jar "$java" "$cp_file")
  local cp; cp=$jar:$(<"$cp_file")
  prepare_home
  local changed
  for changed in "${CHANGED_SCHEMA[@]}"; do rm -rf "${SOLR_HOME:?}/$changed/data"; done

  # Heap: a portal index is small and Lucene reads it through mmap (page cache, outside
  # the heap), so 1 GB max is plenty on a 2-core/24 GB machine shared with Postgres and
  # CKAN; start at 256 MB so an idle Solr stays small. No -XX:TieredStopAtLevel: that
  # trades long-run speed for start time, wrong for a server.
  local -a opts=(
    "-Xms256m" "-Xmx$SOLR_HEAP" "-Xss256k"
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Duser.timezone=UTC
    # IPv4 socket: `ss -ltn` then shows 127.0.0.1:PORT rather than [::ffff:127.0.0.1]:PORT
    -Djava.net.preferIPv4Stack=true
    "-Dlog4j2.configurationFile=$SOLR_SRC/log4j2.xml" "-Dsolr.log.dir=$LOG_DIR"
    # Solr looks for <install dir>/lib and modules/ there; solr/ has neither, which is
    # what we want (all jars come from the classpath), and it silences a warning.
    "-Dsolr.install.dir=$SOLR_SRC"
  )
  local o
  while IFS= read -r o; do opts+=("$o"); done < <(cds_opts "$java" "$cp")
  # shellcheck disable=SC2206  # word splitting of user-supplied options is intended
  [[ -n $SOLR_JAVA_OPTS ]] && opts+=($SOLR_JAVA_OPTS)

  {
    printf '\n===== %s start: port %s, chain %s, heap %s =====\n' \
      "$(date -u +%FT%TZ)" "$SOLR_PORT" "$SOLR_ZH_CHAIN" "$SOLR_HEAP"
  } >>"$LOG_DIR/console.log"
  local t0; t0=$(date +%s.%N)
  # setsid: own session, so the terminal's Ctrl-C / hangup does not reach Solr
  (cd "$STATE" && exec setsid "$java" "${opts[@]}" -cp "$cp" Launcher \
      "$SOLR_HOME" "$SOLR_PORT" </dev/null >>"$LOG_DIR/console.log" 2>&1) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$SOLR_PORT" >"$PORT_FILE"

  # Cores load in parallel and Jetty answers before all are loaded: wait for the ping of
  # every core (ckan first), so that tests can use ckan_test as soon as we return.
  local deadline=$((SECONDS + SOLR_START_TIMEOUT)) entry core
  for entry in "${CORES[@]}"; do
    core=${entry%%:*}
    until http_get "$BASE_URL/$core/admin/ping?wt=json" 2 2>/dev/null | grep -Eq '"status" *: *"OK"'; do
      if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$PID_FILE" "$PORT_FILE"
        log_tail 30
        die "Solr exited during start (log: $LOG_DIR)"
      fi
      if ((SECONDS >= deadline)); then
        log_tail 30
        die "Solr did not answer $BASE_URL/$core/admin/ping within ${SOLR_START_TIMEOUT}s (still running as pid $pid; scripts/solr.sh stop)"
      fi
      sleep 0.2
    done
  done
  local secs; secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  say "Solr running (pid $pid) at $BASE_URL, cores: ${CORES[*]%%:*}; ready in ${secs}s; logs in $LOG_DIR"
  say_reindex
}

cmd_stop() {
  local pid; pid=$(solr_pid)
  if [[ -z $pid ]]; then
    say "already stopped"
    return 0
  fi
  [[ -z $RUNNING_PORT ]] || use_port "$RUNNING_PORT"
  kill -TERM "$pid"
  local deadline=$((SECONDS + SOLR_STOP_TIMEOUT)) clean=1
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "pid $pid still alive after ${SOLR_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      clean=0
      sleep 1
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE" "$PORT_FILE"
  local new
  for new in "$STATE"/cds-*.jsa.new; do
    [[ -e $new ]] || continue
    if ((clean)) && [[ -s $new ]]; then mv -f "$new" "${new%.new}"; else rm -f "$new"; fi
  done
  deadline=$((SECONDS + 15))
  while port_busy; do
    ((SECONDS < deadline)) || die "Solr (pid $pid) stopped but port $SOLR_PORT is still in use"
    sleep 0.2
  done
  say "stopped (pid $pid); port $SOLR_PORT free"
}

cmd_status() {
  local pid; pid=$(solr_pid)
  if [[ -z $pid ]]; then
    say "stopped"
    return 3
  fi
  [[ -z $RUNNING_PORT ]] || use_port "$RUNNING_PORT"
  local rss; rss=$(awk '/^VmRSS/{print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || echo '?')
  say "running (pid $pid, RSS ${rss} MB) at $BASE_URL"
  local json
  if json=$(http_get "$BASE_URL/admin/cores?action=STATUS&wt=json" 5 2>/dev/null); then
    printf '%s' "$json" | "$PYTHON" -c '
import json, sys
st = json.load(sys.stdin)["status"]
for name in sorted(st):
    idx = st[name].get("index", {})
    print("  %-16s docs=%-8s size=%s" % (name, idx.get("numDocs", "?"), idx.get("size", "?")))
' 2>/dev/null || true
  else
    say "warning: $BASE_URL does not answer"
  fi
}

cmd_reset_core() {
  local core=${1:-}
  [[ -n $core ]] || die "usage: solr.sh reset-core NAME (one of: ${CORES[*]%%:*})"
  local known=0 entry
  for entry in "${CORES[@]}"; do [[ ${entry%%:*} == "$core" ]] && known=1; done
  ((known)) || die "unknown core '$core' (one of: ${CORES[*]%%:*})"
  local pid; pid=$(solr_pid)
  if [[ -n $pid ]]; then
    [[ -z $RUNNING_PORT ]] || use_port "$RUNNING_PORT"
    # Running: unload the core with its data, then create it again from the same
    # instance dir (its conf/ is already in place).
    http_get "$BASE_URL/admin/cores?action=UNLOAD&core=$core&deleteIndex=true&deleteDataDir=true&wt=json" 60 >/dev/null ||
      die "could not unload core $core"
    rm -rf "${SOLR_HOME:?}/$core/data"
    http_get "$BASE_URL/admin/cores?action=CREATE&name=$core&instanceDir=$core&wt=json" 120 >/dev/null || {
      log_tail 20
      die "could not re-create core $core (scripts/solr.sh restart)"
    }
    say "core $core emptied (Solr kept running)"
  else
    rm -rf "${SOLR_HOME:?}/$core/data"
    say "core $core data deleted; it starts empty with the next start"
  fi
}

# ---------------------------------------------------------------- main
case ${1:-} in
  install) cmd_install "${2:-}" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; RUNNING_PORT=; use_port "$REQUESTED_PORT"; cmd_start ;;
  status) cmd_status ;;
  reset-core) cmd_reset_core "${2:-}" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
