"""Racing decisions on one request result in exactly one transition (the row lock serializes them)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.sharing import workflow

from .conftest import MONDAY

pytestmark = pytest.mark.freeze_time(MONDAY)


def race(monkeypatch, calls):
    """Run the calls in threads that all reach the row lock together; return their outcomes."""
    barrier = threading.Barrier(len(calls), timeout=20)
    real_load = workflow.load

    def load(request_id, lock=False):
        if lock:
            barrier.wait()  # every caller has passed its auth check and now asks for the lock
        return real_load(request_id, lock=lock)
    monkeypatch.setattr(workflow, "load", load)

    outcomes: list = [None] * len(calls)

    def run(i, user, action, data):
        try:
            outcomes[i] = tk.get_action(action)({"user": user, "ignore_auth": False}, dict(data))["state"]
        except tk.ValidationError as e:
            outcomes[i] = e
        finally:
            model.Session.remove()
    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def events(rid):
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text(
            "SELECT event FROM liuzhou_share_request_event WHERE share_request_id = :id ORDER BY id"), {"id": rid})]


def test_approve_and_reject_at_once_one_wins(world, drive, monkeypatch):
    rid = drive("submitted")["id"]
    model.Session.remove()
    outcomes = race(monkeypatch, [
        (world.provider_admin, "share_request_decide", {"id": rid, "decision": "approve"}),
        (world.provider_admin, "share_request_decide", {"id": rid, "decision": "reject",
                                                        "reason_code": "other", "reason": "不同意"}),
    ])
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, tk.ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert f"it is {winners[0]}" in losers[0].error_dict["state"][0]
    assert events(rid) == ["create", "approve" if winners[0] == "approved" else "reject"]


def test_five_simultaneous_approvals_make_one_transition(world, drive, monkeypatch):
    rid = drive("submitted")["id"]
    model.Session.remove()
    outcomes = race(monkeypatch, [(world.provider_admin, "share_request_decide",
                                   {"id": rid, "decision": "approve"})] * 5)
    assert sum(o == "approved" for o in outcomes) == 1, outcomes
    assert events(rid) == ["create", "approve"]
    from ckanext.liuzhou import audit
    assert audit.verify().ok
