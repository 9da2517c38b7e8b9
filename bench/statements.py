"""What one request costs inside the portal, without HTTP or other clients: SQL statements, Solr
requests and the process's CPU time per operation of the benchmark, on the databases a run of
``python -m bench`` loaded (``--keep``), as the bench's reader (and editor for creates).

    python -m bench.statements [--sides project,stock] [--ops search_zh,page_search] [-n 20] [--show]
                               [--profile DIR]

Statements and Solr requests do not depend on the machine's load; CPU milliseconds (the
process's own time, not PostgreSQL's or Solr's) much less than wall time. ``--show`` lists the
statements of the last call of each operation, most frequent first. ``--profile DIR`` runs the
measured calls under cProfile and writes ``DIR/<side>-<op>.prof`` (read it with ``python -m pstats``)
and prints the 25 functions of the most cumulative time.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import time

OPS = ["search_plain", "search_zh", "package_show", "package_create", "page_dataset", "page_search"]
QUERIES = ["人口", "补贴", "学籍", "公积金"]   # Chinese queries that find a full page on both sides


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.statements", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sides", default="project,stock")
    p.add_argument("--ops", default=",".join(OPS))
    p.add_argument("-n", type=int, default=20, help="calls per operation after two warm-up calls (default 20)")
    p.add_argument("--show", action="store_true", help="list the statements of the last call")
    p.add_argument("--profile", metavar="DIR", help="cProfile the measured calls into DIR/<side>-<op>.prof")
    p.add_argument("--side-in-process", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    if args.side_in_process:
        return measure(args.side_in_process, args.ops.split(","), args.n, args.show, args.profile)
    from . import cli, services
    sides = services.sides(cli.parse([]))
    rc = 0
    for key in args.sides.split(","):
        side = sides[key]
        cmd = [sys.executable, "-m", "bench.statements", "--side-in-process", key, "--ops", args.ops,
               "-n", str(args.n)] + (["--show"] if args.show else []) \
            + (["--profile", os.path.abspath(args.profile)] if args.profile else [])
        rc |= subprocess.call(cmd, env=side.env(), cwd=services.REPO)
    return rc


def measure(side: str, ops: list[str], n: int, show: bool, profile: str | None = None) -> int:
    import cProfile
    import pstats

    import requests
    import sqlalchemy as sa
    from werkzeug.test import Client

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    import ckan.model as model
    from ckan.plugins import toolkit as tk

    from . import corpus

    app = make_app(load_config(os.environ["CKAN_INI"]))
    statements: list[str] = []
    solr: list[str] = []
    sa.event.listen(sa.engine.Engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *a: statements.append(statement))
    send = requests.Session.request

    def counted(self, method, url, *a, **k):
        if "/solr/" in url:
            solr.append(url)
        return send(self, method, url, *a, **k)
    requests.Session.request = counted

    with app._wsgi_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        token = lambda user: tk.get_action("api_token_create")(  # noqa: E731
            {"ignore_auth": True, "user": site}, {"user": user, "name": "statements"})["token"]
        reader, editor = token("bench_reader"), token("bench_editor")
        names = tk.get_action("package_list")({"ignore_auth": True}, {"limit": 50})
        model.Session.commit()
        model.Session.remove()
    client = Client(app)
    base = "/catalog" if side == "project" else "/dataset"
    catalog, run, made = corpus.Catalog(), f"st{int(time.time())}", [0]

    def api(action, data, who=reader):
        return client.post(f"/api/3/action/{action}", data=json.dumps(data),
                           content_type="application/json", headers={"Authorization": who})

    def create(i):
        made[0] += 1
        entry = catalog.entry(made[0], prefix=run)
        entry["owner_org"] = "lzsgaj"
        if entry["classification"] == "base":
            entry["subclass"], entry["lead_department"] = "population", "lzsgaj"
        return api("package_create", corpus.api_entry(entry) if side == "project" else corpus.to_stock(entry), editor)

    calls = {
        "search_plain": lambda i: api("package_search", {"q": "", "rows": 20, "facet": "false"}),
        "search_zh": lambda i: api("package_search", {"q": QUERIES[i % 4], "rows": 20, "facet": "false"}),
        "package_show": lambda i: api("package_show", {"id": names[i % len(names)]}),
        "package_create": create,
        "page_dataset": lambda i: client.get(f"{base}/{names[i % len(names)]}", headers={"Authorization": reader}),
        "page_search": lambda i: client.get(f"{base}/?q={QUERIES[i % 4]}", headers={"Authorization": reader}),
    }
    for op in ops:
        call = calls[op]
        call(0), call(1)
        wall, cpu, sql, searches = [], [], [], []
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall: the machine is shared
        for i in range(n):
            statements.clear(), solr.clear()
            t, c = time.perf_counter(), time.process_time()
            response = profiler.runcall(call, i) if profiler else call(i)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            if response.status_code != 200:
                print(f"{side} {op}: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")
                return 1
            sql.append(len(statements)), searches.append(len(solr))
        print(f"{side:<8} {op:<15} SQL {statistics.median(sql):>4.0f}  Solr {statistics.median(searches):>2.0f}  "
              f"CPU p50 {statistics.median(cpu):6.1f} ms  wall p50 {statistics.median(wall):6.1f} ms  (n={n})",
              flush=True)
        if profiler:
            os.makedirs(profile, exist_ok=True)
            profiler.dump_stats(os.path.join(profile, f"{side}-{op}.prof"))
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        if show:
            for text, count in collections.Counter(s.split("\n")[0][:120] for s in statements).most_common():
                print(f"    {count:3d}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
