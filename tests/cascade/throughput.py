"""Harvest throughput, region → city, for N regional entries (not a test: a measurement).

    source scripts/env.sh
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:55432/ckan_test_c \
    CKAN_SOLR_URL=http://127.0.0.1:8984/solr/ckan_test_d CKAN_REDIS_URL=redis://127.0.0.1:6390/7 \
    $VENV/bin/python -m tests.cascade.throughput -n 1000

Empties the regional test instance (tests/cascade/region.ini) and serves it on 5022, loads N
regional entries into it over its API, then times, in the city's test configuration: the first
harvest (all new), a second one (nothing changed) and a third after N/10 changes and N/10
deletions at the region. Prints entries/s on the wall clock and the CPU time of this process
(the city's side of the harvest; PostgreSQL, Solr and the region work in their own processes);
``--profile PREFIX`` writes a cProfile of each harvest (CPU time, or the wall clock with
``--wall``). Uses the city's test database (run it on your own, never the portal's).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--ini", default="test.ini")
    ap.add_argument("--threads", type=int, default=4, help="parallel API calls loading the region")
    ap.add_argument("--profile", metavar="PREFIX", help="write each harvest's cProfile (CPU time) to PREFIX-<n>.prof")
    ap.add_argument("--wall", action="store_true", help="profile the wall clock instead of CPU time")
    args = ap.parse_args()

    import ckanapi
    from ckan.cli import load_config
    from ckan.config.environment import load_environment

    from tests.cascade.conftest import REGION_INI, REGION_PORT, Region, region_ckan, regional_dataset

    load_environment(load_config(args.ini))
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.harvest import utils as harvest_utils
    from ckanext.harvest.model import HarvestJob
    from ckanext.liuzhou.demo import loader

    # the regional platform, empty
    for cmd in (["db", "clean", "--yes"], ["db", "init"], ["db", "upgrade", "-p", "harvest"]):
        region_ckan(*cmd)
    region_ckan("search-index", "clear", check=False)
    region_ckan("user", "add", "region_admin", "email=region@example.org", "password=Region@2026x")
    region_ckan("sysadmin", "add", "region_admin")
    token = region_ckan("user", "token", "add", "region_admin", "bench").stdout.strip().splitlines()[-1].strip()
    server = Region(str(REGION_INI), Path(tempfile.mkdtemp()) / "region.log", workers=2, threads=2)
    server.port, server.url = REGION_PORT, f"http://127.0.0.1:{REGION_PORT}"
    server.start()
    try:
        api = ckanapi.RemoteCKAN(server.url, apikey=token)
        api.action.organization_create(name="gx-dsjj", title="广西壮族自治区大数据发展局")

        def create(i):
            extras = {"sharing_type": "conditional", "sharing_conditions": "仅限审批使用",
                      "legal_basis": "《政务信息资源共享管理暂行办法》", "update_cycle": "monthly"} if i % 2 else {}
            ckanapi.RemoteCKAN(server.url, apikey=token).action.package_create(
                **regional_dataset(f"gx-bench-{i:05d}", f"广西测试目录{i:05d}", **extras))
        t = time.monotonic()
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
            t, cpu = time.monotonic(), time.process_time()
            if profiler:
                profiler.enable()
            harvest_utils.run_test_harvester(source["id"], False)
            if profiler:
                profiler.disable()
                profiler.dump_stats(f"{args.profile}-{runs[0]}.prof")
            dt, cpu = time.monotonic() - t, time.process_time() - cpu
            model.Session.remove()
            job = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source["id"])
                   .order_by(HarvestJob.created.desc()).first())
            stats = tk.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job.id})["stats"]
            print(f"{label}: {dt:.1f} s, {expected / dt:.1f} entries/s, CPU of this process {cpu:.1f} s  "
                  f"stats={dict(stats)}", flush=True)

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
