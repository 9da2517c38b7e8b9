#!/usr/bin/env bash
# make bench: install what is missing, start PostgreSQL/Redis/Solr, then run the benchmark
# (python -m bench, arguments passed through: --scale, --clients, --duration, --keep, …).
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
LIUZHOU_BROWSER_TESTS=${LIUZHOU_BROWSER_TESTS:-0} bash "$REPO/scripts/install.sh"
bash "$REPO/scripts/stack.sh" up
cd "$REPO"
PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" exec "$PYTHON" -m bench "$@"
