"""Search throughput of the loopback cluster through nginx with 1 and with 2 web nodes, on the
same data (docs/cluster.md, "How it grows"):

    python -m bench.cluster_scale [--clients 8] [--seconds 30] [--repeat 2]

Each round: ``--clients`` threads send ``package_search`` requests (a random word of a fixed
list, 10 rows) as fast as they are answered, for ``--seconds``; first with web node 2 stopped
(nginx sends everything to node 1), then with both. Besides requests per second it reads the
CPU time (utime + stime from /proc) the web nodes, nginx, Solr and PostgreSQL spent, so the
figure that transfers to other machines is CPU per request: on a 2-core machine the ceiling is
the CPU, whatever the number of nodes. The cluster must be up (scripts/cluster/up.sh).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import threading
import time

import requests

from bench.cluster import Cluster
from bench.cluster_failover import WORDS

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pids) -> dict[int, float]:
    """CPU seconds (utime + stime) of each process that still exists."""
    got = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            got[pid] = (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, IndexError, ValueError):
            pass
    return got


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings by the processes alive at the end (a process that
    ended in between is left out: an undercount, never a negative figure)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def _group(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "-g", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(int(p) for p in out.split())]


def _pids(c: Cluster) -> dict[str, list[int]]:
    run = c.dir / "run"
    got = {}
    for name in ("web1", "web2", "nginx"):
        f = run / f"{name}.pid"
        if f.exists():
            got[name] = _group(int(f.read_text()))
    solr = subprocess.run(["pgrep", "-f", f"java.*{c.dir}"], capture_output=True, text=True).stdout.split()
    got["solr"] = [int(p) for p in solr]
    port = c.config()["sqlalchemy.url"].rsplit(":", 1)[1].split("/")[0]
    pm = subprocess.run(["pgrep", "-f", f"postgres.*-D .*{'standby' if port == str(c.pg_ports['standby']) else 'data'}"],
                        capture_output=True, text=True).stdout.split()
    got["postgres"] = [p for m in pm for p in _children(int(m))]
    return got


def measure(c: Cluster, clients: int, seconds: float, op: str = "search") -> dict:
    """``op``: search (package_search through the API) or page (an entry's HTML page)."""
    stop = threading.Event()
    reader = {"Authorization": c.tokens("consumer_member")["consumer_member"]}
    lat, errors, lock = [], [0], threading.Lock()

    entries = [p["name"] for p in requests.post(f"{c.lb}/api/3/action/package_search", json={"rows": 50},
                                                headers=reader, timeout=60).json()["result"]["results"]]

    def one(http, rnd):
        if op == "page":
            return http.get(f"{c.lb}/dataset/{rnd.choice(entries)}", headers=reader, timeout=60)
        return http.post(f"{c.lb}/api/3/action/package_search", json={"q": rnd.choice(WORDS), "rows": 10},
                         headers=reader, timeout=60)

    def client(seed):
        rnd, http = random.Random(seed), requests.Session()
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = one(http, rnd)
                ok = r.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (lat.append(time.perf_counter() - t0) if ok else errors.__setitem__(0, errors[0] + 1))

    # warm-up: the same clients for a third of the run, so that every gunicorn process has
    # loaded its templates and Solr its caches (a process just started needs seconds for that)
    warm = [threading.Thread(target=client, args=(100 + i,)) for i in range(clients)]
    for t in warm:
        t.start()
    time.sleep(max(5.0, seconds / 3))
    stop.set()
    for t in warm:
        t.join()
    stop.clear()
    lat.clear()
    errors[0] = 0
    pids = _pids(c)
    cpu0 = {k: _cpu(v) for k, v in pids.items()}
    own0, t0 = time.process_time(), time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    wall, own = time.monotonic() - t0, time.process_time() - own0
    pids_after = _pids(c)
    cpu = {k: _spent(cpu0[k], _cpu(pids_after.get(k, []))) for k in pids}
    n = len(lat)
    web = sum(v for k, v in cpu.items() if k.startswith("web"))
    return {"requests": n, "errors": errors[0], "rps": round(n / wall, 1),
            "p50_ms": round(statistics.median(lat) * 1000) if lat else None,
            "p95_ms": round(sorted(lat)[int(n * .95) - 1] * 1000) if lat else None,
            "cpu_ms_per_request": {k: round(v / n * 1000, 1) for k, v in
                                   {**cpu, "web (all nodes)": web, "bench client": own}.items()} if n else {},
            "cpu_busy_cores": round((sum(cpu.values()) + own) / wall, 2),
            "loadavg": os.getloadavg()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--op", choices=("search", "page"), default="search")
    a = ap.parse_args(argv)
    c = Cluster()
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()}")
    rows = []
    try:
        for rnd in range(a.repeat):
            for nodes in (1, 2):
                if nodes == 1:
                    c.node("stop", "web2")
                else:
                    c.node("start", "web2")
                r = measure(c, a.clients, a.seconds, a.op)
                rows.append((nodes, r))
                print(f"{a.op}, round {rnd + 1}, {nodes} web node(s): {r['rps']} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
                      f"errors {r['errors']}, CPU busy {r['cpu_busy_cores']} cores, load {r['loadavg'][0]:.1f}")
                print("   CPU ms per request: " + ", ".join(f"{k} {v}" for k, v in r["cpu_ms_per_request"].items()))
    finally:
        c.node("start", "web2")
    for nodes in (1, 2):
        rps = [r["rps"] for n, r in rows if n == nodes]
        print(f"{nodes} web node(s): median {statistics.median(rps)} req/s over {len(rps)} rounds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
