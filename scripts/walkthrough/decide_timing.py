"""Time share_request_decide over HTTP on a running portal (docs/sharing.md: the measured time of a
decision call).

consumer_admin (人社局) makes N fresh share requests for a conditional entry of 市公安局, then
provider_admin approves them one after the other; each approval is timed on the client, from
sending the request to the decoded answer (one client, keep-alive). Prints p50 / p95 / max
and the load average before and after. Afterwards the timing requests are given up (the
consumer asks for coordination, the Operator records the outcome "withdrawn"), so nothing of
them waits in anyone's 待我处理.

    $VENV/bin/python scripts/walkthrough/decide_timing.py [--url http://127.0.0.1:5000] [-n 50]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import ckanapi
import requests

REPO = Path(__file__).resolve().parents[2]
STACK = Path(os.environ.get("STACK_DIR", REPO / ".stack"))
ENTRY_QUERY = "organization:lzsgaj AND sharing_type:conditional"


def token(user: str, url: str) -> str:
    """The walkthrough's cached token for ``user`` (.stack/walkthrough/), made when missing or refused."""
    cached = STACK / "walkthrough" / f"token-{user}"
    if cached.exists():
        t = cached.read_text().strip()
        ok = requests.get(f"{url}/api/3/action/share_request_list?limit=1", headers={"Authorization": t}, timeout=30)
        if ok.status_code == 200:
            return t
    ckan = Path(os.environ.get("VENV", "")) / "bin" / "ckan" if os.environ.get("VENV") else "ckan"
    out = subprocess.run([str(ckan), "-c", str(STACK / "ckan.ini"), "user", "token", "add", user, "walkthrough-sharing"],
                         capture_output=True, text=True, check=True).stdout
    t = out.strip().splitlines()[-1].strip()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(t)
    cached.chmod(0o600)
    return t


def give_up(url: str, ids: list[str]) -> None:
    consumer = ckanapi.RemoteCKAN(url, apikey=token("consumer_admin", url))
    operator = ckanapi.RemoteCKAN(url, apikey=token("operator", url))
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    for rid in ids:
        consumer.action.share_request_coordination_open(id=rid, reason="决定耗时测量用的申请，不再需要")
        operator.action.share_request_coordination_close(
            id=rid, meeting_date=today, participants=["市人社局", "市信息中心"], outcome="withdrawn",
            notes="测量用申请，申请部门放弃")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('CKAN_PORT', '5000')}")
    ap.add_argument("-n", type=int, default=50)
    args = ap.parse_args()

    consumer = ckanapi.RemoteCKAN(args.url, apikey=token("consumer_admin", args.url))
    provider = ckanapi.RemoteCKAN(args.url, apikey=token("provider_admin", args.url))
    entry = consumer.action.package_search(fq=ENTRY_QUERY, rows=1, sort="metadata_created asc")["results"][0]
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    ids = [consumer.action.share_request_create(
        package_id=entry["name"], purpose=f"决定耗时测量 {i + 1}/{args.n}", basis="《社会保险法》第七十四条",
        scope_users=["consumer_member"], valid_until=today)["id"] for i in range(args.n)]

    load_before = os.getloadavg()
    times = []
    for rid in ids:
        start = time.perf_counter()
        state = provider.action.share_request_decide(id=rid, decision="approve")["state"]
        times.append((time.perf_counter() - start) * 1000)
        assert state == "approved", state
    load_after = os.getloadavg()
    give_up(args.url, ids)

    print(f"share_request_decide (approve) over HTTP on {args.url}, entry {entry['name']}, "
          f"{len(times)} fresh requests, 1 client")
    print(f"p50 {statistics.median(times):.0f} ms  p95 {percentile(times, 95):.0f} ms  "
          f"max {max(times):.0f} ms  mean {statistics.mean(times):.0f} ms")
    print("load average (1, 5, 15 min) before %.2f %.2f %.2f, after %.2f %.2f %.2f on %d CPUs"
          % (*load_before, *load_after, os.cpu_count() or 0))


if __name__ == "__main__":
    main()
