"""The evaluation (Art 34) at scale: 20,000 catalog entries and 100,000 share requests.

    python -m bench.evaluation_scale [--entries 20000] [--requests 100000] [--reads 200000]
                                     [--runs 5] [--keep] [--refresh] [--live]
                                     [--http-clients 1,8 --duration 15] [--out FILE.json]

Fills its own database ``ckan_eval_scale`` (created with scripts/postgres.sh; Solr core
``ckan_test_b`` and Redis db 4, which the evaluation does not use) by SQL bulk inserts —
departments through the demo loader, then entries with their extras and resources, requests
spread over the last 14 months with deliveries, quality issues and timeline-free history, and
``data.read`` rows of the audit log (with placeholder hashes: this database's chain does not
verify, which nothing here needs) — then times the ranking page (signed in as the Authority,
through CKAN's Flask app in this process), the department page and ``evaluation_show``.
Prints the figures; asserts nothing about time. ``--keep`` reuses a database already filled.

``--refresh`` computes the evaluation's aggregates first (timed: wall clock and the process's
CPU; the database's CPU is in the wall clock); ``--live`` measures with the aggregates off
(``ckanext.liuzhou.evaluation.aggregates = false``), as before they existed. ``--http-clients``
then serves the same database with gunicorn (2 workers × 4 threads, as ``make serve``) on
``--port`` and measures the ranking page and ``evaluation_show`` through HTTP with that many
closed-loop clients each (``bench.runner``: p50/p95/p99). ``--out`` writes every figure and the
load average as JSON (e.g. under bench/results/).

``--cpu N`` then makes N more calls of each operation and prints what one call costs whatever
the machine's load: this process's CPU (``time.process_time``), PostgreSQL's (the CPU time of
every process of the worktree's PostgreSQL server, from ``/proc``: nothing else may use that
server meanwhile) and the number of SQL statements.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
DB = "ckan_eval_scale"
# a worktree's own services (its .wt-env sets PG_PORT, SOLR_PORT, REDIS_PORT), else the defaults
PG = os.environ.get("PG_URL_BASE", f"postgresql://ckan:ckan@127.0.0.1:{os.environ.get('PG_PORT', '55432')}")
ENV = {"CKAN_SQLALCHEMY_URL": f"{PG}/{DB}",
       "CKAN_SOLR_URL": os.environ.get("EVAL_SCALE_SOLR_URL",
                                       f"http://127.0.0.1:{os.environ.get('SOLR_PORT', '8984')}/solr/ckan_test"),
       "CKAN_REDIS_URL": f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '6390')}/4",
       "CKAN_DATASTORE_WRITE_URL": f"{PG}/datastore_test",
       "CKAN_DATASTORE_READ_URL": PG.replace("ckan:ckan@", "datastore_ro:datastore_ro@") + "/datastore_test"}

ENTRIES_SQL = """
WITH orgs AS (
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM "group"
  WHERE is_organization AND state = 'active' AND name NOT IN ('lzsdsjfzj', 'lzsxxhjsglzx')),
k AS (SELECT count(*) AS c FROM orgs)
INSERT INTO package (id, name, title, type, state, owner_org, private, metadata_created, metadata_modified, notes)
SELECT 'evs-pkg-' || i, 'evs-entry-' || i, '评估规模测试目录' || i, 'catalog', 'active',
       (SELECT id FROM orgs WHERE n = (i * 7919) % (SELECT c FROM k)), false,
       now() AT TIME ZONE 'UTC' - make_interval(days => 30 + i % 700),
       now() AT TIME ZONE 'UTC' - make_interval(days => (i * 13) % 400), '规模测试用目录'
FROM generate_series(1, :n) i
"""

EXTRAS_SQL = """
INSERT INTO package_extra (id, package_id, key, value, state)
SELECT 'evs-x-' || p.i || '-' || kv.key, 'evs-pkg-' || p.i, kv.key, kv.value, 'active'
FROM generate_series(1, :n) AS p(i),
LATERAL (VALUES
  ('classification', 'department'), ('subclass', 'department'), ('format_category', 'database'),
  ('information_items', '[{"name": "名称", "data_type": "C"}]'),
  ('sharing_type', (ARRAY['unconditional', 'unconditional', 'conditional', 'not_shared'])[1 + p.i % 4]),
  ('sharing_method', 'platform'), ('open_attribute', 'not_open'),
  ('update_cycle', (ARRAY['daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'])[1 + p.i % 6]),
  ('sharing_conditions', CASE WHEN p.i % 4 = 2 THEN '仅限履职使用' ELSE '' END),
  ('legal_basis', CASE WHEN p.i % 4 >= 2 AND p.i % 9 <> 0 THEN '《某某条例》' ELSE '' END)
) AS kv(key, value)
"""

RESOURCES_SQL = """
INSERT INTO resource (id, package_id, url, name, state, position, extras, resource_type, created)
SELECT 'evs-res-' || i, 'evs-pkg-' || i, 'http://data.example/' || i, '接口', 'active', 0,
       CASE WHEN i % 10 = 0 THEN '{"online_status": "offline"}' ELSE '{"online_status": "online"}' END,
       'api', now() AT TIME ZONE 'UTC'
FROM generate_series(1, :n) i WHERE i % 7 <> 0
"""

REQUESTS_SQL = """
WITH orgs AS (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM "group"
              WHERE is_organization AND state = 'active'),
k AS (SELECT count(*) AS c FROM orgs),
g AS (
  SELECT i, 'evs-pkg-' || (1 + (i::bigint * 104729) % :entries) AS package_id,
         now() AT TIME ZONE 'UTC' - make_interval(days => i % 420, hours => i % 9) AS created,
         (ARRAY[0, 1, 1, 2, 2, 3, 3, 4, 6])[1 + i % 9] AS delay
  FROM generate_series(1, :n) i)
INSERT INTO liuzhou_share_request (id, kind, package_id, provider_org_id, consumer_org_id, requester_id,
  resource_ids, information_items, purpose, basis, sharing_method, valid_from, valid_until, state,
  deadline, state_changed_at, state_changed_by, decided_by, decided_at, created, modified)
SELECT 'evs-req-' || g.i, 'share', g.package_id, p.owner_org,
       (SELECT id FROM orgs WHERE n = (g.i * 31) % (SELECT c FROM k)), 'bench', '[]', '[]', '测试', '测试',
       'platform', g.created::date, g.created::date + 365,
       CASE WHEN g.i % 50 = 0 THEN 'submitted' WHEN g.i % 11 = 0 THEN 'rejected' ELSE 'delivered' END,
       CASE WHEN g.i % 50 = 0 THEN g.created + interval '5 days' END,
       g.created, 'bench',
       CASE WHEN g.i % 50 <> 0 THEN 'bench' END,
       CASE WHEN g.i % 50 <> 0 THEN g.created + make_interval(days => g.delay) END,
       g.created, g.created
FROM g JOIN package p ON p.id = g.package_id
"""

DELIVERIES_SQL = """
INSERT INTO liuzhou_delivery (id, share_request_id, number, delivered_by, delivered_at, method, resource_ids, notes,
                              quality_window_ends)
SELECT 'evs-dl-' || r.id, r.id, 1, 'bench', r.decided_at + interval '1 day', 'platform', '[]', '',
       r.decided_at + interval '4 days'
FROM liuzhou_share_request r WHERE r.state = 'delivered' AND r.id LIKE 'evs-req-%'
"""

ISSUES_SQL = """
INSERT INTO liuzhou_quality_issue (id, share_request_id, delivery_id, state, raised_by, raised_at, description,
                                   information_items, deadline, resolved_by, resolved_at)
SELECT 'evs-qi-' || r.id, r.id, 'evs-dl-' || r.id, 'resolved', 'bench', r.decided_at + interval '2 days', '缺失',
       '[]', r.decided_at + interval '5 days', 'bench',
       r.decided_at + make_interval(days => 3 + (length(r.id) + ascii(right(r.id, 1))) % 4)
FROM liuzhou_share_request r
WHERE r.state = 'delivered' AND r.id LIKE 'evs-req-%' AND ascii(right(r.id, 1)) % 8 = 0
"""

READS_SQL = """
WITH orgs AS (SELECT row_number() OVER (ORDER BY id) - 1 AS n, name FROM "group"
              WHERE is_organization AND state = 'active'),
k AS (SELECT count(*) AS c FROM orgs)
INSERT INTO liuzhou_audit_log (created, actor_org, action, object_type, object_id, package_id, provider_org,
                               detail, prev_hash, hash)
SELECT now() AT TIME ZONE 'UTC' - make_interval(days => i % 420, mins => i % 600),
       (SELECT name FROM orgs WHERE n = (i * 17) % (SELECT c FROM k)), 'data.read', 'package', p.id, p.id,
       o.name, '{"bench": true}', 'bench', 'evs-read-' || i
FROM generate_series(1, :n) i
JOIN package p ON p.id = 'evs-pkg-' || (1 + (i * 7) % :entries)
JOIN "group" o ON o.id = p.owner_org
"""


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, cwd=REPO, env={**os.environ, **ENV}, **kw)


def prepare(ini: str, venv_bin: Path) -> None:
    sh(["bash", "scripts/postgres.sh", "createdb", DB])
    sh([str(venv_bin / "ckan"), "-c", ini, "db", "upgrade"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fill(args) -> dict[str, float]:
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.liuzhou.demo import loader

    took: dict[str, float] = {}
    t = time.perf_counter()
    loader.load_departments()
    loader.load_users()
    took["departments and users (actions)"] = time.perf_counter() - t
    for label, statement, params in (
            ("entries", ENTRIES_SQL, {"n": args.entries}), ("extras", EXTRAS_SQL, {"n": args.entries}),
            ("resources", RESOURCES_SQL, {"n": args.entries}),
            ("requests", REQUESTS_SQL, {"n": args.requests, "entries": args.entries}),
            ("deliveries", DELIVERIES_SQL, {}), ("quality issues", ISSUES_SQL, {}),
            ("reads", READS_SQL, {"n": args.reads, "entries": args.entries})):
        t = time.perf_counter()
        model.Session.execute(sa.text(statement), params)
        model.Session.commit()
        took[label] = time.perf_counter() - t
    model.Session.execute(sa.text("ANALYZE"))
    model.Session.commit()
    tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return took


def counts() -> dict[str, int]:
    import sqlalchemy as sa

    import ckan.model as model
    out = {}
    for table, where in (("package", "type = 'catalog' AND state = 'active'"), ("liuzhou_share_request", "true"),
                         ("liuzhou_delivery", "true"), ("liuzhou_quality_issue", "true"),
                         ("liuzhou_audit_log", "action = 'data.read'")):
        out[table] = model.Session.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar()
    return out


CPU: list[float] = []  # the process's CPU time of each timed call (ms), beside the wall clock


def timed(fn, runs: int) -> tuple[float, float, float]:
    fn()  # warm-up (templates, caches)
    times = []
    CPU.clear()
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        CPU.append((time.process_time() - c) * 1000)
    return statistics.median(times), min(times), max(times)


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat from 0 (3: the parent; 13–16: the CPU times in clock
    ticks: user, system, and the reaped children's user and system)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return [text[:text.index(" ")], text[text.index("(") + 1:text.rindex(")")]] + text[text.rindex(")") + 2:].split()


class Cost:
    """SQL statements of this process and CPU time of this process and of PostgreSQL's backends
    of the database, between ``start()`` and ``stop()``."""

    def __init__(self):
        import sqlalchemy as sa

        import ckan.model as model
        self.statements = 0
        self._admin = None
        sa.event.listen(model.meta.engine, "before_cursor_execute", self._count)

    def _count(self, *_a, **_k):
        self.statements += 1

    def _pg_ns(self) -> int:
        """CPU time of the whole PostgreSQL server (ns): every process of the postmaster (its
        backends, their parallel workers, background processes) and the children it has reaped."""
        import psycopg2
        if self._admin is None:
            self._admin = psycopg2.connect(ENV["CKAN_SQLALCHEMY_URL"])
            self._admin.autocommit = True
            with self._admin.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                self._postmaster = int(_stat(cur.fetchone()[0])[3])
        tick = 1e9 / os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                f = _stat(int(entry.name))
            except (OSError, IndexError):
                continue
            if int(entry.name) == self._postmaster:
                total += sum(int(x) for x in f[13:17])  # its own and its reaped children's
            elif int(f[3]) == self._postmaster:
                total += int(f[13]) + int(f[14])
        return int(total * tick)

    def measure(self, fn, n: int) -> dict:
        """Per call, over ``n`` calls: ``cpu_ms``, ``pg_cpu_ms``, ``statements``, ``wall_ms``."""
        fn()
        statements, pg = self.statements, self._pg_ns()
        t, c = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        pg = self._pg_ns() - pg
        return {"calls": n, "cpu_ms": round(cpu * 1000 / n, 1), "pg_cpu_ms": round(pg / 1e6 / n, 1),
                "statements": round((self.statements - statements) / n, 1), "wall_ms": round(wall * 1000 / n, 1)}


def measure(app, runs: int, cost: Optional[int] = None):
    """``app``: CKAN's whole WSGI stack (its middleware sets the request's language)."""
    from werkzeug.test import Client

    import ckan.plugins.toolkit as tk

    token = tk.get_action("api_token_create")({"ignore_auth": True, "user": "authority"},
                                             {"user": "authority", "name": "bench"})["token"]
    client = Client(app)
    headers = {"Authorization": token}

    def get(url):
        def run():
            r = client.get(url, headers=headers)
            assert r.status_code == 200, (url, r.status_code)
        return run

    context = lambda: {"user": "authority", "ignore_auth": False}  # noqa: E731
    rows = [
        ("GET /evaluation/ (default period: 6 months, by department)", get("/evaluation/")),
        ("GET /evaluation/?sort=handling_p90_wd desc", get("/evaluation/?sort=handling_p90_wd%20desc")),
        ("GET /evaluation/ 12 months", get("/evaluation/?from=" + _months_ago(12))),
        ("GET /evaluation/?by=level", get("/evaluation/?by=level")),
        ("GET /evaluation/?by=county", get("/evaluation/?by=county")),
        ("GET /evaluation/?format=xlsx", get("/evaluation/?format=xlsx")),
        ("GET /evaluation/department/lzsgaj (figures + 12-month trend)", get("/evaluation/department/lzsgaj")),
        ("GET /evaluation/department/lzsgaj/requests_received (drill-down)",
         get("/evaluation/department/lzsgaj/requests_received")),
        ("action evaluation_show id=lzsgaj",
         lambda: tk.get_action("evaluation_show")(context(), {"id": "lzsgaj"})),
        ("action evaluation_ranking (default)", lambda: tk.get_action("evaluation_ranking")(context(), {})),
        ("GET /api/3/action/evaluation_show?id=lzsgaj", get("/api/3/action/evaluation_show?id=lzsgaj")),
        ("GET /evaluation/weights (a page of the portal: its header)", get("/evaluation/weights")),
    ]
    if cost:
        meter = Cost()
        for label, fn in rows:
            yield label, meter.measure(fn, cost)
        return
    for label, fn in rows:  # one line as each is measured
        yield label, timed(fn, runs)


def http(ini: str, args, token: str) -> list[dict]:
    """The ranking page and ``evaluation_show`` through gunicorn, N closed-loop clients each."""
    from bench import runner
    from bench.services import BIN

    env = {**os.environ, **ENV, "CKAN_INI": ini,
           "PYTHONPATH": os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    log = open(f"/tmp/evaluation-scale-gunicorn-{args.port}.log", "ab")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--chdir", str(REPO), "-w", "2", "--threads", "4",
                             "-b", f"127.0.0.1:{args.port}", "--timeout", "300", "deploy.wsgi:application"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO)
    base = f"http://127.0.0.1:{args.port}"
    out = []
    try:
        import requests
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(base + "/api/3/action/status_show", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"gunicorn did not start: see {log.name}")
            time.sleep(1)
        headers = {"Authorization": token}

        def op(path):
            def run(session, n):
                r = session.get(base + path, headers=headers, timeout=300)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {r.status_code}")
            return run
        ops = [("ranking page GET /evaluation/", "/evaluation/"),
               ("evaluation_show id=lzsgaj (API)", "/api/3/action/evaluation_show?id=lzsgaj"),
               ("evaluation_ranking (API)", "/api/3/action/evaluation_ranking")]
        for clients in args.http_clients:
            for label, path in ops:
                r = runner.run(op(path), clients, args.duration, warmup=args.warmup)
                r["operation"] = label
                out.append(r)
                print(f"  {label:<40} {clients} clients: {r.get('requests', 0):5} requests, p50 {r.get('p50_ms')} "
                      f"p95 {r.get('p95_ms')} p99 {r.get('p99_ms')} ms, errors {r['errors']}, "
                      f"load {r['loadavg_before'][0]}→{r['loadavg_after'][0]}", flush=True)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()
    return out


def _months_ago(n: int) -> str:
    import datetime as dt
    d = dt.date.today()
    return d.replace(year=d.year - 1 if d.month <= n else d.year, month=(d.month - n - 1) % 12 + 1, day=1).isoformat()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--reads", type=int, default=200000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="the database is already filled: only measure")
    ap.add_argument("--refresh", action="store_true", help="compute the evaluation's aggregates first (timed)")
    ap.add_argument("--live", action="store_true", help="the aggregates off: every figure from the raw tables")
    ap.add_argument("--http-clients", type=lambda v: [int(x) for x in v.split(",")], default=[],
                    help="e.g. 1,8: measure through gunicorn with that many clients")
    ap.add_argument("--duration", type=float, default=15)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--port", type=int, default=5129)
    ap.add_argument("--cpu", type=int, default=0, metavar="N",
                    help="also the CPU (this process and PostgreSQL) and statements of one call, over N calls")
    ap.add_argument("--out", help="write the figures as JSON")
    args = ap.parse_args(argv)
    result: dict = {"args": vars(args), "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                    "loadavg_start": os.getloadavg(), "inprocess": [], "http": []}

    venv_bin = Path(sys.executable).parent
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
        f.write(f"[app:main]\nuse = config:{REPO / 'test.ini'}\nsqlalchemy.url = {ENV['CKAN_SQLALCHEMY_URL']}\n"
                f"solr_url = {ENV['CKAN_SOLR_URL']}\nckan.redis.url = {ENV['CKAN_REDIS_URL']}\n"
                "ckan.site_url = http://127.0.0.1:5119\n"
                + ("ckanext.liuzhou.evaluation.aggregates = false\n" if args.live else "")
                + "\n[loggers]\nkeys = root\n[handlers]\nkeys = console\n"
                "[formatters]\nkeys = generic\n[logger_root]\nlevel = WARNING\nhandlers = console\n"
                "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = WARNING\nformatter = generic\n"
                "[formatter_generic]\nformat = %(levelname)s %(name)s %(message)s\n")
        ini = f.name
    try:
        os.environ.update(ENV)
        if not args.keep:
            print(f"database {DB}: migrating")
            prepare(ini, venv_bin)
        from ckan.cli import load_config
        from ckan.config.middleware import make_app

        app = make_app(load_config(ini))
        with app._wsgi_app.test_request_context():
            import sqlalchemy as sa

            import ckan.model as model
            if not args.keep:
                if model.Session.execute(sa.text("SELECT count(*) FROM package WHERE id LIKE 'evs-%'")).scalar():
                    print(f"{DB} already holds bench rows: run with --keep, or drop it "
                          f"(bash scripts/postgres.sh dropdb {DB})")
                    return 2
                for label, seconds in fill(args).items():
                    print(f"  loaded {label:<34} {seconds:7.1f} s")
            result["counts"] = counts()
            for table, n in result["counts"].items():
                print(f"  {table:<24} {n:>9,}")
            if args.refresh:
                from ckanext.liuzhou.evaluation import queries
                t, c = time.perf_counter(), time.process_time()
                r = queries.refresh()
                result["refresh"] = {"wall_ms": round((time.perf_counter() - t) * 1000),
                                     "process_cpu_ms": round((time.process_time() - c) * 1000),
                                     "rows": r["row_count"], "as_of": r["as_of"].isoformat()}
                print(f"  refreshed the aggregates: {r['row_count']:,} rows in {result['refresh']['wall_ms']} ms "
                      f"(this process's CPU {result['refresh']['process_cpu_ms']} ms)")
        flask_app = app._wsgi_app
        print(f"\nmedian / min / max of {args.runs} runs after one warm-up (ms), in-process Flask client"
              f"{' (aggregates off)' if args.live else ''}; CPU: this process's median:")
        with flask_app.test_request_context():
            for label, (med, lo, hi) in measure(app, args.runs):
                cpu = statistics.median(CPU)
                result["inprocess"].append({"operation": label, "median_ms": round(med, 1), "min_ms": round(lo, 1),
                                            "max_ms": round(hi, 1), "cpu_median_ms": round(cpu, 1)})
                print(f"  {label:<66} {med:8.0f} {lo:8.0f} {hi:8.0f}  cpu {cpu:6.0f}", flush=True)
            if args.cpu:
                print(f"\nper call over {args.cpu} calls: this process's CPU, PostgreSQL's CPU, SQL statements, wall:")
                result["cpu"] = []
                for label, c in measure(app, args.runs, cost=args.cpu):
                    result["cpu"].append({"operation": label, **c})
                    print(f"  {label:<66} cpu {c['cpu_ms']:7.1f} ms  pg {c['pg_cpu_ms']:7.1f} ms  "
                          f"{c['statements']:5.1f} statements  wall {c['wall_ms']:7.1f} ms", flush=True)
            if args.http_clients:
                import ckan.plugins.toolkit as tk
                token = tk.get_action("api_token_create")({"ignore_auth": True, "user": "authority"},
                                                         {"user": "authority", "name": "bench-http"})["token"]
                model_commit()
                print(f"\nthrough gunicorn (2 workers x 4 threads), {args.duration:g} s after {args.warmup:g} s warm-up:")
                result["http"] = http(ini, args, token)
        result["loadavg_end"] = os.getloadavg()
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
            print(f"wrote {args.out}")
    finally:
        os.unlink(ini)
    return 0


def model_commit() -> None:
    import ckan.model as model
    model.Session.commit()


if __name__ == "__main__":
    sys.exit(main())
