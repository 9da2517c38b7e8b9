"""Samples the CPU of a bench load from ``/proc``, beside it, into a JSON-lines file.

    python -m bench.load_sampler OUT [--every 60] [--db ckan_bench --db ckan_bench_stock]

Every 2 s it reads the CPU ticks of this worktree's PostgreSQL backends by database (the last
value seen of each backend, so one that exits counts up to its last reading), of Solr, of the
bench's loader processes (``bench.inprocess_load``, by side) and of ``ckan search-index``
commands; every ``--every`` seconds it appends one line: the time (UTC), the load average, the
active datasets of each bench database and those cumulative CPU seconds. The difference of two
lines is what each spent between them. Runs until stopped (its pid is the first line of stderr).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .services import PG_PORT, STACK_DIR

HZ = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int) -> tuple[float, int]:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ, int(fields[1])


def _pid(path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def poll(seen: dict[int, tuple[str, float]]) -> None:
    """Update ``seen`` (pid → (what, CPU seconds)) from /proc."""
    pg, solr = _pid(STACK_DIR / "pg" / "data" / "postmaster.pid"), _pid(STACK_DIR / "solr" / "solr.pid")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            secs, ppid = _ticks(pid)
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        key = None
        if pg and ppid == pg and cmd.startswith("postgres: "):
            parts = cmd.split()   # postgres: USER DATABASE HOST(PORT) STATE
            key = "pg:" + (parts[2] if len(parts) > 3 and parts[1] == "ckan" else "other")
        elif pid == pg:
            key = "pg:postmaster"
        elif pid == solr:
            key = "solr"
        elif "bench.inprocess_load" in cmd and "--side " in cmd:
            key = "loader:" + cmd.split("--side ")[1].split()[0]
        elif "search-index" in cmd and "ckan" in cmd:
            key = "reindex"
        if key:
            seen[pid] = (key, secs)


def totals(seen: dict[int, tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, secs in seen.values():
        out[key] = round(out.get(key, 0.0) + secs, 1)
    return out


def active(dbs: list[str]) -> dict[str, int | None]:
    import psycopg2

    out: dict[str, int | None] = {}
    for db in dbs:
        try:
            conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, dbname=db, user="ckan", password="ckan")
        except psycopg2.Error:
            out[db] = None
            continue
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM package WHERE state = 'active'")
                out[db] = cur.fetchone()[0]
        finally:
            conn.close()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load_sampler", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--every", type=float, default=60.0)
    p.add_argument("--db", action="append", help="bench databases (default ckan_bench, ckan_bench_stock)")
    args = p.parse_args(argv)
    dbs = args.db or ["ckan_bench", "ckan_bench_stock"]
    print(os.getpid(), file=sys.stderr, flush=True)
    seen: dict[int, tuple[str, float]] = {}
    last = 0.0
    while True:
        poll(seen)
        if time.monotonic() - last >= args.every:
            last = time.monotonic()
            line = {"utc": time.strftime("%H:%M:%S", time.gmtime()),
                    "loadavg": [round(x, 2) for x in os.getloadavg()], "active": active(dbs), "cpu_s": totals(seen)}
            with open(args.out, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
        time.sleep(2.0)


if __name__ == "__main__":
    raise SystemExit(main())
