"""The bench on the real catalog (``python -m bench --corpus real``): what differs from a run on
the generated one.

- Loading: each side is loaded by a child process in process (:mod:`bench.inprocess_load`:
  the project through ``catalog.bulk.save_many``, stock CKAN through ``package_create``), with
  the wall time, the loader's CPU time and the CPU time PostgreSQL and Solr of the stack spent
  meanwhile (read from ``/proc``; the machine is shared, so CPU seconds are the steadier figure).
- Queries: the clerk queries of :meth:`bench.real_catalog.RealCatalog.clerk_queries` for the
  Chinese searches, the search page and ``search_suggest``.
- Known-item quality over HTTP on the loaded portals: a query made from an entry's title
  (:func:`bench.known_item.build_queries`), as the bench's reader; found when the entry (or one
  with the identical title) is among the first 10 results of ``package_search``.
"""
from __future__ import annotations

import collections
import json
import os
import resource
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .api import ApiError, call
from .services import BIN, PG_PORT, REPO, STACK_DIR, STATE, Side

# The operations measured on the real catalog unless --ops names others: the searches (no
# package_create, which would add generated entries, and no share requests).
SEARCH_OPS = ["search_plain", "search_zh", "search_zh_common", "search_facets", "page_search", "search_suggest"]
TOP = 10


def _ticks(pid: int | str) -> tuple[float, int]:
    """(utime + stime + cutime + cstime) seconds of a process, and its parent pid."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return sum(int(x) for x in fields[11:15]) / hz, int(fields[1])


def stack_cpu() -> dict[str, float]:
    """CPU seconds so far of this worktree's PostgreSQL (postmaster, its live backends and the
    reaped ones) and Solr."""
    out = {"postgres": 0.0, "solr": 0.0}
    pg_pid = None
    try:
        pg_pid = int((STACK_DIR / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    solr_pid = None
    try:
        solr_pid = int((STACK_DIR / "solr" / "solr.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            secs, ppid = _ticks(entry)
        except (OSError, ValueError):
            continue
        pid = int(entry)
        if pg_pid and (pid == pg_pid or ppid == pg_pid):
            out["postgres"] += secs
        elif solr_pid and pid == solr_pid:
            out["solr"] += secs
    return {k: round(v, 1) for k, v in out.items()}


def split(missing: list[int], procs: int, batch: int) -> list[list[int]]:
    """``missing`` dealt to ``procs`` processes by batches of ``batch`` entries in turn (batch 0
    to the first, batch 1 to the second …), each process's list in order: processes loading at
    the same pace hold the first N entries between them at any time, give or take the batches
    under way, so an interrupted load still leaves a prefix of the catalog to measure."""
    batches = [missing[i:i + batch] for i in range(0, len(missing), max(1, batch))]
    procs = max(1, min(procs, len(batches)))
    return [[i for part in batches[k::procs] for i in part] for k in range(procs)] if batches else []


def combine(parts: list[dict]) -> dict:
    """The stats of the loader children of one side as one: entries, refusals and CPU seconds
    summed, wall seconds the longest child's, the refusals' reasons merged."""
    if len(parts) == 1:
        return dict(parts[0], processes=1)
    out = dict(parts[0])
    for key in ("entries", "unchanged", "refused"):
        out[key] = sum(p.get(key, 0) for p in parts)
    out["cpu_seconds"] = round(sum(p.get("cpu_seconds", 0) for p in parts), 1)
    out["seconds"] = round(max(p.get("seconds", 0) for p in parts), 1)
    why: collections.Counter = collections.Counter()
    for p in parts:
        why.update(p.get("refused_why") or {})
    out["refused_why"] = dict(why.most_common(30))
    out["first_refused"] = [r for p in parts for r in p.get("first_refused") or []][:10]
    out["per_second"] = round(out["entries"] / out["seconds"], 2) if out["seconds"] else None
    out["per_cpu_second"] = round(out["entries"] / out["cpu_seconds"], 2) if out["cpu_seconds"] else None
    out["processes"] = len(parts)
    out["per_process"] = [{k: p.get(k) for k in ("entries", "refused", "seconds", "cpu_seconds")} for p in parts]
    return out


def _index_missing(side: Side) -> None:
    side.ckan("search-index", "rebuild", "--only-missing", "--quiet", log=f"index-missing-{side.key}.log")


def load_inprocess(side: Side, corpus_name: str, seed: int, missing: list[int], batch: int, say,
                   procs: int = 1, defer_index: bool = False) -> dict:
    """Load ``missing`` entries into ``side`` with ``procs`` child ``python -m bench.inprocess_load``
    processes at once, dealt their batches in turn (:func:`split`, ``--load-procs``).

    ``defer_index`` (stock): the children write without indexing while ``ckan search-index rebuild
    --only-missing`` indexes what they committed, in a loop, and once more at the end; its CPU
    seconds are in the loader's (``loader_cpu_seconds_rusage``)."""
    STATE.mkdir(parents=True, exist_ok=True)
    slices = split(missing, procs, batch)
    files = []
    for part in slices:
        with tempfile.NamedTemporaryFile("w", suffix=".json", dir=STATE, delete=False) as f:
            json.dump(part, f)
            files.append(f.name)
    log = STATE / f"load-{side.key}.log"
    say(f"{side.key}: loading {len(missing)} entries in process, {len(slices)} process(es) (log: {log})")
    cpu0, load0 = stack_cpu(), os.getloadavg()
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    stop, index_runs, indexer = threading.Event(), [], None
    if defer_index:
        # stock's indexer is unloaded in the writers: stock's own `search-index rebuild
        # --only-missing` indexes what they have committed, again and again while they write
        # (one process; `rebuild-fast`, stock's parallel one, fails here: see docs/benchmarks.md)
        def loop() -> None:
            while not stop.wait(20):
                t1 = time.monotonic()
                try:
                    _index_missing(side)
                except RuntimeError as e:   # logged in its file; the final run says if it persists
                    say(f"{side.key}: {e}")
                index_runs.append(round(time.monotonic() - t1, 1))
        indexer = threading.Thread(target=loop, daemon=True)
        indexer.start()
    with open(log, "ab") as err:
        children = [subprocess.Popen(
            [str(BIN / "python"), "-m", "bench.inprocess_load", "--side", side.key, "--corpus", corpus_name,
             "--seed", str(seed), "--indexes", idx_file, "--batch", str(batch), "-c", str(side.ini)]
            + (["--defer-index"] if defer_index else []),
            env=side.env(), cwd=REPO, stdout=subprocess.PIPE, stderr=err) for idx_file in files]
        outs = [c.communicate()[0] for c in children]
    write_wall = time.monotonic() - t0
    index_stats = {}
    if indexer is not None:
        stop.set()
        indexer.join()
        if not [c for c in children if c.returncode != 0]:
            say(f"{side.key}: written; indexing the rest with ckan search-index rebuild --only-missing")
            t1 = time.monotonic()
            _index_missing(side)
            index_runs.append(round(time.monotonic() - t1, 1))
        index_stats = {"write_seconds": round(write_wall, 1), "index_runs": len(index_runs),
                       "last_index_seconds": index_runs[-1] if index_runs else None}
    wall = time.monotonic() - t0
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu1 = stack_cpu()
    for idx_file in files:
        Path(idx_file).unlink(missing_ok=True)
    failed = [c.returncode for c in children if c.returncode != 0]
    if failed:
        raise RuntimeError(f"in-process load of {side.key} failed ({failed}): see {log}")
    stats = combine([json.loads(out.decode().strip().splitlines()[-1]) for out in outs])
    stats.update(index_stats)
    stats["wall_seconds_with_start"] = round(wall, 1)
    stats["loader_cpu_seconds_rusage"] = round(
        (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime), 1)
    stats["postgres_cpu_seconds"] = round(cpu1["postgres"] - cpu0["postgres"], 1)
    stats["solr_cpu_seconds"] = round(cpu1["solr"] - cpu0["solr"], 1)
    # PostgreSQL and Solr serve both sides: with the other side loading at the same time these
    # two include its work too
    total_cpu = stats["loader_cpu_seconds_rusage"] + stats["postgres_cpu_seconds"] + stats["solr_cpu_seconds"]
    stats["total_cpu_seconds"] = round(total_cpu, 1)
    stats["per_total_cpu_second"] = round(stats["entries"] / total_cpu, 2) if total_cpu else None
    stats["loadavg_before"] = [round(x, 2) for x in load0]
    stats["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return stats


def known_item(workloads: dict, catalog, n: int, say) -> dict:
    """Found in the first 10 (success@10) and MRR@10 of ``n`` known-item queries made from the
    loaded titles, on every side, through its ``package_search`` as the bench's reader."""
    from .known_item import build_queries

    titles = catalog.titles()
    queries = build_queries(titles, n, catalog.seed)
    by_title = collections.defaultdict(set)
    for i, t in enumerate(titles):
        by_title[t].add(catalog.name(i))
    out: dict = {"queries": len(queries), "top": TOP, "sides": {}, "examples": [q.q for q in queries[:15]]}
    for key, w in workloads.items():
        found = rr = empty = errors = 0
        adjacent = collections.Counter()
        t0 = time.monotonic()
        for kq in queries:
            try:
                res = call(w.side.url, "package_search", {"q": kq.q, "rows": TOP, "fl": "name"},
                           w.token("reader"), timeout=120)
            except ApiError:
                errors += 1
                continue
            names = [r["name"] if isinstance(r, dict) else r for r in res["results"]]
            rank = next((k for k, nm in enumerate(names, 1) if nm in by_title[kq.title]), None)
            if res["count"] == 0:
                empty += 1
            if rank:
                found += 1
                rr += 1 / rank
                adjacent["adjacent" if kq.adjacent else "apart"] += 1
        nq = len(queries) or 1
        out["sides"][key] = {"found_top10": found, "success_at_10": round(found / nq, 3),
                             "mrr_at_10": round(rr / nq, 3), "no_results": empty, "errors": errors,
                             "found_adjacent": adjacent["adjacent"], "found_apart": adjacent["apart"],
                             "seconds": round(time.monotonic() - t0, 1)}
        say(f"known-item {key}: {found}/{len(queries)} found in the first {TOP}, "
            f"MRR {out['sides'][key]['mrr_at_10']}, {empty} with no results")
    out["adjacent_queries"] = sum(1 for q in queries if q.adjacent)
    return out


def prefix(name_of, limit: int, have: set[str]) -> int:
    """How many of the catalog's first entries are all loaded: the largest N such that entries
    0 … N-1 are in ``have`` (``name_of(i)`` gives entry i's name)."""
    n = 0
    while n < limit and name_of(n) in have:
        n += 1
    return n


def loaded(db: str) -> set[str]:
    """Names of the active datasets in bench database ``db``."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, dbname=db, user="ckan", password="ckan")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT name FROM package WHERE state = 'active'")
            return {r[0] for r in cur.fetchall()}
    finally:
        conn.close()


def main(argv=None) -> int:
    """``python -m bench.real_bench``: how much of the real catalog each bench database holds
    (the first N loaded without a gap, and the entries past them): the ``--scale`` at which an
    interrupted load can be measured on both sides alike (``--keep``, and ``--prune`` for the
    entries past it)."""
    import argparse

    from .real_catalog import SEED, RealCatalog

    p = argparse.ArgumentParser(prog="python -m bench.real_bench", description=main.__doc__)
    p.add_argument("--db", action="append", help="bench databases (default ckan_bench and ckan_bench_stock)")
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    catalog = RealCatalog(args.seed)
    common = catalog.limit
    for db in args.db or ["ckan_bench", "ckan_bench_stock"]:
        have = loaded(db)
        n = prefix(catalog.name, catalog.limit, have)
        first = {catalog.name(i) for i in range(n)}
        print(f"{db}: {len(have)} active datasets, the first {n} of the real catalog all there, "
              f"{len(have - first)} others")
        common = min(common, n)
    print(f"both: the first {common}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
