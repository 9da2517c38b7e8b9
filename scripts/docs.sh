#!/usr/bin/env bash
# make docs: build the documentation site (mkdocs.yml) into $STACK_DIR/site with --strict, so
# a broken link or anchor, a page missing from nav or a README link to a missing file fails.
# The configuration and API references are generated during the build (scripts/mkdocs_hooks.py).
# `--no-install` skips the install step (scripts/test.sh has just run it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
[ "${1:-}" = --no-install ] || bash "$REPO/scripts/install.sh"
say "building the documentation (mkdocs build --strict)"
cd "$REPO"
# Not --quiet: it hides the warnings from --strict's count, and a broken link would pass.
log="$STACK_DIR/docs-build.log"
if ! "$VENV/bin/mkdocs" build --strict --config-file "$REPO/mkdocs.yml" --site-dir "$STACK_DIR/site" >"$log" 2>&1; then
  grep -E "^(WARNING|ERROR)|Aborted|Error" "$log" >&2 || tail -30 "$log" >&2
  die "the documentation does not build (mkdocs --strict; whole output: $log)"
fi
say "documentation: $STACK_DIR/site/index.html"
