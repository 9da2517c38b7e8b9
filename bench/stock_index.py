"""Index the active entries of a CKAN side that its Solr core lacks, in several processes.

    python -m bench.stock_index -c bench/stock.ini [--procs 3]      (with the side's CKAN_* env)

What stock's ``ckan search-index rebuild-fast`` is for, which fails here: it forks its processes
after the command has used the database, so they share the parent's connection and die with
``psycopg2.DatabaseError: error with status PGRES_TUPLES_OK and no message from the libpq``
(docs/benchmarks.md). Here each process is started anew (its own app and connections) and calls
stock's own ``ckan.lib.search.rebuild(package_ids=…)`` — the function ``rebuild-fast``'s
processes call — on its share of the missing ids, then commits; the documents are what stock's
indexer makes. Prints one JSON line: ids missing before, indexed, the seconds and the CPU
seconds of the processes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def _app(config: str):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    return make_app(load_config(config))


def missing_ids(config: str) -> list[str]:
    """Ids of the active datasets that are not in the side's Solr core."""
    app = _app(config)
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        from ckan.lib.search import query_for
        ids = {r[0] for r in model.Session.query(model.Package.id).filter(model.Package.state == "active")}
        indexed = set(query_for(model.Package).get_all_entity_ids(max_results=len(ids) + 100_000))
        return sorted(ids - indexed)


def index(config: str, ids: list[str]) -> None:
    app = _app(config)
    with app._wsgi_app.test_request_context():
        from ckan.lib.search import commit, rebuild
        rebuild(package_ids=ids, quiet=True)
        commit()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stock_index", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-c", "--config", default=os.environ.get("CKAN_INI"))
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--ids", help=argparse.SUPPRESS)   # a worker: the JSON file of its ids
    args = p.parse_args(argv)
    if args.ids:
        with open(args.ids, encoding="utf-8") as f:
            index(args.config, json.load(f))
        return 0
    t0 = time.monotonic()
    todo = missing_ids(args.config)
    files = []
    for k in range(max(1, min(args.procs, len(todo)))):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(todo[k::args.procs], f)
            files.append(f.name)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [subprocess.Popen([sys.executable, "-m", "bench.stock_index", "-c", args.config, "--ids", name])
             for name in files]
    codes = [w.wait() for w in procs]
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for name in files:
        os.unlink(name)
    left = missing_ids(args.config)
    print(json.dumps({"missing_before": len(todo), "missing_after": len(left), "processes": len(procs),
                      "exit_codes": codes, "seconds": round(time.monotonic() - t0, 1),
                      "worker_cpu_seconds": round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 1),
                      "parent_cpu_seconds": round(time.process_time(), 1)}))
    return 0 if not any(codes) and not left else 1


if __name__ == "__main__":
    raise SystemExit(main())
