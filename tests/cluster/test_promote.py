"""The promotion drill (docs/cluster.md, scripts/cluster/promote.sh): the primary stops, the
standby is promoted and CKAN repointed; every write the portal confirmed before and during the
switch is read back after it, and the old primary rejoins as the new standby."""
from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

from bench.api import ApiError, call

ENTRY = "liu-zhou-shi-chang-zhu-ren-kou-ji-chu-xin-xi"


def _ask(cluster, token, i):
    return call(cluster.lb, "share_request_create", {
        "package_id": ENTRY, "purpose": f"主备切换演练 {i}", "basis": "《柳州市政务数据共享管理办法》",
        "scope_users": ["consumer_member"], "valid_until": (dt.date.today() + dt.timedelta(days=90)).isoformat(),
        "idempotency_key": uuid.uuid4().hex}, token=token, timeout=30)["id"]


def _in_recovery(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        return cur.fetchone()[0]


def test_a_promotion_loses_no_committed_write(cluster, tokens):
    token = tokens["consumer_admin"]
    old_port = cluster.config()["sqlalchemy.url"]
    confirmed = [_ask(cluster, token, i) for i in range(5)]  # before
    failed = []
    stop = threading.Event()

    def keep_writing():  # during: confirmed or refused, never half-done
        i = 100
        while not stop.is_set():
            try:
                confirmed.append(_ask(cluster, token, i))
            except (ApiError, OSError) as e:
                failed.append(type(e).__name__)
            except Exception as e:  # noqa: BLE001 — requests' connection errors
                failed.append(type(e).__name__)
            i += 1
            time.sleep(0.05)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        out = cluster.script("promote", "--rejoin", timeout=900, check=False)
    finally:
        stop.set()
        writer.join()
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert cluster.config()["sqlalchemy.url"] != old_port  # CKAN writes to the other server now

    with cluster.pg() as primary, cluster.pg(standby=True) as standby:
        assert not _in_recovery(primary) and _in_recovery(standby)
        with primary.cursor() as cur:
            cur.execute("SELECT id FROM liuzhou_share_request WHERE id = ANY(%s)", (confirmed,))
            found = {r[0] for r in cur.fetchall()}
    assert found == set(confirmed), f"lost: {set(confirmed) - found}; refused during the switch: {len(failed)}"
    # readable through the portal, and the portal writes again
    for rid in confirmed[:5] + confirmed[-3:]:
        assert call(cluster.lb, "share_request_show", {"id": rid}, token=token)["id"] == rid
    after = _ask(cluster, token, 999)
    for rid in [*confirmed, after]:
        call(cluster.lb, "share_request_withdraw", {"id": rid}, token=token)
    # the new standby follows the new primary
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with cluster.pg(standby=True) as standby, standby.cursor() as cur:
            cur.execute("SELECT count(*) FROM liuzhou_share_request WHERE id = %s", (after,))
            if cur.fetchone()[0] == 1:
                break
        time.sleep(0.5)
    else:
        raise AssertionError("the rejoined standby did not replay the write made after the promotion")
    ok, line = cluster.verify_audit()
    assert ok, line
    print(f"promotion: {len(confirmed)} writes confirmed and all found after it, {len(failed)} refused during it")
