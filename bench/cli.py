"""python -m bench: load a city-scale catalog into the project portal and into stock CKAN 2.11,
measure both under 1 and 8 concurrent clients, print the table and write the JSON.

See docs/benchmarks.md; ``python -m bench --help`` lists the options.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import corpus, loader, real_bench, report, runner, services
from .operations import Workload
from .services import REPO, STATE

SHARED_OPS = report.SHARED
PROJECT_OPS = ["share_request_create", "share_request_decide", "download", "evaluation_page", "search_suggest"]
SHARE_OPS = ["share_request_create", "share_request_decide", "download"]   # need a conditional entry


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=int, default=20_000, help="catalog entries to load (default 20000; "
                   "with --corpus real at most 42231, 0 = all)")
    p.add_argument("--corpus", choices=["generated", "real"], default="generated",
                   help="generated (bench/corpus.py, default) or real: the 42,231 entries of "
                   "/work/shared/data/real-catalog (bench/real_catalog.py), loaded in process on both "
                   "sides, measured with queries from their titles (docs/benchmarks.md)")
    p.add_argument("--load-via", choices=["api", "inprocess"], help="how entries are loaded: through the "
                   "action API with --load-workers clients, or in process (the project: catalog.bulk.save_many; "
                   "stock: package_create). Default: api for the generated corpus, inprocess for the real one")
    p.add_argument("--load-batch", type=int, default=500, help="entries per save_many call in process (500)")
    p.add_argument("--load-procs", type=int, default=1, help="in-process loader processes per side at once, "
                   "dealt the batches of --load-batch missing entries in turn (default 1; e.g. 3 for stock CKAN, "
                   "which has no bulk path: package_create per entry in each)")
    p.add_argument("--defer-index", action="store_true", help="stock, in process: write the entries with "
                   "stock's indexer unloaded in the loader processes while `ckan search-index rebuild "
                   "--only-missing` indexes what they committed, in a loop and once more at the end")
    p.add_argument("--known-item", type=int, default=None, metavar="N", help="known-item queries from the "
                   "loaded titles, run on both sides after the measurements (default 300 with --corpus real, "
                   "else 0)")
    p.add_argument("--clients", default="1,8", help="concurrent clients, comma-separated (default 1,8)")
    p.add_argument("--duration", type=float, default=15, help="seconds measured per operation, side and "
                   "client count (default 15; plus --warmup)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured requests first (default 2)")
    p.add_argument("--keep", action="store_true", help="reuse the databases and indexes of an earlier run: "
                   "load only the entries that are missing")
    p.add_argument("--repeat", type=int, default=1, help="rounds of every measurement (default 1); each "
                   "round measures the two sides of an operation one after the other, the first side "
                   "alternating; the table gives the medians and the median of the rounds' p95 ratios")
    p.add_argument("--seed", type=int, default=2026, help="which generated catalog (default 2026)")
    p.add_argument("--load-workers", type=int, default=8, help="parallel API clients while loading (default 8)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per portal (default 2, as make serve)")
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4, as make serve)")
    p.add_argument("--ops", default="", help="only these operations (comma-separated names of the table)")
    p.add_argument("--sides", default="project,stock", help="project,stock (default both)")
    p.add_argument("--no-rebuild", action="store_true", help="skip timing `ckan search-index rebuild`")
    p.add_argument("--load-only", action="store_true", help="prepare and load, then stop (no measurement, "
                   "no rebuild): e.g. load both sides at once in two runs with --sides, then measure with --keep")
    p.add_argument("--rebuild-only", action="store_true", help="prepare and load what is missing, then time "
                   "`ckan search-index rebuild` (no measurement)")
    p.add_argument("--rebuild-clear", action="store_true", help="rebuild from an empty core (`--clear`) even "
                   "when the core's conf is the tree's (e.g. its schema was changed and reloaded by hand)")
    p.add_argument("--prune", action="store_true", help="after loading, delete every dataset that is not one of "
                   "the first --scale entries (entries made by earlier measurements, a larger earlier load), "
                   "so that both sides hold the same catalog")
    p.add_argument("--decide-pool", type=int, default=600, help="submitted share requests made ready before "
                   "each share_request_decide measurement (default 600)")
    p.add_argument("--profile", metavar="DIR", help="record each project measurement with py-spy (raw "
                   "collapsed stacks in DIR) when py-spy is on PATH")
    p.add_argument("--out", help="JSON path (default bench/results/<date>-<scale>.json)")
    p.add_argument("--db-project", default="ckan_bench")
    p.add_argument("--db-stock", default="ckan_bench_stock")
    p.add_argument("--core-project", default="ckan_bench")
    p.add_argument("--core-stock", default="ckan_bench_stock")
    p.add_argument("--redis-project", type=int, default=5)
    p.add_argument("--redis-stock", type=int, default=6)
    p.add_argument("--port-project", type=int, default=5101)
    p.add_argument("--port-stock", type=int, default=5102)
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat: at least 1 round")
    if args.load_procs < 1:
        p.error("--load-procs: at least 1 process")
    args.load_via = args.load_via or ("inprocess" if args.corpus == "real" else "api")
    if args.known_item is None:
        args.known_item = 300 if args.corpus == "real" else 0
    return args


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _load(x) -> list[float]:
    return [round(v, 2) for v in (x if x is not None else os.getloadavg())]


def uptime() -> str:
    """``uptime`` as printed (the load of the shared machine), for the JSON."""
    try:
        return subprocess.run(["uptime"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def prepare(side: services.Side, args, catalog: corpus.Catalog) -> dict:
    """Database, core, web server, departments, users and the catalog of one side."""
    t0 = time.monotonic()
    services.ensure_core(side)
    if not args.keep:
        services.empty_core(side)
    services.fresh_database(side, args.keep)
    side.token = services.sysadmin_token(side, loader.PASSWORD)
    services.start_web(side, args.workers, args.threads)
    created_orgs = loader.departments(side)
    loader.users(side)
    setup_s = time.monotonic() - t0
    have = set(_names(side))
    missing = [i for i in range(args.scale) if catalog.name(i) not in have]
    say(f"{side.key}: {len(have)} datasets there, loading {len(missing)} with {args.load_workers} clients")
    stats = {"setup_seconds": round(setup_s, 1), "departments_created": created_orgs,
             "already_loaded": len(have)}
    if missing and args.load_via == "inprocess":
        stats.update(real_bench.load_inprocess(side, args.corpus, catalog.seed, missing, args.load_batch, say,
                                                      args.load_procs, args.defer_index and side.key == "stock"))
    elif missing:
        stats.update(_load_missing(side, catalog, missing, args.load_workers))
    if args.prune:
        stats["pruned"] = loader.prune(side, catalog, args.scale, _names(side))
        say(f"{side.key}: pruned {stats['pruned']}")
    stats["indexed"] = services.core_docs(side)
    stats["solr_index"] = services.core_index(side)
    return stats


def _names(side: services.Side) -> list[str]:
    from .api import call
    return call(side.url, "package_list", {}, side.token, timeout=600)


def _load_missing(side, catalog, missing, workers) -> dict:
    # contiguous runs load with one pool each; usually there is one run
    import itertools
    total: dict = {}
    for _, group in itertools.groupby(enumerate(missing), key=lambda t: t[1] - t[0]):
        idx = [i for _, i in group]
        part = loader.entries(side, catalog, idx[0], idx[-1] + 1, workers, progress=say)
        for k, v in part.items():
            if isinstance(v, (int, float)) and k not in ("per_second", "workers"):
                total[k] = round(total.get(k, 0) + v, 1)
            elif k not in total:
                total[k] = v
    if total.get("seconds"):
        total["per_second"] = round(total["entries"] / total["seconds"], 2)
    return total


def rebuild(side: services.Side, clear: bool = False) -> dict:
    """Time ``ckan search-index rebuild`` of the whole catalog.

    The core first gets the conf/ of the tree (a schema changed since an earlier run made the
    core is written and the core reloaded); then the index is rebuilt from an empty core
    (``--clear``), as the new schema needs, else over the documents there (as an operator would).
    """
    services.stop_web(side)   # what an operator does; also keeps the machine quiet
    changed = services.sync_core_conf(side)
    if changed:
        say(f"{side.key}: core {side.core} had an older conf ({', '.join(changed)}): rewritten and reloaded")
    load0 = os.getloadavg()
    started = dt.datetime.now(dt.timezone.utc).strftime("%H:%M:%S")
    t0 = time.monotonic()
    clear = clear or bool(changed)
    side.ckan("search-index", "rebuild", "-q", *(["--clear"] if clear else []), log=f"rebuild-{side.key}.log")
    seconds = time.monotonic() - t0
    docs = services.core_docs(side)
    return {"seconds": round(seconds, 1), "documents": docs,
            "per_second": round(docs / seconds, 1) if seconds else None,
            "conf_changed": changed, "cleared": clear, "started_utc": started,
            "loadavg_before": _load(load0), "loadavg_after": _load(None)}


class Profiler:
    def __init__(self, directory: str | None):
        self.dir = Path(directory) if directory else None
        self.exe = shutil.which("py-spy")
        self.proc = None

    def start(self, side: services.Side, label: str) -> None:
        if not (self.dir and self.exe and side.key == "project" and side.process):
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [self.exe, "record", "--pid", str(side.process.pid), "--subprocesses", "--rate", "200",
             "--format", "raw", "--nonblocking", "-o", str(self.dir / f"{label}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(2)   # SIGINT: py-spy writes its file and exits
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


def measure(args, sides: dict, workloads: dict, profiler: Profiler) -> tuple[list[dict], list[str]]:
    results, notes = [], []
    chosen = [o for o in args.ops.split(",") if o] or (
        real_bench.SEARCH_OPS if args.corpus == "real" else SHARED_OPS + PROJECT_OPS)
    clients_list = [int(c) for c in args.clients.split(",") if c]
    project = workloads.get("project")
    if project is not None and any(o in chosen for o in PROJECT_OPS):
        n = project.find_conditional()
        if n == 0:
            notes.append("no conditional entry of 市公安局 in the catalog: share requests not measured")
            chosen = [o for o in chosen if o not in SHARE_OPS]
    if "search_zh_common" in chosen and len(workloads) > 1:
        hits, common = query_hits(workloads, getattr(next(iter(workloads.values())), "queries", None))
        notes.append("Chinese queries, entries found (" + ", ".join(workloads) + "): " + "; ".join(
            f"{q} {'/'.join(str(h[k]) for k in workloads)}" for q, h in hits.items())
            + f"; search_zh_common uses the {len(common)} that find at least 20 on every side")
        for w in workloads.values():
            w.common_queries = common or w.common_queries
        if not common:
            notes.append("search_zh_common not measured: no query finds 20 entries on every side")
            chosen = [o for o in chosen if o != "search_zh_common"]
    rounds = args.repeat
    for clients, rnd, op in itertools.product(clients_list, range(rounds), chosen):
        keys = [k for k in sides if k in workloads] if op in SHARED_OPS else ["project"]
        for key in (keys if rnd % 2 == 0 else keys[::-1]):   # the first side alternates by round
            if key not in workloads:
                continue
            w = workloads[key]
            base = {"op": op, "side": key, "clients": clients}
            if rounds > 1:
                base["round"] = rnd
            if op == "share_request_decide":
                ready = w.fill_requests(args.decide_pool)
                base["pool"] = ready
            why = w.probe(op)
            if why:
                results.append(dict(base, skipped=True, note=why))
                if f"{op}: {why}" not in notes:
                    notes.append(f"{op}: {why}")
                say(f"{op:<22} {key:<7} {clients} clients: skipped ({why})")
                continue
            profiler.start(sides[key], f"{op}-{clients}" + (f"-r{rnd}" if rounds > 1 else ""))
            side = sides[key]
            cpu0, db0, sessions0 = services.web_cpu(side), services.db_cpu(side), services.db_sessions(side)
            r = runner.run(w.op(op), clients, args.duration, args.warmup,
                           max_requests=base.get("pool"))
            cpu1, db1 = services.web_cpu(side), services.db_cpu(side)
            r["db_connections_opened"] = services.db_sessions(side) - sessions0 - 1  # not the probe's own
            profiler.stop()
            sent = max(r.get("requests_sent") or 0, 1)
            r["web_cpu_ms"] = round((cpu1 - cpu0) * 1000 / sent, 1)   # per request, warm-up included
            r["db_cpu_ms"] = round(services.db_cpu_between(db0, db1) * 1000 / sent, 1)
            results.append(dict(base, **r))
            say(f"{op:<22} {key:<7} {clients} clients: {r['throughput']} req/s, p50 {r['p50_ms']} "
                f"p95 {r['p95_ms']} p99 {r['p99_ms']} ms, CPU/request web {r['web_cpu_ms']} "
                f"database {r['db_cpu_ms']} ms, {r['db_connections_opened']} new database connections, "
                f"{r['errors']} errors"
                + (f" (first: {r['first_error']})" if r["errors"] else "")
                + (f" [round {rnd + 1}/{rounds}]" if rounds > 1 else ""))
    return results, notes


def query_hits(workloads: dict, queries: list[str] | None = None) -> tuple[dict[str, dict[str, int]], list[str]]:
    """How many entries each Chinese query of the bench finds on each side (as the reader), and
    the queries that fill a page of 20 on every side."""
    hits = {q: {k: w.hits(q) for k, w in workloads.items()} for q in queries or corpus.CHINESE_QUERIES}
    return hits, [q for q, h in hits.items() if min(h.values()) >= 20]


def git_head() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        return ""


def git_changes() -> list[str]:
    """Files changed and not committed (the gunicorns run the tree as it is, not HEAD)."""
    try:
        out = subprocess.run(["git", "status", "--short", "--untracked-files=no"], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    except OSError:
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def main(argv=None) -> int:
    args = parse(argv)
    STATE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run_id = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    if args.corpus == "real":
        from .real_catalog import SEED, RealCatalog
        catalog = RealCatalog(args.seed if args.seed != 2026 else SEED, limit=args.scale or None)
        args.scale = catalog.limit
    else:
        catalog = corpus.Catalog(args.seed)
    all_sides = services.sides(args)
    keys = [k for k in args.sides.split(",") if k in all_sides]
    sides = {k: all_sides[k] for k in keys}
    doc: dict = {
        "issue": 9, "date": dt.date.today().isoformat(), "git": git_head(), "git_uncommitted": git_changes(), "scale": args.scale,
        "seed": args.seed, "repeat": args.repeat, "clients": args.clients, "duration_s": args.duration, "warmup_s": args.warmup,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_at_start": _load(None), "uptime_at_start": uptime(),
                    "note": "2 cores shared with other engineers' test runs: see loadavg_* of each figure"},
        "load": {}, "rebuild": {}, "results": [], "notes": [],
    }
    if args.corpus == "real":
        doc.update(corpus="real", load_via=args.load_via, mapping=catalog.mapping(),
                   clerk_queries=catalog.clerk_queries)
        say(f"real catalog: {catalog.limit} entries; what did not map: "
            + "; ".join(f"{k} {v['total']}" for k, v in doc["mapping"]["unmapped"].items()))
    profiler = Profiler(args.profile)
    workloads = {}
    try:
        for key, side in sides.items():
            say(f"preparing {key}: database {side.db}, Solr core {side.core}, port {side.port}")
            doc["load"][key] = prepare(side, args, catalog)
            say(f"{key}: loaded {doc['load'][key]}")
            workloads[key] = Workload(side, catalog, args.scale, run_id)
        if not args.load_only and not args.rebuild_only:
            doc["results"], doc["notes"] = measure(args, sides, workloads, profiler)
            if args.known_item and hasattr(catalog, "titles"):
                doc["known_item"] = real_bench.known_item(workloads, catalog, args.known_item, say)
        if not args.no_rebuild and not args.load_only:
            for key, side in sides.items():
                say(f"{key}: timing ckan search-index rebuild")
                doc["rebuild"][key] = rebuild(side, args.rebuild_clear)
                say(f"{key}: rebuild {doc['rebuild'][key]}")
            if len(doc["rebuild"]) == 2:
                doc["rebuild"]["ratio"] = report.ratio(doc["rebuild"]["project"]["seconds"],
                                                       doc["rebuild"]["stock"]["seconds"])
    finally:
        profiler.stop()
        for side in sides.values():
            services.stop_web(side)
    doc["targets"] = report.targets(doc["results"])
    doc["machine"]["loadavg_at_end"] = _load(None)
    doc["machine"]["uptime_at_end"] = uptime()
    doc["total_seconds"] = round(time.monotonic() - started, 1)
    # a load-only or rebuild-only run, or one side alone, does not take the name of a full run
    suffix = ("-load" if args.load_only else "-rebuild" if args.rebuild_only else "") + (
        f"-{'-'.join(sides)}" if len(sides) == 1 else "")
    label = f"real-{args.scale}" + ("" if suffix else "-search") if args.corpus == "real" else str(args.scale)
    out = Path(args.out) if args.out else REPO / "bench" / "results" / f"{doc['date']}-{label}{suffix}.json"
    report.write_json(out, doc)
    print()
    print(report.table(doc["results"]))
    if doc["rebuild"]:
        print("\nsearch-index rebuild: " + ", ".join(
            f"{k} {v['seconds']} s ({v['documents']} docs)" for k, v in doc["rebuild"].items() if isinstance(v, dict))
            + (f", ratio {doc['rebuild'].get('ratio')}" if doc["rebuild"].get("ratio") else ""))
    for note in doc["notes"]:
        print(f"note: {note}")
    for key, load in doc["load"].items():
        if load.get("how"):
            print(f"load {key} ({load['how']}): {load.get('entries')} entries, {load.get('refused')} refused, "
                  f"{load.get('seconds')} s wall ({load.get('per_second')}/s), CPU s: loader "
                  f"{load.get('cpu_seconds')}, PostgreSQL {load.get('postgres_cpu_seconds')}, Solr "
                  f"{load.get('solr_cpu_seconds')} ({load.get('per_total_cpu_second')} entries per CPU second)")
    for key, k in (doc.get("known_item") or {}).get("sides", {}).items():
        print(f"known-item {key}: {k['found_top10']}/{doc['known_item']['queries']} found in the first 10 "
              f"(success@10 {k['success_at_10']}, MRR@10 {k['mrr_at_10']}, {k['no_results']} without results)")
    t = doc["targets"]
    print(f"\ntargets: shared ops within {report.RATIO_TARGET}x of stock at p95: "
          f"{'met' if t['all_shared_met'] else 'NOT met'}; search with all facets p95 at 8 clients "
          f"{t['search_facets_p95_ms']['measured']} ms (< {report.FACETS_P95_MS}: "
          f"{'met' if t['search_facets_p95_ms']['met'] else 'NOT met'}); share_request_decide p95 at 8 clients "
          f"{t['share_request_decide_p95_ms']['measured']} ms (< {report.DECIDE_P95_MS}: "
          f"{'met' if t['share_request_decide_p95_ms']['met'] else 'NOT met'})")
    print(f"JSON: {out}  (run took {doc['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
