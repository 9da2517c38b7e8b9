"""The Operator corrects the calendar for years chinesecalendar does not know yet: single days
(holidays, adjusted working weekends) and a confirmation that the year is complete."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from ckanext.liuzhou.calendar import store
from ckanext.liuzhou.calendar.workdays import TZ, UnknownCalendarYear

import ckan.model as model
from tests.conftest import make_user

OPERATOR, AUTHORITY = "lzsxxhjsglzx", "lzsdsjfzj"


@pytest.fixture(scope="module")
def people(departments):
    return {"operator": make_user(OPERATOR, "member")["name"],
            "authority": make_user(AUTHORITY, "admin")["name"],
            "department": make_user("lzsgaj", "admin")["name"]}


def test_only_the_operator_changes_the_calendar(people, call_as):
    for who in ("authority", "department"):
        for action, data in (("holiday_override_set", {"day": "2027-02-08", "workday": False}),
                             ("holiday_override_delete", {"day": "2027-02-08"}),
                             ("calendar_year_confirm", {"year": 2027})):
            with pytest.raises(tk.NotAuthorized):
                call_as(people[who], action, **data)
    with pytest.raises(tk.NotAuthorized):
        call_as(None, "holiday_override_list")
    assert call_as(people["department"], "holiday_override_list") == []


def test_overrides_and_confirmation_make_an_unknown_year_countable(people, call_as):
    start = dt.datetime(2027, 2, 5, 10, tzinfo=TZ)  # Friday
    with pytest.raises(UnknownCalendarYear):
        store.deadline(start, 3)
    years = {y["year"]: y for y in call_as(people["department"], "calendar_year_list")}
    assert years[2026]["source"] == "chinesecalendar" and years[2027]["known"] is False

    for day in ("2027-02-08", "2027-02-09", "2027-02-10"):  # a sample Spring Festival
        call_as(people["operator"], "holiday_override_set", day=day, workday=False, note="春节")
    call_as(people["operator"], "holiday_override_set", day="2027-02-06", workday=True, note="调休上班")
    with pytest.raises(UnknownCalendarYear):  # overrides alone do not make the year known
        store.deadline(start, 3)
    status = call_as(people["operator"], "calendar_year_confirm", year=2027, note="按国务院通知录入")
    assert status == {"year": 2027, "known": True, "source": "operator", "confirmed": True, "overrides": 4}

    # WD1 Sat 6 Feb (调休); 7 Sun; 8–10 off; WD2 Thu 11; WD3 Fri 12
    assert store.deadline(start, 3) == dt.datetime(2027, 2, 12, 15, 59, 59, 999999)
    listed = call_as(people["department"], "holiday_override_list", year=2027)
    assert [o["day"] for o in listed] == ["2027-02-06", "2027-02-08", "2027-02-09", "2027-02-10"]
    assert listed[0] | {"set_at": None} == {"day": "2027-02-06", "workday": True, "note": "调休上班",
                                            "set_by": people["operator"], "set_at": None}

    call_as(people["operator"], "holiday_override_delete", day="2027-02-06")
    assert store.deadline(start, 3) == dt.datetime(2027, 2, 15, 15, 59, 59, 999999)  # Thu 11, Fri 12, Mon 15
    call_as(people["operator"], "calendar_year_confirm", year=2027, confirmed=False)
    with pytest.raises(UnknownCalendarYear):
        store.deadline(start, 3)


def test_every_calendar_change_is_in_the_audit_log(people, call_as):
    call_as(people["operator"], "holiday_override_set", day="2028-01-01", workday=False, note="元旦")
    row = model.Session.query(AuditLog).order_by(AuditLog.id.desc()).first()
    assert (row.action, row.actor_name, row.actor_org, row.object_id) == (
        "calendar.override_set", people["operator"], OPERATOR, "2028-01-01")
    assert row.detail["workday"] is False
