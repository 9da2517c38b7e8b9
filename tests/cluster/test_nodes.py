"""Two web nodes, two workers and the scheduler share one state (docs/cluster.md): a session,
a form's CSRF token, an upload, the sign-in throttle, the audit chain, the job queue and the
scheduler's claim hold across processes, whichever node a request lands on."""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import subprocess
import time
import uuid

import requests

from bench.api import ApiError, call

ENTRY = "liu-zhou-shi-chang-zhu-ren-kou-ji-chu-xin-xi"  # a conditional entry of 市公安局 (demo)


def test_a_sign_in_on_node_1_is_a_sign_in_on_node_2(cluster):
    http = cluster.login(cluster.web(1), "consumer_member")
    assert http.get(f"{cluster.web(2)}/dashboard/datasets", allow_redirects=False).status_code == 200
    # without the session cookie node 2 sends the visitor to the sign-in form
    anon = requests.get(f"{cluster.web(2)}/dashboard/datasets", allow_redirects=False)
    assert anon.status_code == 302 and "/user/login" in anon.headers["location"]


def test_a_csrf_token_from_node_1_is_accepted_by_node_2(cluster):
    """A POST of a signed-in browser (the session cookie, no API token) needs the CSRF token of
    its session: the token a page of node 1 gave is good on node 2."""
    http = cluster.login(cluster.web(1), "consumer_member")
    token = cluster.csrf(http.get(f"{cluster.web(1)}/dashboard/datasets").text)
    r = http.post(f"{cluster.web(2)}/api/3/action/user_show", json={"id": "consumer_member"},
                  headers={"X-CSRFToken": token})
    assert r.status_code == 200 and r.json()["result"]["name"] == "consumer_member"


def test_a_missing_or_forged_csrf_token_is_refused_by_either_node(cluster):
    http = cluster.login(cluster.web(1), "consumer_member")
    token = cluster.csrf(http.get(f"{cluster.web(1)}/dashboard/datasets").text)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for n in (1, 2):
        for headers in ({}, {"X-CSRFToken": forged}):
            r = http.post(f"{cluster.web(n)}/api/3/action/user_show", json={"id": "consumer_member"},
                          headers=headers)
            assert r.status_code == 400, (n, headers, r.status_code)


def test_an_upload_through_node_1_is_downloaded_from_node_2_by_whom_may_read_it(cluster, tokens):
    body = ("编号,名称\n" + "".join(f"{i},记录{i}\n" for i in range(500))).encode()
    r = requests.post(f"{cluster.web(1)}/api/3/action/resource_create",
                      headers={"Authorization": tokens["provider_admin"]},
                      data={"package_id": ENTRY, "name": "集群上传测试", "format": "CSV", "resource_type": "file"},
                      files={"upload": ("cluster-upload.csv", body, "text/csv")})
    assert r.status_code == 200, r.text[:500]
    res = r.json()["result"]
    try:
        # the access layer keeps resource locations out of the API: the download route is CKAN's
        path = f"{res['package_id']}/resource/{res['id']}/download/cluster-upload.csv"
        got = requests.get(f"{cluster.web(2)}/dataset/{path}", headers={"Authorization": tokens["provider_admin"]})
        assert got.status_code == 200 and got.content == body
        # a department with no approved request reads nothing of a conditional entry, on either node
        for n in (1, 2):
            denied = requests.get(f"{cluster.web(n)}/dataset/{path}",
                                  headers={"Authorization": tokens["consumer_member"]}, allow_redirects=False)
            assert denied.status_code in (403, 404), (n, denied.status_code)
            assert denied.content != body
    finally:  # tidy; SolrCloud's HAProxy may cut an index update while a node recovers (502): again
        for attempt in range(3):
            try:
                call(cluster.web(2), "resource_delete", {"id": res["id"]}, token=tokens["provider_admin"])
                break
            except ApiError:
                if attempt == 2:
                    raise
                time.sleep(5)


def test_failed_sign_ins_are_counted_across_nodes(cluster):
    user = "county_authority"
    limit = int(cluster.config().get("ckanext.liuzhou.security.login_max_failures", 5))
    key = f"{cluster.config().get('ckan.site_id', 'liuzhou')}:liuzhou:login-failures:" + \
        hashlib.sha256(user.encode()).hexdigest()
    cluster.redis().delete(key)
    try:
        for i in range(limit):  # alternately on each node: neither sees `limit` failures alone
            http = requests.Session()
            base = cluster.web(1 + i % 2)
            token = cluster.csrf(http.get(f"{base}/user/login").text)
            http.post(f"{base}/user/login", data={"login": user, "password": "wrong", "_csrf_token": token})
        assert int(cluster.redis().get(key)) == limit
        for n in (1, 2):  # now even the right password is refused, on both nodes
            http = requests.Session()
            token = cluster.csrf(http.get(f"{cluster.web(n)}/user/login").text)
            r = http.post(f"{cluster.web(n)}/user/login", allow_redirects=False,
                          data={"login": user, "password": "Liuzhou@2026", "_csrf_token": token})
            assert r.status_code == 429, (n, r.status_code)
    finally:
        cluster.redis().delete(key)
    cluster.login(cluster.web(2), user)  # the lock was the counter: gone with it


def _audit_rows(cluster) -> int:
    with cluster.pg() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM liuzhou_audit_log")
        return cur.fetchone()[0]


def test_two_nodes_appending_at_once_leave_a_chain_that_verifies(cluster, tokens):
    before = _audit_rows(cluster)
    until = (dt.date.today() + dt.timedelta(days=90)).isoformat()

    def ask(i):
        return call(cluster.web(1 + i % 2), "share_request_create", {
            "package_id": ENTRY, "purpose": f"集群并发测试 {i}", "basis": "《柳州市政务数据共享管理办法》",
            "scope_users": ["consumer_member"], "valid_until": until,
            "idempotency_key": uuid.uuid4().hex}, token=tokens["consumer_admin"])["id"]

    with cf.ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(ask, range(24)))
    assert len(set(ids)) == 24
    assert _audit_rows(cluster) >= before + 24
    ok, line = cluster.verify_audit()
    assert ok, line
    with cf.ThreadPoolExecutor(8) as pool:  # and withdrawn again, as concurrently
        list(pool.map(lambda p: call(cluster.web(1 + p[0] % 2), "share_request_withdraw", {"id": p[1]},
                                     token=tokens["consumer_admin"]), enumerate(ids)))
    ok, line = cluster.verify_audit()
    assert ok, line


def test_two_workers_share_the_queue_and_never_run_a_job_twice(cluster, tmp_path_factory):
    out = cluster.dir / f"jobs-{uuid.uuid4().hex[:8]}.txt"
    q = cluster.queue()
    jobs = [q.enqueue("bench.cluster.record", str(out), f"t{i}", 0.2, job_timeout=60) for i in range(30)]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not all(j.get_status(refresh=True) in ("finished", "failed") for j in jobs):
        time.sleep(0.5)
    assert [j.get_status() for j in jobs] == ["finished"] * 30
    lines = out.read_text().split("\n")[:-1]
    out.unlink()
    runs = [ln.split()[0] for ln in lines]
    assert sorted(runs) == sorted(f"t{i}" for i in range(30))  # each job once
    assert len({ln.split()[1] for ln in lines}) == 2  # and both workers took some


def test_the_scheduler_runs_a_task_once_when_two_schedulers_call_it(cluster):
    tasks = ("deadlines", "evaluation")
    with cluster.pg() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM system_info WHERE key = ANY(%s)",
                    ([f"liuzhou.schedule.{t}.last_run" for t in tasks],))
    loop_log = cluster.dir / "log" / "scheduler.log"
    loop_before = loop_log.read_text() if loop_log.exists() else ""
    cmd = [str(cluster.env()["VENV"]) + "/bin/ckan", "-c", str(cluster.ini), "liuzhou", "schedule", "run"]
    for t in tasks:
        cmd += ["--task", t]
    procs = [subprocess.Popen(cmd, env=cluster.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    loop_new = (loop_log.read_text() if loop_log.exists() else "")[len(loop_before):]
    for t in tasks:
        ran = sum(1 for text in [*outputs, loop_new] for ln in text.splitlines() if ln.split()[:1] == [t])
        assert ran == 1, (t, outputs, loop_new)


def test_an_api_error_on_one_node_is_the_same_on_the_other(cluster, tokens):
    """Authorisation is decided from the shared database: the consumer's admin may not verify the
    audit log on either node; the Authority may, on both."""
    for n in (1, 2):
        try:
            call(cluster.web(n), "audit_log_verify", {}, token=tokens["consumer_admin"])
            raise AssertionError("allowed")
        except ApiError as e:
            assert e.status == 403
        assert call(cluster.web(n), "audit_log_verify", {}, token=tokens["authority"])["ok"] is True
