# Sourced by every script: one place for paths and ports.
# Every value can be overridden from the environment.
REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
STACK_DIR="${STACK_DIR:-$REPO/.stack}"
CACHE_DIR="${LIUZHOU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ckanext-liuzhou}"
PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-6390}"
SOLR_PORT="${SOLR_PORT:-8984}"
CKAN_PORT="${CKAN_PORT:-5000}"
PG_USER="${PG_USER:-ckan}"
PG_PASSWORD="${PG_PASSWORD:-ckan}"
DATASTORE_RO_USER="${DATASTORE_RO_USER:-datastore_ro}"
DATASTORE_RO_PASSWORD="${DATASTORE_RO_PASSWORD:-datastore_ro}"
PYTHON_BIN="${PYTHON_BIN:-python3.11}"
command -v "$PYTHON_BIN" >/dev/null 2>&1 || PYTHON_BIN=python3
# The virtualenv lives in the cache, keyed by the pinned requirements, so a fresh
# clone (CI) reuses it and a change of pins builds a new one.
REQ_HASH="$(cat "$REPO/requirements.txt" "$REPO/dev-requirements.txt" 2>/dev/null | sha1sum | cut -c1-12)"
VENV="${VENV:-$CACHE_DIR/venv-$REQ_HASH}"
PYTHON="$VENV/bin/python"
CKAN="$VENV/bin/ckan"
export REPO STACK_DIR CACHE_DIR PG_PORT REDIS_PORT SOLR_PORT CKAN_PORT VENV PYTHON
mkdir -p "$STACK_DIR"

say()  { printf '\033[1;34m[liuzhou]\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[liuzhou] %s\033[0m\n' "$*" >&2; exit 1; }

# Wait until a TCP port on 127.0.0.1 accepts connections.
wait_port() {  # port seconds what
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
