"""Each transition by each role, allowed and forbidden (Art 4–8, 26, 31), on a share request
of 人社局 (consumer) for a conditional entry of 公安局 (provider).

For every action the table names the roles that may take it; every other role of the World is
refused with NotAuthorized (HTTP 403), tried on a request in a state the transition starts
from (so the refusal is the role's, not the state machine's), and nothing is written. Each
allowed role takes the step once on a fresh request and the timeline records it under its
role. (Sysadmins pass every auth function in CKAN; no workflow needs them. The Authority's and
the county authority's closing of a not-shared negotiation: test_county_and_negotiation.py.)
"""
from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from .conftest import MONDAY

pytestmark = pytest.mark.freeze_time(MONDAY)

ROLES = ("provider_admin", "provider_editor", "consumer_admin", "consumer_member", "consumer_scoped",
         "other_admin", "operator", "authority", "county_authority", "county_dept_admin")
EXPIRY_DAY = "2026-04-02 02:00:00"  # after the validity (to 31 March) of the requests to expire

# action → (state it starts from, data, roles allowed, state it leads to, role in the timeline)
MATRIX = {
    "share_request_decide": ("submitted", {"decision": "approve"}, {"provider_admin"}, "approved", "provider"),
    "share_request_withdraw": ("submitted", {}, {"consumer_member", "consumer_admin"}, "withdrawn", "consumer"),
    "share_request_coordination_open": ("submitted", {"reason": "请求协调"},
                                        {"consumer_admin", "consumer_member", "consumer_scoped"},
                                        "coordinating", "consumer"),
    "share_request_coordination_close": ("coordinating", {"meeting_date": "2026-03-02", "participants": ["甲", "乙"],
                                                          "outcome": "continue", "notes": "维持原状"},
                                         {"operator"}, "submitted", "operator"),
    "share_request_deliver": ("approved", {}, {"operator"}, "delivered", "operator"),
    "quality_issue_create": ("delivered", {"description": "部分记录为空"},
                             {"consumer_admin", "consumer_member", "consumer_scoped"}, "quality_issue", "consumer"),
    "quality_issue_resolve": ("quality_issue", {"resolution": "已补全"}, {"provider_admin", "operator"},
                              "fixed", None),
    "share_request_suspend": ("delivered", {"reason": "超范围使用"}, {"provider_admin"}, "suspended", "provider"),
    "share_request_resume": ("suspended", {"reason": "已整改"}, {"provider_admin"}, "delivered", "provider"),
    "share_request_terminate": ("delivered", {"reason": "再次违规"}, {"provider_admin"}, "terminated", "provider"),
    "share_request_expire": ("delivered", {}, {"operator"}, "expired", "operator"),
}
# who may see a request (and its timeline); the rest get 403
VIEWERS = {"provider_admin", "provider_editor", "consumer_admin", "consumer_member", "consumer_scoped",
           "operator", "authority"}


def written() -> tuple[int, int]:
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return (conn.execute(sa.text("SELECT count(*) FROM liuzhou_share_request_event")).scalar(),
                conn.execute(sa.text("SELECT count(*) FROM liuzhou_audit_log")).scalar())


def prepared(drive, action):
    state = MATRIX[action][0]
    over = {"valid_until": "2026-03-31"} if action == "share_request_expire" else {}
    return drive(state, **over)


def at_the_time_of(action):
    return freeze_time(EXPIRY_DAY) if action == "share_request_expire" else freeze_time(MONDAY)


def test_every_role_of_the_world_is_in_the_table(world):
    """A user the World gains is tried as a forbidden caller of every action: ROLES names every
    user of the World but the sysadmin (who passes every auth function in CKAN)."""
    users = {f.name for f in dataclasses.fields(world) if isinstance(getattr(world, f.name), str)}
    assert set(ROLES) == users - {"sysadmin"}
    assert len(ROLES) == len(set(ROLES))
    for action, (_s, _d, allowed, _t, _r) in MATRIX.items():
        assert allowed <= set(ROLES), action
    assert VIEWERS <= set(ROLES)


@pytest.mark.parametrize("action", list(MATRIX))
def test_forbidden_roles_are_refused_and_nothing_is_written(action, world, call_as, drive):
    _state, data, allowed, _to, _role = MATRIX[action]
    rid = prepared(drive, action)["id"]
    before = written()
    let_through = []
    with at_the_time_of(action):
        for role in sorted(set(ROLES) - allowed):
            try:
                call_as(getattr(world, role), action, id=rid, **data)
                let_through.append(role)
            except tk.NotAuthorized:
                pass
            except tk.ValidationError as e:  # auth passed: the role was let through
                let_through.append(f"{role} ({e.error_dict})")
    assert let_through == [], action
    assert written() == before
    with pytest.raises(tk.NotAuthorized):
        call_as(None, action, id=rid, **data)


@pytest.mark.parametrize("action,role", [(a, r) for a, m in MATRIX.items() for r in sorted(m[2])])
def test_each_allowed_role_takes_its_step(action, role, world, call_as, drive):
    _state, data, _allowed, to_state, timeline_role = MATRIX[action]
    rid = prepared(drive, action)["id"]
    with at_the_time_of(action):
        req = call_as(getattr(world, role), action, id=rid, **data)
        history = call_as(world.authority, "share_request_history", id=rid)
    assert req["state"] == to_state
    last = history[-1]
    assert last["actor"] == getattr(world, role) and last["to_state"] == to_state
    expected_role = timeline_role or ("provider" if role == "provider_admin" else "operator")
    assert last["actor_role"] == expected_role


def test_who_sees_a_request_and_its_timeline(world, call_as, drive):
    rid = drive("delivered")["id"]
    for role in ROLES:
        user = getattr(world, role)
        if role in VIEWERS:
            assert call_as(user, "share_request_show", id=rid)["id"] == rid
            assert call_as(user, "share_request_history", id=rid)[0]["event"] == "create"
            assert rid in {r["id"] for r in call_as(user, "share_request_list", limit=1000)["results"]}
        else:
            for action in ("share_request_show", "share_request_history"):
                with pytest.raises(tk.NotAuthorized):
                    call_as(user, action, id=rid)
            assert rid not in {r["id"] for r in call_as(user, "share_request_list", limit=1000)["results"]}
