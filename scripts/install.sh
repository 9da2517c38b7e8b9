#!/usr/bin/env bash
# Installs everything the project needs, and only what is missing:
# Debian packages (PostgreSQL, Redis, Java/Maven check), the Python virtualenv
# (cached by requirement hash), the extension in editable mode and the Solr jars.
set -euo pipefail
source "$(dirname "$0")/env.sh"

need_apt=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || command -v initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)  # Solr's launcher is compiled
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v runuser >/dev/null 2>&1 || need_apt+=(util-linux)
if [ "${LIUZHOU_BROWSER_TESTS:-1}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-noto-cjk)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${need_apt[*]} — run: sudo apt-get install ${need_apt[*]}"
  say "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # Debian's package starts its own services; the project runs its own on other ports.
  for svc in redis-server postgresql; do
    command -v systemctl >/dev/null 2>&1 && systemctl stop "$svc" >/dev/null 2>&1 || true
    command -v service >/dev/null 2>&1 && service "$svc" stop >/dev/null 2>&1 || true
  done
fi

if [ ! -x "$PYTHON" ] || [ ! -f "$VENV/.complete" ]; then
  say "creating virtualenv $VENV (first run: a few minutes)"
  rm -rf "$VENV"
  mkdir -p "$CACHE_DIR"
  "$PYTHON_BIN" -m venv "$VENV"
  "$PYTHON" -m pip install -q --upgrade "pip==24.3.1" "setuptools<81" wheel
  "$PYTHON" -m pip install -q -r "$REPO/requirements.txt" -r "$REPO/dev-requirements.txt"
  touch "$VENV/.complete"
  echo "$REQ_HASH" >"$VENV/.pins"
fi
# A virtualenv named by VENV (not the one keyed by the pins) whose pins have changed since it
# was built: install what the new pins ask for.
if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$REQ_HASH" ]; then
  say "requirements changed: updating $VENV"
  "$PYTHON" -m pip install -q -r "$REPO/requirements.txt" -r "$REPO/dev-requirements.txt"
  echo "$REQ_HASH" >"$VENV/.pins"
fi
# The extension itself, editable, pointing at this checkout (cheap: no dependencies).
if ! (cd / && "$PYTHON" - "$REPO" <<'PY' 2>/dev/null)
import os, sys
from importlib.metadata import entry_points
ep = [e for e in entry_points(group="ckan.plugins") if e.name == "liuzhou"]
import ckanext.liuzhou as m
ok = ep and os.path.realpath(m.__path__[0]) == os.path.realpath(os.path.join(sys.argv[1], "ckanext", "liuzhou"))
sys.exit(0 if ok else 1)
PY
then
  rm -f "$VENV/.editable-setup"
fi
# …and again whenever setup.py changes (a new plugin entry point, package data).
SETUP_HASH=$(sha1sum "$REPO/setup.py" | cut -c1-12)
if [ "$(cat "$VENV/.editable-setup" 2>/dev/null)" != "$REPO $SETUP_HASH" ]; then
  say "installing ckanext-liuzhou (editable) from $REPO"
  "$PYTHON" -m pip install -q --no-deps --no-build-isolation --config-settings editable_mode=compat -e "$REPO"
  echo "$REPO $SETUP_HASH" >"$VENV/.editable-setup"
fi
# Compile the extension's translations when the .po is newer than the .mo.
for po in "$REPO"/ckanext/liuzhou/i18n/*/LC_MESSAGES/ckanext-liuzhou.po; do
  [ -f "$po" ] || continue
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    "$VENV/bin/pybabel" -q compile -i "$po" -o "$mo"
  fi
done

PYTHON="$PYTHON" bash "$REPO/scripts/solr.sh" install
