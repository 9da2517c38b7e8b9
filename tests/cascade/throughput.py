"""Harvest throughput, region → city, for N regional entries (not a test: a measurement).

    source scripts/env.sh
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:55432/ckan_test_c \
    CKAN_SOLR_URL=http://127.0.0.1:8984/solr/ckan_test_d CKAN_REDIS_URL=redis://127.0.0.1:6390/7 \
    $VENV/bin/python -m tests.cascade.throughput -n 1000

Empties the regional test instance (tests/cascade/region.ini) and serves it on a free loopback
port (``LIUZHOU_CASCADE_REGION_PORT`` when set: two runs on one machine never share it), loads N
regional entries into it over its API, then times, in the city's test configuration: the first
harvest (all new), a second one (nothing changed) and a third after N/10 changes and N/10
deletions at the region. Prints entries/s on the wall clock and the CPU time of this process
(the city's side of the harvest; PostgreSQL, Solr and the region work in their own processes)
and, with ``STACK_DIR`` set (``source .wt-env``), the CPU time of those processes too: the
region's web server (its work answering the listing), and this stack's PostgreSQL and Solr
(both the city's and the region's databases and cores);
``--profile PREFIX`` writes a cProfile of each harvest (CPU time, or the wall clock with
``--wall``). Uses the city's test database (run it on your own, never the portal's).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def tree_cpu(root: int | None) -> float:
    """CPU seconds of a process and of its descendants, living and reaped (0 for no process)."""
    from bench.import_rate import tree_cpu as cpu
    return cpu(root) if root else 0.0


def stack_pids() -> dict[str, int | None]:
    """This stack's PostgreSQL and Solr (``STACK_DIR``), by their pid files."""
    stack = Path(os.environ.get("STACK_DIR", "")) if os.environ.get("STACK_DIR") else None
    out: dict[str, int | None] = {}
    for what, rel in (("PostgreSQL", "pg/data/postmaster.pid"), ("Solr", "solr/solr.pid")):
        try:
            out[what] = int((stack / rel).read_text().split()[0]) if stack else None
        except (OSError, ValueError, IndexError):
            out[what] = None
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--ini", default="test.ini")
    ap.add_argument("--threads", type=int, default=4, help="parallel API calls loading the region")
    ap.add_argument("--profile", metavar="PREFIX", help="write each harvest's cProfile (CPU time) to PREFIX-<n>.prof")
    ap.add_argument("--wall", action="store_true", help="profile the wall clock instead of CPU time")
    ap.add_argument("--reuse-region", action="store_true",
                    help="keep the regional instance of an earlier run of the same -n (its entries deleted by "
                         "that run made active again) instead of emptying and loading it again")
    args = ap.parse_args()

    import ckanapi
    from ckan.cli import load_config
    from ckan.config.environment import load_environment

    from tests.cascade.conftest import REGION_INI, Region, region_ckan, regional_dataset

    load_environment(load_config(args.ini))
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.harvest import utils as harvest_utils
    from ckanext.harvest.model import HarvestJob
    from ckanext.liuzhou.demo import loader

    # the regional platform, empty
    if not args.reuse_region:
        for cmd in (["db", "clean", "--yes"], ["db", "init"], ["db", "upgrade", "-p", "harvest"]):
            region_ckan(*cmd)
        region_ckan("search-index", "clear", check=False)
        region_ckan("user", "add", "region_admin", "email=region@example.org", "password=Region@2026x")
        region_ckan("sysadmin", "add", "region_admin")
    token = region_ckan("user", "token", "add", "region_admin", "bench").stdout.strip().splitlines()[-1].strip()
    # a free port unless one is asked for (the tests' fixed default, 5022, may be another run's)
    server = Region(str(REGION_INI), Path(tempfile.mkdtemp()) / "region.log", workers=2, threads=2)
    if os.environ.get("LIUZHOU_CASCADE_REGION_PORT"):
        server.port = int(os.environ["LIUZHOU_CASCADE_REGION_PORT"])
        server.url = f"http://127.0.0.1:{server.port}"
    server.start()
    print(f"region served on {server.url}", flush=True)
    try:
        api = ckanapi.RemoteCKAN(server.url, apikey=token)
        if not args.reuse_region:
            api.action.organization_create(name="gx-dsjj", title="广西壮族自治区大数据发展局")

        def create(i):
            extras = {"sharing_type": "conditional", "sharing_conditions": "仅限审批使用",
                      "legal_basis": "《政务信息资源共享管理暂行办法》", "update_cycle": "monthly"} if i % 2 else {}
            ckanapi.RemoteCKAN(server.url, apikey=token).action.package_create(
                **regional_dataset(f"gx-bench-{i:05d}", f"广西测试目录{i:05d}", **extras))
        t = time.monotonic()
        if args.reuse_region:   # the entries the last run deleted, active again
            k = max(1, args.n // 10)
            with ThreadPoolExecutor(args.threads) as pool:
                list(pool.map(lambda i: ckanapi.RemoteCKAN(server.url, apikey=token).action.package_patch(
                    id=f"gx-bench-{i:05d}", state="active"), range(k, 2 * k)))
            count = api.action.package_search(q="name:gx-bench-*", rows=0)["count"]
            assert count == args.n, f"the region holds {count} entries, not {args.n}: run without --reuse-region"
            print(f"region reused: {count} entries, {k} made active again in {time.monotonic() - t:.1f} s",
                  flush=True)
        else:
            with ThreadPoolExecutor(args.threads) as pool:
                list(pool.map(create, range(args.n)))
            print(f"region loaded: {args.n} entries in {time.monotonic() - t:.1f} s", flush=True)

        # the city: departments, a harvest source of the region
        if not model.Group.get("lzsxxhjsglzx"):
            loader.load_departments()
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        old = model.Package.get("gx-bench-region")
        if old:
            tk.get_action("harvest_source_clear")({"user": site}, {"id": old.id})
            tk.get_action("dataset_purge")({"user": site}, {"id": old.id})
        source = tk.get_action("harvest_source_create")({"user": site}, {
            "name": "gx-bench-region", "title": "自治区平台（测速）", "url": server.url,
            "source_type": "liuzhou_region", "owner_org": "lzsxxhjsglzx", "frequency": "MANUAL",
            "config": json.dumps({"api_key": token})})

        runs = [0]

        def run(label, expected):
            runs[0] += 1
            profiler = (cProfile.Profile(time.perf_counter if args.wall else time.process_time)
                        if args.profile else None)
            others = {"region web server": server.process.pid, **stack_pids()}
            before = {k: tree_cpu(pid) for k, pid in others.items()}
            load = os.getloadavg()[0]
            t, cpu = time.monotonic(), sum(os.times()[:4])  # with the bulk path's helper processes
            if profiler:
                profiler.enable()
            harvest_utils.run_test_harvester(source["id"], False)
            if profiler:
                profiler.disable()
                profiler.dump_stats(f"{args.profile}-{runs[0]}.prof")
            dt, cpu = time.monotonic() - t, sum(os.times()[:4]) - cpu
            spent = {k: tree_cpu(pid) - before[k] for k, pid in others.items() if pid}
            model.Session.remove()
            job = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source["id"])
                   .order_by(HarvestJob.created.desc()).first())
            stats = tk.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job.id})["stats"]
            print(f"{label}: {dt:.1f} s, {expected / dt:.1f} entries/s, CPU of this process {cpu:.1f} s "
                  f"({expected / max(cpu, 1e-9):.1f} entries per CPU-second); CPU of "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items())
                  + f"; load average {load:.1f} → {os.getloadavg()[0]:.1f}  stats={dict(stats)}", flush=True)

        run(f"first harvest ({args.n} new)", args.n)
        run(f"second harvest ({args.n} unchanged)", args.n)
        k = max(1, args.n // 10)
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(lambda i: ckanapi.RemoteCKAN(server.url, apikey=token).action.package_patch(
                id=f"gx-bench-{i:05d}", title=f"广西测试目录{i:05d}（修订）"), range(k)))
            list(pool.map(lambda i: ckanapi.RemoteCKAN(server.url, apikey=token).action.package_delete(
                id=f"gx-bench-{i:05d}"), range(k, 2 * k)))
        run(f"third harvest ({k} changed, {k} deleted, of {args.n})", args.n)
        active = model.Session.query(model.Package).filter(
            model.Package.name.like("gx-gx-bench-%"), model.Package.state == "active").count()
        print(f"city now holds {active} active regional entries (expected {args.n - k})")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
