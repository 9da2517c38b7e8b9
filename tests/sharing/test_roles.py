"""Each role may do its part of the workflow and nothing else (Art 4–8, 26, 31): forbidden calls
raise NotAuthorized (HTTP 403) before anything is read or written."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import MONDAY

pytestmark = pytest.mark.freeze_time(MONDAY)

ACTIONS = {
    "share_request_decide": {"decision": "approve"},
    "share_request_withdraw": {},
    "share_request_coordination_open": {"reason": "协调"},
    "share_request_coordination_close": {"meeting_date": "2026-03-02", "participants": ["甲"],
                                         "outcome": "continue", "notes": "x"},
    "share_request_deliver": {},
    "quality_issue_create": {"description": "x"},
    "quality_issue_resolve": {"resolution": "x"},
    "share_request_suspend": {"reason": "x"},
    "share_request_resume": {"reason": "x"},
    "share_request_terminate": {"reason": "x"},
    "share_request_expire": {},
    "share_request_show": {},
    "share_request_history": {},
}

# who may NOT call each action on a share request of 人社局 (consumer) for 公安局's (provider) entry
FORBIDDEN = {
    "share_request_decide": ["provider_editor", "consumer_admin", "consumer_member", "operator", "authority",
                             "other_admin", "county_authority"],
    "share_request_withdraw": ["consumer_scoped", "provider_admin", "operator", "authority", "other_admin"],
    "share_request_coordination_open": ["provider_admin", "operator", "authority", "other_admin"],
    "share_request_coordination_close": ["consumer_member", "consumer_admin", "provider_admin", "authority",
                                         "other_admin", "county_authority"],
    "share_request_deliver": ["consumer_admin", "provider_admin", "authority", "other_admin"],
    "quality_issue_create": ["provider_admin", "operator", "authority", "other_admin"],
    "quality_issue_resolve": ["provider_editor", "consumer_admin", "authority", "other_admin"],
    "share_request_suspend": ["provider_editor", "consumer_admin", "operator", "authority", "other_admin"],
    "share_request_resume": ["provider_editor", "consumer_admin", "operator", "authority", "other_admin"],
    "share_request_terminate": ["provider_editor", "consumer_admin", "operator", "authority", "other_admin"],
    "share_request_expire": ["provider_admin", "consumer_admin", "authority", "other_admin"],
    "share_request_show": ["other_admin", "county_authority"],
    "share_request_history": ["other_admin", "county_authority"],
}


def _count():
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return (conn.execute(sa.text("SELECT count(*) FROM liuzhou_share_request_event")).scalar(),
                conn.execute(sa.text("SELECT count(*) FROM liuzhou_audit_log")).scalar())


@pytest.fixture(scope="module")
def submitted(world):
    """One request of 人社局, refused calls never change it."""
    import ckan.plugins
    ckan.plugins.load_all()  # module fixtures run before the per-test with_plugins
    context = {"user": world.consumer_member, "ignore_auth": False}
    from freezegun import freeze_time
    with freeze_time(MONDAY):
        return tk.get_action("share_request_create")(context, {
            "package_id": world.conditional["id"], "purpose": "核验", "basis": "《社会保险法》",
            "scope_users": [world.consumer_member], "valid_until": "2027-01-31"})


@pytest.mark.parametrize("action", list(FORBIDDEN))
def test_forbidden(action, world, submitted, call_as):
    before = _count()
    let_through = []
    for who in FORBIDDEN[action]:
        try:
            call_as(getattr(world, who), action, id=submitted["id"], **ACTIONS[action])
            let_through.append(who)
        except tk.NotAuthorized:
            pass
        except tk.ValidationError as e:  # auth passed, then the state machine refused
            let_through.append(f"{who} ({e.error_dict})")
    assert let_through == []
    assert _count() == before


def test_anonymous_is_refused_everything(submitted, call_as):
    for action in list(ACTIONS) + ["share_request_create", "share_request_list",
                                   "share_request_suspension_list", "audit_log_list"]:
        with pytest.raises(tk.NotAuthorized):
            call_as(None, action, id=submitted["id"], **ACTIONS.get(action, {}))


def test_create_only_for_a_department_the_user_belongs_to(world, call_as, request_data):
    with pytest.raises(tk.NotAuthorized):
        call_as(world.consumer_member, "share_request_create", **request_data(consumer_org="lzsjyj"))
    loner = factories.User()["name"]
    with pytest.raises(tk.NotAuthorized):
        call_as(loner, "share_request_create", **request_data())


def test_the_parties_the_operator_and_the_authority_see_the_request(world, submitted, call_as):
    for who in ("consumer_admin", "consumer_member", "consumer_scoped", "provider_admin", "provider_editor",
                "operator", "authority"):
        assert call_as(getattr(world, who), "share_request_show", id=submitted["id"])["id"] == submitted["id"]
        assert call_as(getattr(world, who), "share_request_history", id=submitted["id"])[0]["event"] == "create"


def test_list_shows_each_user_only_what_they_may_see(world, submitted, call_as):
    ids = lambda who, **f: {r["id"] for r in call_as(getattr(world, who), "share_request_list", limit=1000, **f)["results"]}
    for who in ("consumer_member", "provider_admin", "operator", "authority"):
        assert submitted["id"] in ids(who)
    assert submitted["id"] not in ids("other_admin")
    assert submitted["id"] not in ids("county_authority")
    assert submitted["id"] in ids("consumer_member", mine=True)
    assert submitted["id"] not in ids("provider_admin", mine=True)
    assert submitted["id"] in ids("provider_admin", to_review=True)
    assert submitted["id"] not in ids("provider_editor", to_review=True)
    assert submitted["id"] not in ids("consumer_admin", to_review=True)
    assert submitted["id"] not in ids("operator", to_review=True)  # nothing for the Operator yet
    assert submitted["id"] in ids("authority", state="submitted")
    assert submitted["id"] not in ids("authority", state="approved")


def test_the_withdrawal_by_the_consumer_admin_and_a_fix_by_the_operator(world, call_as, drive):
    req = call_as(world.consumer_admin, "share_request_withdraw", id=drive("submitted")["id"])
    assert req["state"] == "withdrawn"
    req = call_as(world.operator, "quality_issue_resolve", id=drive("quality_issue")["id"], resolution="接口已修复")
    assert req["state"] == "fixed" and req["quality_issues"][0]["responsible"] == "operator"


def test_the_operator_sees_its_work_in_to_review(world, call_as, drive):
    approved = drive("approved")["id"]
    coordinating = drive("coordinating")["id"]
    todo = {r["id"] for r in call_as(world.operator, "share_request_list", to_review=True, limit=1000)["results"]}
    assert {approved, coordinating} <= todo


def test_audit_log_readers(world, submitted, call_as):
    for who in ("authority", "operator"):
        rows = call_as(getattr(world, who), "audit_log_list", share_request_id=submitted["id"])["results"]
        assert [r["action"] for r in rows] == ["share_request.create"]
    own = call_as(world.provider_admin, "audit_log_list")["results"]
    assert own and {r["provider_org"] for r in own} == {"lzsgaj"}
    # another department's admin sees nothing of this provider's data (the log is shared by the
    # whole test session: other packages' rows may concern this department's own entries)
    assert call_as(world.other_admin, "audit_log_list", share_request_id=submitted["id"])["count"] == 0
    assert call_as(world.other_admin, "audit_log_list", package_id=world.conditional["id"])["count"] == 0
    assert all(r["provider_org"] == "lzsjyj" for r in call_as(world.other_admin, "audit_log_list")["results"])
    for who in ("consumer_member", "provider_editor"):
        with pytest.raises(tk.NotAuthorized):
            call_as(getattr(world, who), "audit_log_list")
    assert call_as(world.authority, "audit_log_verify")["ok"] is True
    with pytest.raises(tk.NotAuthorized):
        call_as(world.provider_admin, "audit_log_verify")


def test_suspension_list_readers(world, call_as):
    for who in ("authority", "operator", "county_authority"):
        assert "results" in call_as(getattr(world, who), "share_request_suspension_list")
    for who in ("provider_admin", "consumer_admin", "other_admin"):
        with pytest.raises(tk.NotAuthorized):
            call_as(getattr(world, who), "share_request_suspension_list")
