"""Benchmarks of the project portal against stock CKAN 2.11 at city scale (docs/benchmarks.md).

``bash bench/run.sh [options]`` (or ``make bench ARGS="…"``); see cli.py and docs/benchmarks.md.
"""
