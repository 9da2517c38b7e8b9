"""Search throughput of the SolrCloud collection with 1 shard vs 2 shards, on the same data.

    python -m bench.cluster_shards [--entries 5000] [--clients 8] [--duration 30] [--repeat 2]

Needs the cluster up (``scripts/cluster/solrcloud.sh up``; CLUSTER_* ports as there). Makes two
collections from the project's configset on the same 3 nodes, ``bench_shards1`` (1 shard x 2
replicas) and ``bench_shards2`` (2 shards x 2 replicas, the catalog's layout), loads the same
entries into both, and runs closed-loop clients against each in turn through the HAProxy:

- the entries: the first N lines of the real catalog (``/work/shared/data/real-catalog``, or
  LIUZHOU_REAL_CATALOG), title and abstract as published, as Solr documents with the
  fields the portal's text query searches (title, notes, information item names, provider
  text, the catch-all ``text``) and the filters it applies (site, type, state, capacity);
- the queries: Chinese words clerks type (:data:`QUERIES`), each sent as the portal sends a
  text query (``defType=edismax``, ``qf`` = ``ckanext.liuzhou.search.text.TEXT_QF``,
  ``mm=1``, ``q.op=AND``, the site/state filter, the organization/format/tag facets, 20 rows).

This is Solr's share of a search, not CKAN's: CKAN's own work (query understanding, access
filter, dictizing) is the same whatever the shard count and is measured by ``python -m bench``.
Prints requests/s, p50/p95 latency, the Solr nodes' CPU seconds (from /proc) and the client's,
and the load average. On a 2-core machine the CPU is the ceiling for both layouts: a second
shard splits each query's work in two (parallel on two cores) but adds the merge round-trip.
The collections are deleted at the end unless ``--keep``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
SITE = "bench-shards"
QUERIES = ["养老保险", "企业", "学校", "交通", "医疗机构", "公积金", "人口", "环境监测", "食品安全",
           "税务", "社会保险", "道路", "旅游", "农业", "建设工程", "车辆", "水质", "企业信用",
           "财政预算", "住房", "就业", "气象", "图书馆", "药品"]
TEXT_QF = "name^4 title^4 tags^2 groups^2 information_item_names^2 provider_text^2 text"


def lb_base() -> str:
    return f"http://127.0.0.1:{os.environ.get('CLUSTER_SOLR_LB_PORT', '8990')}/solr"


def solr_pids() -> list[int]:
    stack = Path(os.environ.get("STACK_DIR", REPO / ".stack"))
    pids = []
    for n in (1, 2, 3):
        f = stack / "cluster" / f"solr{n}" / "solr.pid"
        if f.exists():
            pids.append(int(f.read_text().strip()))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])     # utime, stime
    return total / tick


def documents(n: int) -> list[dict]:
    docs = []
    for i, e in enumerate(_raw_entries(n)):
        title, notes = e.get("title") or "", e.get("notes") or ""
        items = [str(it) for it in e.get("items") or []]
        dept = e.get("department") or ""
        docs.append({
            "index_id": f"{SITE}-{i}", "id": f"{SITE}-{i}", "site_id": SITE, "name": f"entry-{i}",
            "title": title, "notes": notes, "text": [notes, *items, dept],
            "information_item_names": items, "provider_text": [dept],
            "entity_type": "package", "dataset_type": "catalog", "state": "active",
            "capacity": "public", "organization": f"org-{sum(map(ord, dept)) % 60}",
            "res_format": ["XLSX"], "tags": [], "metadata_modified": "2026-01-01T00:00:00Z",
        })
    return docs


def _raw_entries(n: int):
    import gzip

    path = Path(os.environ.get("LIUZHOU_REAL_CATALOG", "/work/shared/data/real-catalog/entries.jsonl.gz"))
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                return
            yield json.loads(line)


def make_collection(name: str, shards: int) -> None:
    base = lb_base()
    requests.get(f"{base}/admin/collections", params={"action": "DELETE", "name": name}, timeout=120)
    r = requests.get(f"{base}/admin/collections", timeout=300, params={
        "action": "CREATE", "name": name, "numShards": shards, "replicationFactor": 2,
        "collection.configName": "liuzhou", "waitForFinalState": "true", "wt": "json"})
    r.raise_for_status()


def load(name: str, docs: list[dict]) -> float:
    t0 = time.monotonic()
    url = f"{lb_base()}/{name}/update"
    for i in range(0, len(docs), 500):
        r = requests.post(url, json=docs[i:i + 500], timeout=300)
        r.raise_for_status()
    requests.get(url, params={"commit": "true"}, timeout=300).raise_for_status()
    return time.monotonic() - t0


def query_params(q: str) -> dict:
    return {"q": q, "defType": "edismax", "qf": TEXT_QF, "mm": "1", "q.op": "AND",
            "fq": f'+site_id:"{SITE}" +dataset_type:catalog +state:active +capacity:public',
            "facet": "true", "facet.field": ["organization", "res_format", "tags"],
            "facet.limit": 50, "facet.mincount": 1, "rows": 20, "fl": "id,title,score", "wt": "json"}


def run(name: str, clients: int, duration: float) -> dict:
    url = f"{lb_base()}/{name}/select"
    lat: list[float] = []
    errors = [0]
    found = [0]
    stop = time.monotonic() + duration
    lock = threading.Lock()

    def client(k: int) -> None:
        s = requests.Session()
        i = k
        mine = []
        while time.monotonic() < stop:
            q = QUERIES[i % len(QUERIES)]
            i += 1
            t = time.monotonic()
            try:
                r = s.get(url, params=query_params(q), timeout=60)
                r.raise_for_status()
                n = r.json()["response"]["numFound"]
            except Exception:  # noqa: BLE001 — counted
                with lock:
                    errors[0] += 1
                continue
            mine.append(time.monotonic() - t)
            with lock:
                found[0] += n
        with lock:
            lat.extend(mine)

    pids = solr_pids()
    cpu0, pc0, t0 = cpu_seconds(pids), time.process_time(), time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat.sort()
    return {
        "collection": name, "clients": clients, "requests": len(lat), "errors": errors[0],
        "rps": round(len(lat) / wall, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
        "solr_cpu_s": round(cpu_seconds(pids) - cpu0, 1), "client_cpu_s": round(time.process_time() - pc0, 1),
        "solr_cpu_ms_per_request": round(1000 * (cpu_seconds(pids) - cpu0) / max(1, len(lat)), 1),
        "wall_s": round(wall, 1), "loadavg": os.getloadavg()[0],
        "mean_hits": round(found[0] / max(1, len(lat)), 1),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)

    docs = list(documents(args.entries))
    layouts = {"bench_shards1": 1, "bench_shards2": 2}
    for name, shards in layouts.items():
        make_collection(name, shards)
        secs = load(name, docs)
        print(f"{name}: {shards} shard(s) x 2 replicas, {len(docs)} entries loaded in {secs:.1f} s", flush=True)
    results = []
    try:
        for rep in range(args.repeat):
            for name in layouts:
                run(name, args.clients, args.warmup)
                res = run(name, args.clients, args.duration)
                res["round"] = rep + 1
                results.append(res)
                print(f"round {rep + 1} {name}: {res['rps']} req/s, p50 {res['p50_ms']} ms, p95 "
                      f"{res['p95_ms']} ms, errors {res['errors']}, Solr CPU {res['solr_cpu_s']} s "
                      f"({res['solr_cpu_ms_per_request']} ms a request), "
                      f"client CPU {res['client_cpu_s']} s in {res['wall_s']} s, load {res['loadavg']:.1f}",
                      flush=True)
    finally:
        if not args.keep:
            for name in layouts:
                requests.get(f"{lb_base()}/admin/collections", params={"action": "DELETE", "name": name}, timeout=120)
    print(json.dumps({"entries": len(docs), "results": results}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
