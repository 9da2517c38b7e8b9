"""A soak run against a running portal (docs/resilience.md, "Soak run"); not part of the test suite.

    python -m bench.soak -c .stack/ckan.ini --clients 8 --minutes 10

It needs the portal's configuration (``-c``, as `make serve` writes it) to prepare, in the
portal's own database, what the clients use: API tokens of the demo accounts
(``ckan liuzhou demo``), and an uploaded file on an unconditional entry for the guarded
downloads. Then ``--clients`` threads, each with its own keep-alive HTTP session, loop for
``--minutes`` (closed loop, no pause) over a weighted mix:

    search_api      package_search with a Chinese query and the search page's facets
    search_page     the search page /catalog/?q=…
    show_api        package_show of a random entry
    dataset_page    an entry's page
    download        GET /data/<resource id>: access check, audit row, the file streamed
    request         share_request_create by the consumer on a conditional entry
    decide          share_request_decide (approve or reject) by the provider's admin

Every answer other than the expected status is an error (target 0). At the end it prints
requests, errors and latency percentiles per operation, and the resident memory (RSS) of each
process of the stack — gunicorn master and workers, the RQ worker, Solr, PostgreSQL (all its
processes, so shared buffers count more than once), Redis — at start and end, found from the
pid files under ``--stack-dir`` (default: the checkout's .stack). ``--out FILE`` writes it all
as JSON. Requests go to ``--url`` only (default ckan.site_url); it stops by itself.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

REPO = Path(__file__).resolve().parents[1]
QUERIES = ["人口", "社会保障", "法人", "教育", "医疗", "交通", "不动产", "公积金", "户籍", "企业", "信用", "柳州"]
WEIGHTS = {"search_api": 20, "search_page": 8, "show_api": 15, "dataset_page": 10, "download": 25,
           "request": 11, "decide": 11}
CSV = ("证件号码,姓名,参保状态\n" + "".join(f"4502001990010{i:05d},测试{i},参保\n" for i in range(200))).encode()


# ---------------------------------------------------------------- preparing, in the portal's database

def prepare(ini: str) -> dict[str, Any]:
    """Tokens of the demo accounts, entries to read and request, a file to download."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        import ckan.plugins.toolkit as tk
        from werkzeug.datastructures import FileStorage

        site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
        tokens = {}
        for user in ("consumer_member", "provider_admin"):
            if model.User.get(user) is None:
                raise SystemExit(f"demo account {user} missing: run `ckan -c {ini} liuzhou demo` (make serve does)")
            tokens[user] = tk.get_action("api_token_create")(dict(site), {"user": user, "name": "soak"})["token"]
        provider = tk.get_action("organization_show")(dict(site), {"id": "lzsgaj"})["id"]
        entries = tk.get_action("package_search")(dict(site), {"q": "*:*", "rows": 1000, "fl": "id,name"})["results"]
        names = [e["name"] for e in entries]
        conditional = [p.name for p in model.Session.query(model.Package).filter(
            model.Package.owner_org == provider, model.Package.state == "active", model.Package.type == "catalog")
            if p.extras.get("sharing_type") == "conditional"]
        if not conditional:
            raise SystemExit("no conditional entry of 柳州市公安局: load the demo data")
        unconditional = next((p for p in model.Session.query(model.Package).filter(
            model.Package.owner_org == provider, model.Package.state == "active", model.Package.type == "catalog")
            if p.extras.get("sharing_type") == "unconditional"), None)
        if unconditional is None:
            raise SystemExit("no unconditional entry of 柳州市公安局: load the demo data")
        from ckan.lib.uploader import get_resource_uploader

        res = next((r for r in unconditional.resources if r.name == "soak-sample.csv"), None)
        if res is not None and not os.path.exists(get_resource_uploader({"url_type": "upload"}).get_path(res.id)):
            tk.get_action("resource_delete")(dict(site), {"id": res.id})  # its file is not in this storage
            res = None
        if res is None:
            res_id = tk.get_action("resource_create")(dict(site), {
                "package_id": unconditional.id, "name": "soak-sample.csv", "url": "soak-sample.csv", "resource_type": "file",
                "upload": FileStorage(io.BytesIO(CSV), filename="soak-sample.csv", content_type="text/csv")})["id"]
        else:
            res_id = res.id
        return {"tokens": tokens, "entries": names, "conditional": conditional, "resource": res_id,
                "site_url": tk.config.get("ckan.site_url")}


def portal_environment(stack_dir: Path) -> None:
    """Take the running portal's CKAN_* variables (its database, Solr, Redis, site URL: serve.sh
    passes them in the environment, not in the ini) from its process, so that the preparation
    writes into the portal's own database and the clients call its own address."""
    pid = _pid(stack_dir / "run" / "web.pid")
    if not pid:
        raise SystemExit(f"no portal running from {stack_dir} (run/web.pid): start it with make serve")
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError as e:
        raise SystemExit(f"cannot read the portal's environment: {e}")
    for item in raw.split(b"\0"):
        key, _, value = item.decode(errors="replace").partition("=")
        if key.startswith("CKAN_") and key not in ("CKAN_INI",):
            os.environ[key] = value


# ---------------------------------------------------------------- memory

def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def children(pid: int) -> list[int]:
    """Direct children of a process, from /proc (Linux)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def descendants(pid: int) -> list[int]:
    out = []
    for child in children(pid):
        out += [child, *descendants(child)]
    return out


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process in MB (VmRSS of /proc/<pid>/status), 0 when it is gone."""
    if not pid:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory(stack_dir: Path) -> dict[str, float]:
    """RSS in MB of each process of the stack, from its pid files."""
    out: dict[str, float] = {}
    alive = lambda pid: bool(pid) and Path(f"/proc/{pid}").exists()  # noqa: E731
    web = _pid(stack_dir / "run" / "web.pid")
    if alive(web):
        # the pid file names the process `env … gunicorn` became: the master
        out["gunicorn master"] = round(rss_mb(web), 1)
        for i, child in enumerate(children(web), 1):
            out[f"gunicorn worker {i}"] = round(rss_mb(child), 1)
    worker = _pid(stack_dir / "run" / "worker.pid")
    if alive(worker):
        out["RQ worker"] = round(rss_mb(worker) + sum(rss_mb(c) for c in descendants(worker)), 1)
    solr = _pid(stack_dir / "solr" / "solr.pid")
    if alive(solr):
        out["Solr (JVM)"] = round(rss_mb(solr), 1)
    pg = _pid(Path(os.path.realpath(stack_dir / "pg")) / "data" / "postmaster.pid")
    if alive(pg):
        backends = children(pg)
        out[f"PostgreSQL ({len(backends) + 1} processes, summed)"] = round(
            rss_mb(pg) + sum(rss_mb(c) for c in backends), 1)
    redis = _pid(stack_dir / "redis" / "redis.pid")
    if alive(redis):
        out["Redis"] = round(rss_mb(redis), 1)
    return out


# ---------------------------------------------------------------- the clients

RETRIES = {"n": 0}


class _CountedRetry(Retry):
    def increment(self, *args, **kwargs):
        RETRIES["n"] += 1
        return super().increment(*args, **kwargs)


def _session(token: str) -> requests.Session:
    """A keep-alive session. gunicorn closes a connection idle for 2 s (its keepalive); a GET
    sent on one it has just closed is sent again once, as browsers do (counted as retried);
    a POST never is."""
    session = requests.Session()
    session.headers["Authorization"] = token
    retry = _CountedRetry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=["GET"],
                          raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


class Client:
    def __init__(self, base: str, env: dict[str, Any], rng: random.Random):
        self.base, self.env, self.rng = base.rstrip("/"), env, rng
        self.consumer = _session(env["tokens"]["consumer_member"])
        self.provider = _session(env["tokens"]["provider_admin"])
        self.open_requests: list[str] = []

    def op(self, name: str) -> tuple[int, int]:
        """Run one operation: (status, expected status)."""
        r = self.rng
        c = self.consumer
        if name == "search_api":
            resp = c.get(f"{self.base}/api/3/action/package_search", timeout=60, params={
                "q": r.choice(QUERIES), "rows": 20, "facet.field": json.dumps(
                    ["organization", "sharing_type", "classification", "update_cycle", "res_format"])})
            return resp.status_code, 200
        if name == "search_page":
            return c.get(f"{self.base}/catalog/", params={"q": r.choice(QUERIES)}, timeout=60).status_code, 200
        if name == "show_api":
            resp = c.get(f"{self.base}/api/3/action/package_show", params={"id": r.choice(self.env["entries"])},
                         timeout=60)
            return resp.status_code, 200
        if name == "dataset_page":
            return c.get(f"{self.base}/catalog/{r.choice(self.env['entries'])}", timeout=60).status_code, 200
        if name == "download":
            resp = c.get(f"{self.base}/data/{self.env['resource']}", timeout=60)
            ok = resp.status_code == 200 and resp.content == CSV
            return (200 if ok else resp.status_code or 599), 200
        if name == "request":
            resp = c.post(f"{self.base}/api/3/action/share_request_create", timeout=60, json={
                "package_id": r.choice(self.env["conditional"]), "purpose": "浸泡测试：核验参保人身份",
                "basis": "《社会保险法》第七十四条", "scope_users": ["consumer_member"],
                "valid_until": f"{dt.date.today().year + 1}-06-30"})
            if resp.status_code == 200:
                self.open_requests.append(resp.json()["result"]["id"])
            return resp.status_code, 200
        if name == "decide":
            if not self.open_requests:
                return self.op("request")
            rid = self.open_requests.pop()
            data = {"id": rid, "decision": "approve"} if r.random() < 0.5 else {
                "id": rid, "decision": "reject", "reason_code": "other", "reason": "浸泡测试"}
            resp = self.provider.post(f"{self.base}/api/3/action/share_request_decide", json=data, timeout=60)
            return resp.status_code, 200
        raise ValueError(name)


def run(base: str, env: dict[str, Any], clients: int, seconds: float, seed: int = 2026,
        echo: Callable[[str], None] = print) -> dict[str, Any]:
    names, weights = zip(*WEIGHTS.items())
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(i: int) -> None:
        rng = random.Random(seed + i)  # nosec B311 - picks the mix of operations, not a secret
        client = Client(base, env, rng)
        while time.monotonic() < stop_at:
            name = rng.choices(names, weights)[0]
            t0 = time.perf_counter()
            try:
                status, expected = client.op(name)
                problem = None if status == expected else f"HTTP {status}"
            except requests.RequestException as e:
                problem = f"{type(e).__name__}: {str(e)[-80:]}"
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                lat[name].append(ms)
                if problem:
                    errors[name].append(problem)
    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    last = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if time.monotonic() - last >= 60:
            last = time.monotonic()
            with lock:
                done, bad = sum(len(v) for v in lat.values()), sum(len(v) for v in errors.values())
            echo(f"  … {done} requests, {bad} errors")
    for t in threads:
        t.join(120)
    ops = {}
    for name in names:
        xs = sorted(lat.get(name, []))
        if not xs:
            continue
        q = (lambda p: xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))])
        ops[name] = {"requests": len(xs), "errors": len(errors.get(name, [])),
                     "error_kinds": sorted(set(errors.get(name, []))),
                     "p50_ms": round(q(50), 1), "p95_ms": round(q(95), 1), "p99_ms": round(q(99), 1),
                     "max_ms": round(xs[-1], 1), "mean_ms": round(statistics.fmean(xs), 1)}
    return {"ops": ops, "retried_gets": RETRIES["n"], "requests": sum(o["requests"] for o in ops.values()),
            "errors": sum(o["errors"] for o in ops.values())}


def report(result: dict[str, Any]) -> str:
    lines = [f"{'operation':<14}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"]
    for name, o in result["ops"].items():
        lines.append(f"{name:<14}{o['requests']:>9}{o['errors']:>7}{o['p50_ms']:>9}{o['p95_ms']:>9}"
                     f"{o['p99_ms']:>9}{o['max_ms']:>9}" + (f"  {', '.join(o['error_kinds'])}" if o["errors"] else ""))
    lines.append(f"total: {result['requests']} requests in {result['seconds']:.0f} s "
                 f"({result['requests'] / result['seconds']:.1f}/s), {result['errors']} errors, "
                 f"{result['retried_gets']} GET(s) sent again on a closed keep-alive connection")
    lines.append(f"{'process':<40}{'RSS start MB':>14}{'RSS end MB':>12}")
    for name in sorted(set(result["memory_start"]) | set(result["memory_end"])):
        lines.append(f"{name:<40}{result['memory_start'].get(name, '-'):>14}{result['memory_end'].get(name, '-'):>12}")
    lines.append(f"load average at start {result['load_start']}, at end {result['load_end']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    ap.add_argument("-c", "--config", help="the portal's ini (default: ckan.ini of --stack-dir)")
    ap.add_argument("--url", help="the portal (default: ckan.site_url of the ini)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--stack-dir", default=os.environ.get("STACK_DIR") or str(REPO / ".stack"))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args(argv)
    stack = Path(args.stack_dir)
    portal_environment(stack)
    env = prepare(args.config or str(stack / "ckan.ini"))
    base = args.url or env["site_url"]
    host = requests.utils.urlparse(base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"{base}: the soak run only targets a portal on this machine")
    print(f"soak: {args.clients} clients for {args.minutes} min against {base}")
    mem0, load0 = memory(stack), [round(x, 2) for x in os.getloadavg()]
    t0 = time.monotonic()
    result = run(base, env, args.clients, args.minutes * 60, args.seed)
    result.update(seconds=time.monotonic() - t0, memory_start=mem0, memory_end=memory(stack),
                  load_start=load0, load_end=[round(x, 2) for x in os.getloadavg()],
                  clients=args.clients, minutes=args.minutes, url=base,
                  when=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    print(report(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
