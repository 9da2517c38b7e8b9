"""Races (docs/resilience.md, double submissions): decisions, deliveries and suspensions racing on one share request,
parallel resource-code assignment and the same form POSTed twice at once, against the real
database. Each racer runs in its own thread with its own scoped session (its own connection),
or in a gunicorn worker process for the HTTP cases; all of them reach the contested row
together (a barrier in front of the row lock). Exactly one effect each: one transition, one
timeline event, one audit row, one delivery, one new request.
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou import audit
from ckanext.liuzhou.sharing import workflow
from tests.catalog.conftest import department_entry
from tests.conftest import make_user
from tests.sharing.conftest import CONSUMER, PROVIDER

from .conftest import PASSWORD, csrf_token, sign_in


# ---------------------------------------------------------------- helpers

def race(monkeypatch, calls):
    """Run ``(user, action, data)`` calls in threads that ask for the request's row lock together.

    Returns each call's resulting state, or the ValidationError it got.
    """
    barrier = threading.Barrier(len(calls), timeout=30)
    real_load = workflow.load

    def load(request_id, lock=False):
        if lock:
            barrier.wait()  # every racer passed its auth check and validation: now the lock
        return real_load(request_id, lock=lock)
    monkeypatch.setattr(workflow, "load", load)
    outcomes: list = [None] * len(calls)

    def run(i, user, action, data):
        try:
            outcomes[i] = tk.get_action(action)({"user": user, "ignore_auth": False}, dict(data))["state"]
        except tk.ValidationError as e:
            outcomes[i] = e
        except Exception as e:  # noqa: BLE001 - any other outcome fails the test below
            outcomes[i] = repr(e)
        finally:
            model.Session.remove()
    model.Session.remove()
    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def rows(sql: str, **params) -> list:
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def events(rid: str) -> list[str]:
    return [r[0] for r in rows("SELECT event FROM liuzhou_share_request_event "
                               "WHERE share_request_id = :id ORDER BY id", id=rid)]


def audit_actions(rid: str) -> list[str]:
    return [r[0] for r in rows("SELECT action FROM liuzhou_audit_log WHERE share_request_id = :id "
                               "AND action LIKE 'share_request.%' ORDER BY id", id=rid)]


def winners_and_losers(outcomes):
    winners = [o for o in outcomes if isinstance(o, str) and o in workflow.states.STATES]
    losers = [o for o in outcomes if isinstance(o, tk.ValidationError)]
    assert len(winners) + len(losers) == len(outcomes), outcomes  # nothing else (no 500s)
    return winners, losers


# ---------------------------------------------------------------- actions, in threads

@pytest.mark.freeze_time("2026-03-02 02:00:00")
class TestTransitions:
    def test_six_decisions_at_once_one_transition(self, world, drive, monkeypatch):
        rid = drive("submitted")["id"]
        calls = [(world.provider_admin, "share_request_decide", {"id": rid, "decision": "approve"})] * 3 + \
                [(world.provider_admin, "share_request_decide",
                  {"id": rid, "decision": "reject", "reason_code": "other", "reason": "不同意"})] * 3
        winners, losers = winners_and_losers(race(monkeypatch, calls))
        assert len(winners) == 1 and len(losers) == 5
        event = "approve" if winners[0] == "approved" else "reject"
        assert events(rid) == ["create", event]
        assert audit_actions(rid) == ["share_request.create", f"share_request.{event}"]
        assert all(f"it is {winners[0]}" in e.error_dict["state"][0] for e in losers)

    def test_four_deliveries_at_once_one_delivery(self, world, drive, monkeypatch):
        rid = drive("approved")["id"]
        winners, losers = winners_and_losers(race(monkeypatch, [
            (world.operator, "share_request_deliver", {"id": rid, "notes": f"第{i}次"}) for i in range(4)]))
        assert winners == ["delivered"] and len(losers) == 3
        assert rows("SELECT number FROM liuzhou_delivery WHERE share_request_id = :id", id=rid) == [(1,)]
        assert events(rid) == ["create", "approve", "deliver"]

    def test_four_suspensions_at_once_one_suspension(self, world, drive, monkeypatch):
        rid = drive("delivered")["id"]
        winners, losers = winners_and_losers(race(monkeypatch, [
            (world.provider_admin, "share_request_suspend", {"id": rid, "reason": f"核查{i}"}) for i in range(4)]))
        assert winners == ["suspended"] and len(losers) == 3
        assert events(rid).count("suspend") == 1
        # Art 33.1: one unauthorised-stop flag, not four
        assert rows("SELECT count(*) FROM liuzhou_audit_log WHERE share_request_id = :id "
                    "AND action = 'share_request.suspend'", id=rid) == [(1,)]

    def test_suspend_terminate_resume_and_quality_issue_at_once(self, world, drive, monkeypatch):
        """Different steps on a delivered request: the first to lock wins, the rest see its state."""
        rid = drive("delivered")["id"]
        outcomes = race(monkeypatch, [
            (world.provider_admin, "share_request_suspend", {"id": rid, "reason": "核查"}),
            (world.provider_admin, "share_request_terminate", {"id": rid, "reason": "终止"}),
            (world.consumer_member, "quality_issue_create", {"id": rid, "description": "数据缺失"}),
            (world.operator, "share_request_deliver", {"id": rid}),
        ])
        winners, losers = winners_and_losers(outcomes)
        # deliver is never legal from delivered; of the others, a second may follow the first
        # (terminate after suspend or after a quality issue) but never the same step twice
        seen = events(rid)[3:]
        assert len(seen) == len(winners) >= 1 and len(set(seen)) == len(seen), (outcomes, seen)
        assert "deliver" not in seen
        final = rows("SELECT state FROM liuzhou_share_request WHERE id = :id", id=rid)[0][0]
        assert final == winners[-1] or final in winners
        assert audit.verify().ok

    def test_withdraw_and_approve_at_once(self, world, drive, monkeypatch):
        rid = drive("submitted")["id"]
        winners, losers = winners_and_losers(race(monkeypatch, [
            (world.consumer_member, "share_request_withdraw", {"id": rid}),
            (world.provider_admin, "share_request_decide", {"id": rid, "decision": "approve"}),
        ]))
        assert len(winners) == 1 and len(losers) == 1
        assert len(events(rid)) == 2


def test_parallel_resource_code_assignment(world):
    """Eight editors of one department publish at once: eight distinct, consecutive codes."""
    editors = [make_user("lzsjtysj", "editor")["name"] for _ in range(8)]
    tk.check_access("package_create", {"user": editors[0]}, {"owner_org": "lzsjtysj"})
    model.Session.remove()
    barrier = threading.Barrier(len(editors), timeout=30)

    def create(i):
        try:
            barrier.wait()
            return tk.get_action("package_create")({"user": editors[i], "ignore_auth": False},
                                                   department_entry("lzsjtysj", title=f"并发发布 {i}",
                                                                    name=f"race-code-{i}"))["resource_code"]
        except Exception as e:  # noqa: BLE001
            return repr(e)
        finally:
            model.Session.remove()
    with ThreadPoolExecutor(len(editors)) as pool:
        codes = list(pool.map(create, range(len(editors))))
    assert all("/" in c for c in codes), codes
    prefixes = {c.split("/")[0] for c in codes}
    sequences = sorted(int(c.split("/")[1]) for c in codes)
    assert len(prefixes) == 1 and sequences == list(range(sequences[0], sequences[0] + len(codes))), codes
    issued = rows("SELECT count(*) FROM liuzhou_resource_code WHERE prefix = :p", p=prefixes.pop())
    assert issued == [(len(codes),)]


# ---------------------------------------------------------------- the same form twice, over HTTP

def post_twice(session: requests.Session, url: str, data: dict, follow: bool = False) -> list[requests.Response]:
    """The same POST (same cookie, same CSRF token, same body) sent twice at once."""
    barrier = threading.Barrier(2, timeout=30)

    def post(_):
        twin = requests.Session()
        twin.cookies.update(session.cookies)
        barrier.wait()
        return twin.post(url, data=data, timeout=120, allow_redirects=follow)
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(post, range(2)))


@pytest.fixture(scope="module")
def http_users(world):
    return {
        "provider_admin": make_user(PROVIDER, "admin", password=PASSWORD)["name"],
        "consumer": make_user(CONSUMER, "member", password=PASSWORD)["name"],
        "operator": make_user("lzsxxhjsglzx", "member", password=PASSWORD)["name"],
    }


@pytest.mark.parametrize("state, step, who, data, event", [
    ("submitted", "decide", "provider_admin", {"decision": "approve"}, "approve"),
    ("approved", "deliver", "operator", {"notes": "已开通"}, "deliver"),
    ("delivered", "suspend", "provider_admin", {"reason": "核查使用情况"}, "suspend"),
    ("delivered", "quality_issue", "consumer", {"description": "字段缺失"}, "quality_issue"),
    ("submitted", "coordination_open", "consumer", {"reason": "需要协调"}, "coordination_open"),
])
def test_double_submitted_step_form_has_one_effect(live_server, world, drive, http_users,
                                                   state, step, who, data, event):
    rid = drive(state, scope_users=[world.consumer_member, http_users["consumer"]])["id"]
    session = sign_in(live_server.url, http_users[who])
    page = session.get(f"{live_server.url}/sharing/request/{rid}", timeout=60)
    assert f'id="step-{step}"' in page.text, f"{who} has no {step} form"
    responses = post_twice(session, f"{live_server.url}/sharing/request/{rid}/{step}",
                           {**data, "_csrf_token": csrf_token(page.text)}, follow=True)
    # both land on the request's page: one says the step is done, the other why it was refused
    assert [r.status_code for r in responses] == [200, 200], live_server.log_tail()
    assert all(r.url.endswith(f"/sharing/request/{rid}") for r in responses)
    refusals = [r for r in responses if "alert-error" in r.text or "alert-danger" in r.text]
    assert len(refusals) == 1, [r.text[:2000] for r in responses]
    assert events(rid).count(event) == 1
    assert audit_actions(rid).count(f"share_request.{event}") == 1


def test_double_submitted_request_form_makes_one_request(live_server, world, http_users):
    """The 申请共享 form POSTed twice at once creates one request; the second lands on it."""
    session = sign_in(live_server.url, http_users["consumer"])
    url = f"{live_server.url}/sharing/new/{world.conditional['name']}"
    form = session.get(url, timeout=60)
    assert form.ok
    purpose = "重复提交测试：核验参保人身份"
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', form.text).group(1)
    data = {"_csrf_token": csrf_token(form.text), "form_token": token, "consumer_org": CONSUMER, "purpose": purpose,
            "basis": "《社会保险法》第七十四条", "scope_users": http_users["consumer"],
            "information_items": ["gmsfhm", "xm"], "valid_until": "2027-06-30", "sharing_method": "platform"}
    before = rows("SELECT count(*) FROM liuzhou_share_request WHERE purpose = :p", p=purpose)[0][0]
    responses = post_twice(session, url, data)
    assert [r.status_code for r in responses] in ([302, 302], [303, 303]), \
        ([(r.status_code, r.text[:300]) for r in responses], live_server.log_tail())
    made = rows("SELECT id FROM liuzhou_share_request WHERE purpose = :p", p=purpose)
    assert len(made) == before + 1
    # both land on the one request's page
    assert {re.search(r"/sharing/request/([^/?#]+)", r.headers["Location"]).group(1)
            for r in responses} == {made[-1][0]}
    assert audit_actions(made[-1][0]) == ["share_request.create"]
