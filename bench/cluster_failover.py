"""The failure run of the loopback cluster (docs/cluster.md, "Failures survived"):

    python -m bench.cluster_failover [--clients 8] [--phase 30]

With ``--clients`` threads reading and writing through nginx — searches (API), entry pages
(HTML), downloads of an uploaded file (API token) and share requests (API token, each with its
own idempotency key) — while background jobs keep both workers busy, it goes through the phases

    steady → kill Solr node 2 → kill web node 2 → kill worker 2 → restart them → steady

(``--phase`` seconds each; Solr is left alone while scripts/cluster/solrcloud.sh is missing: one
Solr core cannot lose a node). It prints the requests served and the errors by kind per phase,
then, after recovery: every write either confirmed and whole (its audit row and timeline event
exist) or refused, and if a refused write did commit, whole too and found once by its key; the
index holding exactly the active entries; the audit chain verifying; no job run twice.
The cluster must be up (scripts/cluster/up.sh). ``run()`` is what tests/cluster calls.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import datetime as dt
import json
import random
import statistics
import threading
import time
import uuid
from pathlib import Path

import requests

from bench.cluster import REPO, Cluster

ENTRY = "liu-zhou-shi-chang-zhu-ren-kou-ji-chu-xin-xi"  # a conditional entry of 市公安局 (demo)
WORDS = ["人口", "交通", "企业", "社保", "医疗", "教育", "公安", "户籍", "住房", "环境", "统计", "信息"]
MIX = [("search", 40), ("page", 25), ("download", 15), ("write", 20)]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "steady"
        self.served = collections.Counter()       # (phase, op) -> ok count
        self.errors = collections.Counter()       # (phase, op, kind) -> count
        self.latency = collections.defaultdict(list)  # op -> seconds
        self.writes = []                          # (key, ok, kind)
        self.failed = []                          # (phase, op, kind, url, a few words of the answer)

    def ok(self, op, secs):
        with self.lock:
            self.served[(self.phase, op)] += 1
            self.latency[op].append(secs)

    def err(self, op, kind, url="", answer=""):
        with self.lock:
            self.errors[(self.phase, op, kind)] += 1
            if len(self.failed) < 20:
                self.failed.append((self.phase, op, kind, url, answer))


def _client(c: Cluster, rec: Recorder, stop: threading.Event, tokens: dict, entries: list, download: str,
            body: bytes, run_id: str, seed: int):
    rnd = random.Random(seed)
    http = requests.Session()
    reader = {"Authorization": tokens["consumer_member"]}  # the portal is for signed-in civil servants
    ops, weights = zip(*MIX)
    until = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    while not stop.is_set():
        op = rnd.choices(ops, weights)[0]
        t0 = time.perf_counter()
        key = r = None
        try:
            if op == "search":
                r = http.post(f"{c.lb}/api/3/action/package_search", timeout=30, headers=reader,
                              json={"q": rnd.choice(WORDS), "rows": 10})
                good = r.status_code == 200 and r.json().get("success")
            elif op == "page":
                r = http.get(f"{c.lb}/dataset/{rnd.choice(entries)}", timeout=30, headers=reader)
                good = r.status_code == 200
            elif op == "download":
                r = http.get(download, headers={"Authorization": tokens["provider_admin"]}, timeout=30)
                good = r.status_code == 200 and r.content == body
            else:
                key = uuid.uuid4().hex
                r = http.post(f"{c.lb}/api/3/action/share_request_create", timeout=30,
                              headers={"Authorization": tokens["consumer_admin"]},
                              json={"package_id": ENTRY, "purpose": f"故障演练 {run_id} {key}",
                                    "basis": "《柳州市政务数据共享管理办法》", "scope_users": ["consumer_member"],
                                    "valid_until": until, "idempotency_key": key})
                good = r.status_code == 200 and r.json().get("success")
            kind = None if good else f"HTTP {r.status_code}"
        except requests.RequestException as e:
            kind = type(e).__name__
        secs = time.perf_counter() - t0
        if kind is None:
            rec.ok(op, secs)
        elif r is not None:
            rec.err(op, kind, r.url, " ".join(r.text[:300].split()))
        else:
            rec.err(op, kind)
        if key:
            with rec.lock:
                rec.writes.append((key, kind is None, kind))


def _enqueue_jobs(c: Cluster, stop: threading.Event, path: Path, jobs: list):
    q = c.queue()
    i = 0
    while not stop.is_set():
        jobs.append(q.enqueue("bench.cluster.record", str(path), f"j{i}", 0.5, job_timeout=60))
        i += 1
        time.sleep(1.0)


def _solrcloud() -> bool:
    return (REPO / "scripts" / "cluster" / "solrcloud.sh").exists()


def run(c: Cluster | None = None, clients: int = 8, phase: float = 30, echo=print) -> dict:
    c = c or Cluster()
    tokens = c.tokens("provider_admin", "consumer_admin", "consumer_member")
    entries = [p["name"] for p in requests.post(f"{c.lb}/api/3/action/package_search", json={"rows": 50}, timeout=60,
                                                headers={"Authorization": tokens["consumer_member"]}
                                                ).json()["result"]["results"]]
    body = ("编号,名称\n" + "".join(f"{i},故障演练{i}\n" for i in range(2000))).encode()
    for _ in range(3):  # the run's setup, not measured: a busy cluster may refuse it once
        r = requests.post(f"{c.lb}/api/3/action/resource_create", headers={"Authorization": tokens["provider_admin"]},
                          data={"package_id": ENTRY, "name": "故障演练下载", "format": "CSV", "resource_type": "file"},
                          files={"upload": ("failover.csv", body, "text/csv")}, timeout=60)
        if r.ok:
            break
        time.sleep(5)
    r.raise_for_status()
    res = r.json()["result"]
    download = f"{c.lb}/dataset/{res['package_id']}/resource/{res['id']}/download/failover.csv"
    run_id = uuid.uuid4().hex[:8]
    job_file = c.dir / f"failover-jobs-{run_id}.txt"
    rec, stop, jstop, jobs = Recorder(), threading.Event(), threading.Event(), []
    threads = [threading.Thread(target=_client, args=(c, rec, stop, tokens, entries, download, body, run_id, i))
               for i in range(clients)]
    threads.append(threading.Thread(target=_enqueue_jobs, args=(c, jstop, job_file, jobs)))
    solr = _solrcloud()
    if solr:  # losing one node is survivable when both copies of every shard are in sync
        c.script("solrcloud", "wait-healthy", timeout=300)
    steps = [("steady", None),
             ("solr node 2 killed", (lambda: c.script("solrcloud", "kill-node", "2", timeout=120))) if solr
             else ("solr node 2 killed (skipped: no SolrCloud)", None),
             ("web node 2 killed", lambda: c.node("kill", "web2")),
             ("worker 2 killed", lambda: c.node("kill", "worker2")),
             ("restarted", lambda: ([c.script("solrcloud", "start-node", "2", timeout=600)] if solr else [],
                                    c.node("start", "web2"), c.node("start", "worker2"))),
             ("steady again", None)]
    logs = _log_offsets(c)
    t_start = time.monotonic()
    for t in threads:
        t.start()
    timeline = []
    try:
        for name, action in steps:
            t0 = time.monotonic()
            with rec.lock:
                rec.phase = name
            if action:
                action()
            timeline.append((name, round(t0 - t_start, 1), round(time.monotonic() - t0, 1)))
            echo(f"[{time.monotonic() - t_start:6.1f}s] {name}")
            time.sleep(phase)
    finally:
        stop.set()
        jstop.set()
        for t in threads:
            t.join()
        for n in ("web2", "worker2"):  # whatever happened, leave the cluster whole
            c.node("start", n)
    elapsed = time.monotonic() - t_start

    # ------------------------------------------------------------ after recovery
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and any(j.get_status(refresh=True) in ("queued", "started") for j in jobs):
        time.sleep(1)
    statuses = collections.Counter(j.get_status(refresh=True) for j in jobs)
    lines = job_file.read_text().split("\n")[:-1] if job_file.exists() else []
    runs = collections.Counter(ln.split()[0] for ln in lines)
    by_worker = collections.Counter(ln.split()[1] for ln in lines)

    # a refused write is sent again with its idempotency key, as a client would: it is made
    # now, or — if the node died after committing it — the request made then is returned
    until = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    resent_ok = 0
    for key, ok, _ in list(rec.writes):
        if ok:
            continue
        r = requests.post(f"{c.lb}/api/3/action/share_request_create", timeout=60,
                          headers={"Authorization": tokens["consumer_admin"]},
                          json={"package_id": ENTRY, "purpose": f"故障演练 {run_id} {key}",
                                "basis": "《柳州市政务数据共享管理办法》", "scope_users": ["consumer_member"],
                                "valid_until": until, "idempotency_key": key})
        resent_ok += r.status_code == 200
    with c.pg() as conn, conn.cursor() as cur:
        cur.execute("""SELECT r.purpose, r.id,
                              (SELECT count(*) FROM liuzhou_audit_log a WHERE a.share_request_id = r.id),
                              (SELECT count(*) FROM liuzhou_share_request_event e WHERE e.share_request_id = r.id)
                       FROM liuzhou_share_request r WHERE r.purpose LIKE %s""", (f"故障演练 {run_id} %",))
        made = collections.defaultdict(list)
        for purpose, rid, audits, events in cur.fetchall():
            made[purpose.rsplit(" ", 1)[1]].append((rid, audits, events))
    confirmed_missing = sum(1 for key, ok, _ in rec.writes if ok and not made.get(key))
    half_done = sum(1 for rows in made.values() for _, audits, events in rows if not audits or not events)
    duplicates = sum(1 for rows in made.values() if len(rows) > 1)
    with cf.ThreadPoolExecutor(4) as pool:  # tidy: the run's requests withdrawn
        list(pool.map(lambda rid: requests.post(f"{c.lb}/api/3/action/share_request_withdraw", json={"id": rid},
                                                headers={"Authorization": tokens["consumer_admin"]}, timeout=60),
                      [rid for rows in made.values() for rid, _, _ in rows]))
    requests.post(f"{c.lb}/api/3/action/resource_delete", json={"id": res["id"]},
                  headers={"Authorization": tokens["provider_admin"]}, timeout=60)
    index = c.index_vs_db()
    audit_ok, audit_line = c.verify_audit()
    job_file.unlink(missing_ok=True)

    reads_failed = sum(n for (ph, op, kind), n in rec.errors.items() if op != "write")
    report = {
        "clients": clients, "phase_seconds": phase, "seconds": round(elapsed, 1), "solrcloud": solr,
        "timeline": timeline,
        "served": {ph: {op: rec.served[(ph, op)] for op, _ in MIX} for ph, _ in steps},
        "errors": [{"phase": ph, "op": op, "kind": kind, "n": n} for (ph, op, kind), n in sorted(rec.errors.items())],
        "requests_served": sum(rec.served.values()), "reads_failed": reads_failed,
        "writes": {"sent": len(rec.writes), "confirmed": sum(1 for w in rec.writes if w[1]),
                   "refused": sum(1 for w in rec.writes if not w[1]), "confirmed_missing": confirmed_missing,
                   "half_done": half_done, "duplicates": duplicates,
                   "refused_resent_ok": resent_ok},
        "latency_ms": {op: {"p50": round(statistics.median(v) * 1000), "p95": round(sorted(v)[int(len(v) * .95) - 1] * 1000)}
                       for op, v in rec.latency.items() if v},
        "jobs": {"enqueued": len(jobs), "status": dict(statuses), "ran_twice": sum(1 for n in runs.values() if n > 1),
                 "by_worker": dict(by_worker)},
        "index": {k: (v if not isinstance(v, list) else len(v)) for k, v in index.items()},
        "audit_verifies": audit_ok, "audit": audit_line,
        # what the servers said of the failures: the requests, and the web nodes' errors
        "failed": [{"phase": ph, "op": op, "kind": kind, "url": url, "answer": answer}
                   for ph, op, kind, url, answer in rec.failed],
        "server_errors": _new_errors(logs) if rec.errors else [],
    }
    _print(report, echo)
    return report


def _log_offsets(c: Cluster) -> dict:
    """Where each web node's log ends now: the run's errors are read from there on."""
    return {p: p.stat().st_size for p in sorted((c.dir / "log").glob("web*.log"))}


def _new_errors(offsets: dict, limit: int = 120) -> list[str]:
    """The ERROR lines and tracebacks the web nodes logged since ``offsets`` (at most ``limit``
    lines), so a failed request of a run on another machine (the CI) can be explained."""
    out: list[str] = []
    for path, start in offsets.items():
        try:
            with open(path, "rb") as f:
                f.seek(start)
                text = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        keep = 0
        for line in text.splitlines():
            if " ERROR " in line or line.startswith("Traceback"):
                keep = 40  # the line and the traceback after it
            if keep:
                out.append(f"{path.name}: {line[:300]}")
                keep -= 1
            if len(out) >= limit:
                return out
    return out


def _print(r: dict, echo=print):
    echo(f"\n{r['clients']} clients through nginx, {r['seconds']} s, SolrCloud: {'yes' if r['solrcloud'] else 'no (single core)'}")
    echo(f"{'phase':<44}{'search':>8}{'page':>7}{'downl.':>8}{'write':>7}")
    for ph, ops in r["served"].items():
        echo(f"{ph:<44}" + "".join(f"{ops[o]:>{w}}" for o, w in (("search", 8), ("page", 7), ("download", 8), ("write", 7))))
    echo(f"requests served: {r['requests_served']}; failed reads: {r['reads_failed']}")
    for e in r["errors"]:
        echo(f"  error  {e['phase']:<40} {e['op']:<9} {e['kind']:<28} {e['n']}")
    w = r["writes"]
    echo(f"writes: {w['sent']} sent, {w['confirmed']} confirmed, {w['refused']} refused; confirmed but missing "
         f"{w['confirmed_missing']}, half-done {w['half_done']}, duplicated {w['duplicates']}; "
         f"refused ones sent again with their key: {w['refused_resent_ok']} answered, one request each")
    echo("latency ms: " + ", ".join(f"{op} p50 {v['p50']} p95 {v['p95']}" for op, v in r["latency_ms"].items()))
    j = r["jobs"]
    echo(f"jobs: {j['enqueued']} enqueued, {j['status']}, ran twice: {j['ran_twice']}, by worker: {j['by_worker']}")
    i = r["index"]
    echo(f"index: {i['db_active']} active entries in the database, {i['index_active']} in the index "
         f"(missing {i['missing']}, extra {i['extra']})")
    echo(f"audit chain: {'verifies' if r['audit_verifies'] else 'BROKEN'} {r['audit']}")
    for f in r["failed"]:
        echo(f"  failed {f['phase']}: {f['op']} {f['kind']} {f['url']}\n         {f['answer'][:200]}")
    if r["server_errors"]:
        echo("the web nodes' errors during the run:")
        for line in r["server_errors"]:
            echo(f"  {line}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--phase", type=float, default=30, help="seconds per phase (6 phases)")
    ap.add_argument("--json", help="also write the report to this file")
    a = ap.parse_args(argv)
    r = run(clients=a.clients, phase=a.phase)
    if a.json:
        Path(a.json).write_text(json.dumps(r, ensure_ascii=False, indent=1))
    w = r["writes"]
    good = (r["reads_failed"] == 0 and not w["confirmed_missing"] and not w["half_done"] and not w["duplicates"]
            and not r["index"]["missing"] and not r["index"]["extra"] and r["audit_verifies"] and not r["jobs"]["ran_twice"])
    return 0 if good else 1


if __name__ == "__main__":
    raise SystemExit(main())
