"""Faults (docs/resilience.md, "When a service fails"), each against a private service started by the fixtures (never
the shared stack): Solr stopped mid-run, Redis stopped, the jobs worker killed mid-job,
PostgreSQL restarted. They run in the default ``make test`` run (marker ``faults``).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import psycopg2
import pytest
import requests
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou import audit
from ckanext.liuzhou.ops import backup as bk
from tests.catalog.conftest import department_entry
from tests.conftest import make_user
from tests.sharing.conftest import CONSUMER, PROVIDER

from .services import VENV_BIN, PrivateServer, SmtpSink, ckan_cli

pytestmark = pytest.mark.faults


def token_of(user: str) -> str:
    return tk.get_action("api_token_create")({"ignore_auth": True}, {"user": user, "name": "faults"})["token"]


def api(base: str, token: str, action: str, method: str = "GET", **data) -> requests.Response:
    url = f"{base}/api/3/action/{action}"
    headers = {"Authorization": token}
    if method == "GET":
        return requests.get(url, params=data, headers=headers, timeout=120)
    return requests.post(url, json=data, headers=headers, timeout=120)


def db_rows(sql: str, **params) -> list:
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


# ---------------------------------------------------------------- Solr

def test_solr_stopped_mid_run(stack, world, drive, tmp_path, request):
    stack.start("solr")
    solr_url = stack.solr_url()
    done = ckan_cli("liuzhou", "reindex", env={"CKAN_SOLR_URL": solr_url})
    assert done.returncode == 0, done.stderr[-3000:]
    server = PrivateServer(request.config.getoption("--ckan-ini"), tmp_path / "gunicorn.log",
                           {"CKAN_SOLR_URL": solr_url}).start()
    try:
        editor = make_user(PROVIDER, "editor")["name"]
        token, consumer = token_of(editor), token_of(world.consumer_member)
        title = world.conditional["title"]
        found = api(server.url, consumer, "package_search", q=title)
        assert found.status_code == 200 and found.json()["result"]["count"] >= 1
        rid = drive("submitted")["id"]

        stack.stop("solr")
        page = requests.get(f"{server.url}/catalog/", params={"q": "人口"},
                            headers={"Authorization": consumer}, timeout=120)
        assert page.status_code == 503, (page.status_code, server.log_tail())
        assert page.headers.get("Retry-After") and 'data-service="search"' in page.text
        assert "搜索服务暂时不可用" in page.text
        search = api(server.url, consumer, "package_search", q="人口")
        assert search.status_code == 503 and search.json()["success"] is False
        assert search.json()["error"]["service"] == "search"
        # an entry's page counts its department's entries in Solr (CKAN's organization_show):
        # it says so too, never a 500; its data comes from PostgreSQL through the API
        entry = requests.get(f"{server.url}/catalog/{world.conditional['name']}",
                             headers={"Authorization": consumer}, timeout=120)
        assert entry.status_code == 200 or (entry.status_code == 503 and 'data-service="search"' in entry.text)
        assert api(server.url, consumer, "package_show", id=world.conditional["name"]).status_code == 200
        # what does not need Solr goes on: a decision, a new entry, an edit
        decided = api(server.url, token_of(world.provider_admin), "share_request_decide", "POST",
                      id=rid, decision="approve")
        assert decided.status_code == 200, decided.text
        created = api(server.url, token, "package_create", "POST",
                      **department_entry(PROVIDER, title="停机期间发布的目录", name="published-while-solr-down"))
        assert created.status_code == 200, (created.text[:2000], server.log_tail())
        patched = api(server.url, token, "package_patch", "POST", id=world.unconditional["id"],
                      title="派出所地址信息（停机期间修改）")
        assert patched.status_code == 200, patched.text[:2000]
        assert db_rows("SELECT count(*) FROM package WHERE name = 'published-while-solr-down' "
                       "AND state = 'active'") == [(1,)]

        stack.start("solr")
        assert api(server.url, consumer, "package_search", q="停机期间发布").json()["result"]["count"] == 0
        done = ckan_cli("liuzhou", "reindex", env={"CKAN_SOLR_URL": solr_url})
        assert done.returncode == 0, done.stderr[-3000:]
        assert "indexed again: 2," in done.stdout, done.stdout
        assert api(server.url, consumer, "package_search", q="停机期间发布").json()["result"]["count"] == 1
        assert api(server.url, consumer, "package_search",
                   q="派出所地址信息（停机期间修改）").json()["result"]["count"] >= 1
        again = ckan_cli("liuzhou", "reindex", env={"CKAN_SOLR_URL": solr_url})
        assert "indexed again: 0, removed: 0" in again.stdout, again.stdout
    finally:
        server.stop()
        if "solr" in stack.running:
            stack.stop("solr")


# ---------------------------------------------------------------- Redis and the jobs worker

@pytest.fixture
def private_queue(stack, monkeypatch):
    """E-mail on, to a recording SMTP server; CKAN's job queue on a private Redis."""
    from urllib.parse import urlparse

    from rq import connections as rq_connections

    import ckan.lib.jobs as ckan_jobs
    import ckan.lib.redis as ckan_redis

    sink = SmtpSink()
    stack.start("redis")
    monkeypatch.setitem(tk.config, "smtp.server", f"127.0.0.1:{sink.port}")
    monkeypatch.setitem(tk.config, "smtp.mail_from", "noreply@data.liuzhou.example")
    monkeypatch.setitem(tk.config, "ckanext.liuzhou.notifications.email", "true")
    monkeypatch.setitem(tk.config, "ckan.redis.url", stack.redis_url(0))
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)  # the pool is made once per URL
    # and CKAN caches each rq Queue with the connection it was first made on: a queue made by
    # an earlier test would still enqueue on the shared Redis, where no private worker looks
    monkeypatch.setattr(ckan_jobs, "_queues", {})
    yield sink
    # CKAN also pushes every connection it makes on rq's connection stack, where an rq Worker
    # made without one looks: leave none to the private Redis for the tests that follow
    private_port = urlparse(stack.redis_url(0)).port
    while (top := rq_connections.get_current_connection()) is not None \
            and top.connection_pool.connection_kwargs.get("port") == private_port:
        rq_connections.pop_connection()
    sink.close()
    if "redis" in stack.running:
        stack.stop("redis")


def worker_env(stack, sink) -> dict[str, str]:
    return {"CKAN_REDIS_URL": stack.redis_url(0), "CKAN_SMTP_SERVER": f"127.0.0.1:{sink.port}",
            "CKAN_SMTP_MAIL_FROM": "noreply@data.liuzhou.example"}


def mails_about(sink, rid: str) -> list[str]:
    """Recipients of the mails received about one share request (its link is in the body)."""
    import email
    from email import policy

    out = []
    for rcpts, raw in sink.messages:
        body = email.message_from_string(raw, policy=policy.default).get_body().get_content()
        if f"/sharing/request/{rid}" in body:
            out += rcpts
    return out


def expected_mails(rid: str) -> list[str]:
    from ckanext.liuzhou.notify import recipients
    from ckanext.liuzhou.sharing.model import ShareRequestEvent

    model.Session.remove()
    out = []
    for ev in model.Session.query(ShareRequestEvent).filter_by(share_request_id=rid):
        out += [u.email for _d, u in recipients(list(ev.notify or []), exclude=ev.actor_id)]
    return sorted(out)


def test_redis_stopped_jobs_wait_and_none_is_lost(stack, world, drive, call_as, private_queue):
    sink = private_queue
    stack.stop("redis")
    rid = drive("submitted")["id"]  # the job cannot be queued: logged, the request stands
    assert call_as(world.provider_admin, "share_request_decide", id=rid, decision="approve")["state"] == "approved"
    expected = expected_mails(rid)
    assert len(expected) >= 2

    stack.start("redis")  # empty: it keeps nothing across a restart
    retry = ckan_cli("liuzhou", "mail-retry", "--min-age", "0", env=worker_env(stack, sink))
    assert retry.returncode == 0 and "queued again" in retry.stdout, retry.stdout + retry.stderr[-2000:]
    work = ckan_cli("jobs", "worker", "--burst", env=worker_env(stack, sink))
    assert work.returncode == 0, work.stderr[-3000:]
    assert sorted(mails_about(sink, rid)) == expected  # every one, once

    # nothing left: a second sweep and worker send nothing more about it
    ckan_cli("liuzhou", "mail-retry", "--min-age", "0", env=worker_env(stack, sink))
    ckan_cli("jobs", "worker", "--burst", env=worker_env(stack, sink))
    assert sorted(mails_about(sink, rid)) == expected
    assert audit.verify().ok


def test_worker_killed_mid_job_reruns_without_sending_twice(stack, world, drive, private_queue):
    from bench.soak import descendants

    sink = private_queue
    for _ in range(2):  # the provider's admins who hear of a new request: at least three
        make_user(PROVIDER, "admin")
    rid = drive("submitted")["id"]  # its create event's job is queued (Redis is up)
    expected = expected_mails(rid)
    assert len(expected) >= 3
    sink.hold_after(len(sink.messages) + 1)  # the second mail of the job hangs
    env = {**os.environ, "CKAN_SQLALCHEMY_URL": tk.config["sqlalchemy.url"],
           "CKAN_SOLR_URL": tk.config["solr_url"], **worker_env(stack, sink)}
    worker = subprocess.Popen([str(VENV_BIN / "ckan"), "-c", tk.config["__file__"], "jobs", "worker"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        if not sink.held.wait(120):
            os.killpg(worker.pid, signal.SIGKILL)
            pytest.fail("the worker never reached the second mail; its log:\n"
                        + worker.communicate(timeout=30)[1].decode(errors="replace")[-3000:])
        # kill -9 the worker and the work horse it forked for the job (in a session of its own)
        for pid in [*descendants(worker.pid), worker.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.wait(30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    sink.release()
    assert len(mails_about(sink, rid)) == 1  # one mail went before the kill

    retry = ckan_cli("liuzhou", "mail-retry", "--min-age", "0", env=worker_env(stack, sink))
    assert retry.returncode == 0 and rid and "queued again" in retry.stdout, retry.stdout
    work = ckan_cli("jobs", "worker", "--burst", env=worker_env(stack, sink))
    assert work.returncode == 0, work.stderr[-3000:]
    assert sorted(mails_about(sink, rid)) == expected  # the rest, and the first not again


# ---------------------------------------------------------------- PostgreSQL

def test_postgres_restarted_requests_fail_cleanly_and_the_portal_recovers(stack, world, drive, tmp_path, request):
    rid = drive("submitted")["id"]
    provider, consumer = token_of(world.provider_admin), token_of(world.consumer_member)
    # a private PostgreSQL holding a copy of the test database
    stack.start("pg")
    stack.script("postgres.sh", "createdb", "ckan")
    source, target = bk.Db(tk.config["sqlalchemy.url"]), bk.Db(stack.pg_url("ckan"))
    dump = tmp_path / "copy.dump"
    subprocess.run([bk.pg_bin("pg_dump"), *source.args(), "-Fc", "--no-owner", "-f", str(dump)],
                   env=source.env(), check=True, capture_output=True)
    subprocess.run([bk.pg_bin("pg_restore"), *target.args(), "--no-owner", "--exit-on-error", str(dump)],
                   env=target.env(), check=True, capture_output=True)
    server = PrivateServer(request.config.getoption("--ckan-ini"), tmp_path / "gunicorn.log",
                           {"CKAN_SQLALCHEMY_URL": stack.pg_url("ckan")}).start()

    def private_rows(sql):
        conn = target.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, {"id": rid})
                return cur.fetchall()
        finally:
            conn.close()
    try:
        assert api(server.url, consumer, "share_request_show", id=rid).json()["result"]["state"] == "submitted"
        # a decision waits on the request's row lock (held here) when PostgreSQL goes down
        holder = target.connect()
        with holder.cursor() as cur:
            cur.execute("SELECT 1 FROM liuzhou_share_request WHERE id = %(id)s FOR UPDATE", {"id": rid})
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(1)
        pending = pool.submit(api, server.url, provider, "share_request_decide", "POST", id=rid, decision="approve")
        for _ in range(300):
            with holder.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND datname = 'ckan'")
                if cur.fetchone()[0]:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the decision never reached the row lock")
        stack.stop("pg")  # fast shutdown: every session is cut, the holder's too
        cut = pending.result(120)
        pool.shutdown()
        assert cut.status_code == 503, (cut.status_code, cut.text[:500], server.log_tail())
        assert cut.json()["success"] is False and cut.json()["error"]["service"] == "database"
        page = requests.get(f"{server.url}/sharing/request/{rid}", headers={"Authorization": consumer}, timeout=120)
        assert page.status_code == 503 and "平台暂时不可用" in page.text and page.headers.get("Retry-After")
        home = requests.get(f"{server.url}/catalog/", headers={"Authorization": consumer}, timeout=120)
        assert home.status_code == 503, home.status_code

        stack.start("pg")  # the same cluster again; the portal is not restarted
        shown = api(server.url, consumer, "share_request_show", id=rid)
        assert shown.status_code == 200 and shown.json()["result"]["state"] == "submitted", shown.text[:500]
        assert private_rows("SELECT event FROM liuzhou_share_request_event WHERE share_request_id = %(id)s") \
            == [("create",)]  # nothing half-written
        decided = api(server.url, provider, "share_request_decide", "POST", id=rid, decision="approve")
        assert decided.status_code == 200 and decided.json()["result"]["state"] == "approved"
        assert sorted(private_rows("SELECT event FROM liuzhou_share_request_event "
                                   "WHERE share_request_id = %(id)s")) == [("approve",), ("create",)]
        verified = ckan_cli("liuzhou", "audit", "verify", env={"CKAN_SQLALCHEMY_URL": stack.pg_url("ckan")})
        assert verified.returncode == 0, verified.stdout + verified.stderr[-2000:]

        # workers restarted while PostgreSQL is down cannot load CKAN (it reads the database as
        # it loads): they leave and are started again, and the server lives on (deploy/wsgi.py)
        stack.stop("pg")
        for pid in _children(server.process.pid):
            os.kill(pid, signal.SIGKILL)
        time.sleep(8)
        assert server.process.poll() is None, server.log_tail()
        assert "the database is unreachable while this worker starts" in server.log_path.read_text(errors="replace")
        stack.start("pg")
        server.wait_ready(120)
        again = api(server.url, consumer, "share_request_show", id=rid)
        assert again.status_code == 200 and again.json()["result"]["state"] == "approved", again.text[:500]
    finally:
        server.stop()
        stack.stop("pg")


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]
