"""The Operator corrects the calendar for years chinesecalendar does not know yet: single days
(holidays, adjusted working weekends) and a confirmation that the year is complete."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from ckanext.liuzhou.calendar import store
from ckanext.liuzhou.calendar.workdays import TZ

import ckan.model as model
from tests.conftest import make_user

from pathlib import Path

OPERATOR, AUTHORITY = "lzsxxhjsglzx", "lzsdsjfzj"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def people(departments):
    return {"operator": make_user(OPERATOR, "member")["name"],
            "authority": make_user(AUTHORITY, "admin")["name"],
            "department": make_user("lzsgaj", "admin")["name"]}


def test_only_the_operator_changes_the_calendar(people, call_as):
    for who in ("authority", "department"):
        for action, data in (("holiday_override_set", {"day": "2027-02-08", "workday": False}),
                             ("holiday_override_delete", {"day": "2027-02-08"}),
                             ("calendar_year_confirm", {"year": 2027}),
                             ("calendar_notice_apply", {"text": "一、元旦：1月1日（周五）放假1天。", "year": 2027})):
            with pytest.raises(tk.NotAuthorized):
                call_as(people[who], action, **data)
    with pytest.raises(tk.NotAuthorized):
        call_as(None, "holiday_override_list")
    assert call_as(people["department"], "holiday_override_list") == []


def test_an_unknown_year_is_provisional_and_confirmed_only_with_every_holiday(people, call_as):
    start = dt.datetime(2027, 2, 4, 10, tzinfo=TZ)  # Thursday before the 2027 Spring Festival
    # provisional: 除夕 Fri 5 – 初三 Mon 8 Feb off by law; WD1 Tue 9, WD2 Wed 10, WD3 Thu 11
    assert store.deadline(start, 3) == dt.datetime(2027, 2, 11, 15, 59, 59, 999999)
    assert store.provisional(store.deadline(start, 3))
    years = {y["year"]: y for y in call_as(people["department"], "calendar_year_list")}
    assert years[2026]["source"] == "chinesecalendar" and years[2027]["known"] is False
    assert years[2027]["provisional"] is True and years[2027]["can_confirm"] is False

    call_as(people["operator"], "holiday_override_set", day="2027-01-01", workday=False, note="元旦")
    with pytest.raises(tk.ValidationError) as refused:  # 元旦 alone: six holidays missing
        call_as(people["operator"], "calendar_year_confirm", year=2027)
    message = refused.value.error_dict["holidays"][0]
    assert all(name in message for name in ("春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"))

    for day in ("2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-04-05",
                "2027-05-01", "2027-05-03", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-04"):
        call_as(people["operator"], "holiday_override_set", day=day, workday=False, note="假日")
    call_as(people["operator"], "holiday_override_set", day="2027-02-10", workday=True, note="调休上班")
    with pytest.raises(tk.ValidationError) as refused:  # an adjusted working Wednesday
        call_as(people["operator"], "calendar_year_confirm", year=2027)
    assert "2027-02-10" in refused.value.error_dict["workdays"][0]
    assert "holidays" not in refused.value.error_dict
    call_as(people["operator"], "holiday_override_delete", day="2027-02-10")
    call_as(people["operator"], "holiday_override_set", day="2027-02-13", workday=True, note="调休上班")
    assert store.deadline(start, 3) == dt.datetime(2027, 2, 11, 15, 59, 59, 999999)  # not in force yet

    status = call_as(people["operator"], "calendar_year_confirm", year=2027, note="按国务院通知录入")
    assert status | {"recounted": None} == {"year": 2027, "known": True, "source": "operator", "confirmed": True,
                                             "overrides": 14, "provisional": False, "can_confirm": True,
                                             "missing": [], "recounted": None}
    # 9 Feb entered off: WD1 Wed 10, WD2 Thu 11, WD3 Fri 12
    assert store.deadline(start, 3) == dt.datetime(2027, 2, 12, 15, 59, 59, 999999)
    assert not store.provisional(store.deadline(start, 3))

    call_as(people["operator"], "calendar_year_confirm", year=2027, confirmed=False)
    assert store.deadline(start, 3) == dt.datetime(2027, 2, 11, 15, 59, 59, 999999)
    for o in call_as(people["operator"], "holiday_override_list", year=2027):
        call_as(people["operator"], "holiday_override_delete", day=o["day"])


def test_one_paste_of_the_notice_enters_and_confirms_the_year(people, call_as):
    text = (FIXTURES / "notice-2027-test.txt").read_text(encoding="utf-8")
    for who in ("authority", "department"):
        for action in ("calendar_notice_parse", "calendar_notice_apply"):
            with pytest.raises(tk.NotAuthorized):
                call_as(people[who], action, text=text)
    preview = call_as(people["operator"], "calendar_notice_parse", text=text)
    assert preview["year"] == 2027 and preview["errors"] == [] and preview["check"]["ok"]
    assert preview["workdays"] == ["2027-01-31", "2027-02-13", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"]
    assert call_as(people["operator"], "holiday_override_list", year=2027) == []  # nothing saved by a preview

    short = "\n".join(line for line in text.splitlines() if "春节" not in line)
    with pytest.raises(tk.ValidationError) as refused:
        call_as(people["operator"], "calendar_notice_apply", text=short, confirm=True)
    assert "春节" in refused.value.error_dict["holidays"][0]
    assert call_as(people["operator"], "holiday_override_list", year=2027) == []  # all or nothing

    done = call_as(people["operator"], "calendar_notice_apply", text=text, confirm=True)
    assert done["status"]["confirmed"] is True and done["status"]["overrides"] == 34
    listed = {o["day"]: o for o in call_as(people["operator"], "holiday_override_list", year=2027)}
    assert listed["2027-02-05"]["note"] == "春节" and listed["2027-02-05"]["workday"] is False
    assert listed["2027-01-31"]["workday"] is True
    # Fri 29 Jan + 3 WD: Sun 31 Jan is an adjusted working day now
    assert store.deadline(dt.datetime(2027, 1, 29, 10, tzinfo=TZ), 3) == dt.datetime(2027, 2, 2, 15, 59, 59, 999999)
    call_as(people["operator"], "calendar_year_confirm", year=2027, confirmed=False)
    for day in listed:
        call_as(people["operator"], "holiday_override_delete", day=day)


def test_every_calendar_change_is_in_the_audit_log(people, call_as):
    call_as(people["operator"], "holiday_override_set", day="2028-01-01", workday=False, note="元旦")
    row = model.Session.query(AuditLog).order_by(AuditLog.id.desc()).first()
    assert (row.action, row.actor_name, row.actor_org, row.object_id) == (
        "calendar.override_set", people["operator"], OPERATOR, "2028-01-01")
    assert row.detail["workday"] is False


def test_evaluation_and_the_demo_history_count_on_the_workflows_calendar(people):
    """Art 34 on-time rates count the same working days as the deadlines: in an unknown year the
    statutory holidays, not plain weekdays."""
    import random

    from bench.workflow_history import _History
    from ckanext.liuzhou.evaluation.queries import calendar_arrays

    arrays = calendar_arrays(dt.date(2027, 2, 4), dt.date(2027, 2, 10))
    work = dict(zip(arrays["cal_days"], arrays["cal_work"]))
    calendar = store.load()
    assert work == {d: calendar.is_workday(d) for d in work}
    # Thu 4 on; 除夕 Fri 5 to 初三 Mon 8 off by law (weekdays would count 5 and 8); Tue 9, Wed 10 on
    assert [d.day for d, w in work.items() if w] == [4, 9, 10]
    history = _History(random.Random(1), calendar, dt.date(2027, 3, 1))
    assert not history.workday(dt.date(2027, 2, 8)) and history.workday(dt.date(2027, 2, 9))
    assert dt.date(2027, 2, 5) not in history.days and dt.date(2027, 2, 4) in history.days
