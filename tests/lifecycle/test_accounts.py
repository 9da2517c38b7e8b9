"""Account requests (Art 12): a department's admin asks for a new, changed or cancelled
account; the Operator handles it within 2 working days, and approving changes the CKAN user."""
from __future__ import annotations

import uuid

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user

from .conftest import PROVIDER

pytestmark = pytest.mark.usefixtures("world")


def new_name() -> str:
    return f"gaj_{uuid.uuid4().hex[:8]}"


def ask(call_as, who, **over):
    data = {"kind": "create", "org": PROVIDER, "user_name": new_name(), "fullname": "张三",
            "email": "zhangsan@gaj.liuzhou.example", "role": "editor", "reason": "新入职的数据管理员"}
    data.update(over)
    return call_as(who, "account_request_create", **data)


def test_a_new_account_is_created_by_the_operator_within_2_working_days(call_as, world):
    with freeze_time("2026-03-06 02:00:00"):  # Friday
        req = ask(call_as, world.provider_admin)
    assert req["state"] == "submitted" and req["deadline_local"].startswith("2026-03-10T23:59:59")
    with freeze_time("2026-03-09 02:00:00"):
        done = call_as(world.operator, "account_request_decide", id=req["id"], decision="approve")
    assert done["state"] == "approved" and done["decision_on_time"] is True
    password = done["initial_password"]
    user = model.User.get(req["user_name"])
    assert user.state == "active" and user.fullname == "张三" and user.validate_password(password)
    from ckan import authz
    assert authz.users_role_for_group_or_org(PROVIDER, user.name) == "editor"
    assert "initial_password" not in call_as(world.operator, "account_request_show", id=req["id"])


def test_a_change_updates_the_user_and_its_role(call_as, world):
    user = make_user(PROVIDER, "member", fullname="李四")
    req = ask(call_as, world.provider_admin, kind="modify", user_name=user["name"], fullname="李四（科长）",
              email="", role="admin")
    call_as(world.operator, "account_request_decide", id=req["id"], decision="approve")
    model.Session.remove()
    from ckan import authz
    assert model.User.get(user["name"]).fullname == "李四（科长）"
    assert authz.users_role_for_group_or_org(PROVIDER, user["name"]) == "admin"


def test_a_cancellation_deactivates_the_user(call_as, world):
    user = make_user(PROVIDER, "member")
    req = ask(call_as, world.provider_admin, kind="cancel", user_name=user["name"], fullname="", email="", role="")
    done = call_as(world.operator, "account_request_decide", id=req["id"], decision="approve")
    assert done["state"] == "approved"
    model.Session.remove()
    assert model.User.get(user["name"]).state == "deleted"


def test_the_operator_may_reject_with_a_reason_and_a_late_decision_is_recorded(call_as, world):
    with freeze_time("2026-03-06 02:00:00"):
        req = ask(call_as, world.provider_admin)
    with freeze_time("2026-03-12 02:00:00"):
        assert call_as(world.operator, "account_request_show", id=req["id"])["overdue"] is True
        assert req["id"] in [r["id"] for r in call_as(world.operator, "account_request_list", overdue=True)["results"]]
        with pytest.raises(tk.ValidationError):
            call_as(world.operator, "account_request_decide", id=req["id"], decision="reject")
        done = call_as(world.operator, "account_request_decide", id=req["id"], decision="reject", notes="邮箱非政务邮箱")
    assert done["state"] == "rejected" and done["decision_on_time"] is False
    assert model.User.get(req["user_name"]) is None


@pytest.mark.parametrize("who", ["provider_editor", "consumer_admin", "operator"])
def test_only_the_departments_admin_asks_for_its_accounts(call_as, world, who):
    before = _submitted(call_as, world)
    with pytest.raises(tk.NotAuthorized):
        ask(call_as, getattr(world, who))
    assert _submitted(call_as, world) == before


@pytest.mark.parametrize("who", ["provider_admin", "authority", "consumer_admin"])
def test_only_the_operator_decides(call_as, world, who):
    req = ask(call_as, world.provider_admin)
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "account_request_decide", id=req["id"], decision="approve")


def _submitted(call_as, world) -> int:
    """Account requests saved, of every department and state."""
    from ckanext.liuzhou.lifecycle.model import AccountRequest

    model.Session.remove()
    return model.Session.query(AccountRequest.id).count()


def test_bad_requests_are_refused_and_nothing_saved(call_as, world):
    before = _submitted(call_as, world)
    with pytest.raises(tk.ValidationError) as e:
        ask(call_as, world.provider_admin, user_name=world.consumer_member)   # taken
    assert "user_name" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        ask(call_as, world.provider_admin, user_name="Bad Name!", email="")
    assert {"user_name", "email"} <= set(e.value.error_dict)
    with pytest.raises(tk.ValidationError) as e:  # not a user of this department
        ask(call_as, world.provider_admin, kind="cancel", user_name=world.consumer_member)
    assert "user_name" in e.value.error_dict
    assert _submitted(call_as, world) == before


def test_departments_see_their_own_requests(call_as, world):
    req = ask(call_as, world.provider_admin)
    assert req["id"] in [r["id"] for r in call_as(world.provider_admin, "account_request_list")["results"]]
    assert req["id"] not in [r["id"] for r in call_as(world.consumer_admin, "account_request_list")["results"]]
    with pytest.raises(tk.NotAuthorized):
        call_as(world.consumer_admin, "account_request_show", id=req["id"])


def test_a_deadline_in_2027_is_provisional_and_counted_again_on_confirmation(call_as, world):
    """Art 12's 2 WD reaching a year nobody has entered: counted on the statutory holidays, marked
    provisional, and counted again (on the request's timeline) when the Operator confirms the year."""
    from pathlib import Path

    from ckanext.liuzhou.calendar import store

    assert 2027 not in store.load().confirmed_years
    with freeze_time("2027-02-03 02:00:00"):  # Wednesday 3 February 2027
        req = ask(call_as, world.provider_admin)
    # Thu 4 (WD1); 除夕 Fri 5 – 初三 Mon 8 off by law; Tue 9 (WD2)
    assert req["deadline_local"].startswith("2027-02-09") and req["deadline_provisional"] is True
    text = (Path(__file__).parent.parent / "calendar" / "fixtures" / "notice-2027-test.txt").read_text(encoding="utf-8")
    with freeze_time("2027-02-03 03:00:00"):
        call_as(world.operator, "calendar_notice_apply", text=text, confirm=True)
    try:
        shown = call_as(world.provider_admin, "account_request_show", id=req["id"])
        # Thu 4 (WD1); 5–12 Feb off by the notice; Sat 13 (调休, WD2)
        assert shown["deadline_local"].startswith("2027-02-13") and shown["deadline_provisional"] is False
        recount = [e for e in shown["events"] if e["event"] == "deadline_recount"]
        assert len(recount) == 1 and recount[0]["detail"]["before"].startswith("2027-02-09")
    finally:
        call_as(world.operator, "calendar_year_confirm", year=2027, confirmed=False)
        for o in call_as(world.operator, "holiday_override_list", year=2027):
            call_as(world.operator, "holiday_override_delete", day=o["day"])
