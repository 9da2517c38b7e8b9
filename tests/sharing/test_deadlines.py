"""Deadlines in working days (Art 26: 3 WD to decide, 2 WD to report and to fix a quality
issue), counted on the statutory calendar with day 0 = the day of the event, in Asia/Shanghai."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.access import policy
from ckanext.liuzhou.sharing import cli as sharing_cli

from .conftest import MONDAY


@pytest.fixture(autouse=True)
def _no_events_from_the_future():
    """Tests here move the clock into 2027: the timeline events they leave behind would stay
    unread for ever in the package's shared world (tests/sharing/test_notifications.py reads
    them). After each test, they go (PostgreSQL's clock is the real one)."""
    yield
    model.Session.rollback()
    model.Session.execute(sa.text(
        "DELETE FROM liuzhou_share_request_event WHERE created > (now() AT TIME ZONE 'utc')"))
    model.Session.commit()


def counts():
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in
                     ("liuzhou_share_request", "liuzhou_share_request_event", "liuzhou_audit_log"))


@pytest.mark.freeze_time("2026-02-13 02:00:00")  # Friday before the 2026 Spring Festival, 10:00 CST
def test_decision_deadline_skips_the_spring_festival_and_counts_the_adjusted_saturday(world, call_as, request_data):
    req = call_as(world.consumer_member, "share_request_create", **request_data())
    # WD1 Sat 14 Feb (调休 working day); 15–23 Feb off; WD2 Tue 24; WD3 Wed 25
    assert req["deadline_local"] == "2026-02-25T23:59:59+08:00"
    assert req["deadline"] == "2026-02-25T15:59:59.999999"


@pytest.mark.freeze_time("2026-01-02 02:00:00")  # Friday 2 January 2026, a New Year holiday
def test_decision_deadline_counts_the_adjusted_working_sunday(world, call_as, request_data):
    req = call_as(world.consumer_member, "share_request_create", **request_data())
    # day 0 = 2 Jan (holiday); WD1 Sun 4 Jan (调休); WD2 Mon 5; WD3 Tue 6
    assert req["deadline_local"] == "2026-01-06T23:59:59+08:00"


def test_one_count_across_an_adjusted_working_sunday_and_the_spring_festival(world, call_as, drive, freezer):
    """2025: Sunday 26 January is a 调休 working day, 28 January – 4 February are off."""
    freezer.move_to("2025-01-24 02:00:00")  # Friday 24 January 2025, 10:00 CST
    req = call_as(world.consumer_member, "share_request_create", **request_data_2025(world))
    # WD1 Sun 26 Jan (调休); WD2 Mon 27; 28 Jan – 4 Feb off; WD3 Wed 5 Feb
    assert req["deadline_local"] == "2025-02-05T23:59:59+08:00"
    delivered = drive("delivered")  # delivered on Friday 24 January too
    assert delivered["deliveries"][0]["quality_window_ends_local"] == "2025-01-27T23:59:59+08:00"
    freezer.move_to("2025-01-26 06:00:00")  # Sunday 26 January, 14:00 CST: a working day
    issue = call_as(world.consumer_member, "quality_issue_create", id=delivered["id"], description="字段为空")
    # fix: WD1 Mon 27 Jan; the festival; WD2 Wed 5 Feb
    assert issue["quality_issues"][0]["deadline_local"] == "2025-02-05T23:59:59+08:00"

    freezer.move_to("2025-02-04 08:00:00")  # Tuesday 4 February, the last day off: not late
    late = {r["id"] for r in call_as(world.operator, "share_request_list", overdue=True, limit=1000)["results"]}
    assert req["id"] not in late and delivered["id"] not in late
    freezer.move_to("2025-02-05 16:00:00")  # Thursday 6 February, 00:00 CST: both are a day late
    late = {r["id"] for r in call_as(world.operator, "share_request_list", overdue=True, limit=1000)["results"]}
    assert {req["id"], delivered["id"]} <= late
    decided = call_as(world.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    assert decided["decision_on_time"] is False


def request_data_2025(world) -> dict:
    return {"package_id": world.conditional["name"], "purpose": "春节前后的资格认证",
            "basis": "《社会保险法》第七十四条", "scope_users": [world.consumer_member],
            "valid_until": "2027-06-30"}


def test_quality_issue_window_and_fix_deadline_around_the_festival(world, call_as, drive, freezer):
    freezer.move_to("2026-02-13 02:00:00")
    late, in_time = drive("delivered")["id"], drive("delivered")["id"]
    shown = call_as(world.consumer_member, "share_request_show", id=in_time)
    assert shown["deliveries"][0]["quality_window_ends_local"] == "2026-02-24T23:59:59+08:00"
    freezer.move_to("2026-02-24 15:00:00")  # Tue 24 Feb, 23:00 CST: still inside the 2 WD
    req = call_as(world.consumer_member, "quality_issue_create", id=in_time, description="字段为空")
    assert req["quality_issues"][0]["deadline_local"] == "2026-02-26T23:59:59+08:00"
    freezer.move_to("2026-02-24 16:30:00")  # Wed 25 Feb, 00:30 CST: too late
    before = counts()
    with pytest.raises(tk.ValidationError, match="2 working days"):
        call_as(world.consumer_member, "quality_issue_create", id=late, description="字段为空")
    assert counts() == before


NOTICE_2027 = (Path(__file__).parent.parent / "calendar" / "fixtures" / "notice-2027-test.txt").read_text(encoding="utf-8")


def test_a_deadline_in_an_unknown_year_is_provisional_and_counted_again_when_the_year_is_confirmed(
        world, call_as, request_data, freezer, unknown_year):
    """全国年节及纪念日放假办法 Art 2 fixes the holidays; the State Council's notice adds 调休: until the
    Operator confirms 2027, a deadline in it is counted on the statutory days and marked 暂定."""
    unknown_year(2027)
    made = {}
    for when, key in (("2026-12-28 02:00:00", "dec28"), ("2026-12-29 02:00:00", "dec29"),
                      ("2027-01-05 02:00:00", "jan05"), ("2027-01-29 02:00:00", "jan29"),
                      ("2027-02-04 02:00:00", "feb04")):
        freezer.move_to(when)  # 10:00 in Shanghai
        made[key] = call_as(world.consumer_member, "share_request_create", **request_data())
    before = {k: (r["deadline_local"][:10], r["deadline_provisional"]) for k, r in made.items()}
    assert before == {
        "dec28": ("2026-12-31", False),  # Tue 29, Wed 30, Thu 31: all in 2026
        "dec29": ("2027-01-04", True),   # Wed 30, Thu 31, (元旦, weekend) Mon 4
        "jan05": ("2027-01-08", True),   # Wed 6, Thu 7, Fri 8
        "jan29": ("2027-02-03", True),   # (weekend) Mon 1, Tue 2, Wed 3
        "feb04": ("2027-02-11", True),   # (除夕 Fri 5 – 初三 Mon 8 by law) Tue 9, Wed 10, Thu 11
    }
    shown = call_as(world.provider_admin, "share_request_show", id=made["feb04"]["id"])
    assert shown["deadline_provisional"] is True
    listed = {r["id"]: r for r in call_as(world.provider_admin, "share_request_list")["results"]}
    assert listed[made["dec29"]["id"]]["deadline_provisional"] is True
    assert listed[made["dec28"]["id"]]["deadline_provisional"] is False

    call_as(world.operator, "calendar_notice_apply", text=NOTICE_2027, confirm=True)
    after = {k: call_as(world.provider_admin, "share_request_show", id=r["id"]) for k, r in made.items()}
    assert {k: (r["deadline_local"][:10], r["deadline_provisional"]) for k, r in after.items()} == {
        "dec28": ("2026-12-31", False),
        "dec29": ("2027-01-04", False),  # 1–3 Jan off
        "jan05": ("2027-01-08", False),
        "jan29": ("2027-02-02", False),  # Sun 31 Jan is an adjusted working day
        "feb04": ("2027-02-16", False),  # 5–12 Feb off; Sat 13 (调休), Mon 15, Tue 16
    }
    for key, changed in (("dec29", False), ("jan05", False), ("jan29", True), ("feb04", True)):
        history = call_as(world.consumer_member, "share_request_history", id=made[key]["id"])
        recount = [e for e in history if e["event"] == "deadline_recount"]
        assert len(recount) == 1, key
        detail = recount[0]["detail"]
        assert detail["year"] == 2027 and detail["changed"] is changed and detail["provisional"] is False
        assert detail["changes"][0]["before"][:10] != detail["changes"][0]["after"][:10] or not changed
        assert bool(recount[0]["notify"]) is changed
    history = call_as(world.consumer_member, "share_request_history", id=made["dec28"]["id"])
    assert [e for e in history if e["event"] == "deadline_recount"] == []  # its deadline never reached 2027


def test_overdue_requests_are_listed_marked_and_reported(world, call_as, drive, freezer):
    freezer.move_to(MONDAY)
    rid = drive("submitted")["id"]
    quality = drive("quality_issue")["id"]
    done = drive("approved")["id"]
    freezer.move_to("2026-03-05 15:00:00")  # Thu 23:00 CST: the last hour of the 3rd working day
    overdue = {r["id"] for r in call_as(world.operator, "share_request_list", overdue=True, limit=1000)["results"]}
    assert rid not in overdue and quality in overdue  # the fix was due Wednesday
    freezer.move_to("2026-03-05 16:00:00")  # Fri 00:00 CST
    listed = call_as(world.provider_admin, "share_request_list", overdue=True, limit=1000)["results"]
    mine = {r["id"]: r for r in listed}
    assert {rid, quality} <= set(mine) and done not in mine
    assert mine[rid]["overdue"] is True
    assert call_as(world.consumer_member, "share_request_show", id=rid)["overdue"] is True

    result = CliRunner().invoke(sharing_cli.overdue, [])
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if l.startswith(rid))
    assert "decision" in line and "lzsgaj" in line and "1 WD late" in line
    assert CliRunner().invoke(sharing_cli.overdue, ["--fail"]).exit_code == 1

    req = call_as(world.provider_admin, "share_request_decide", id=rid, decision="approve")
    assert req["decision_on_time"] is False and req["overdue"] is False
    history = call_as(world.provider_admin, "share_request_history", id=rid)
    assert history[-1]["detail"]["on_time"] is False


def test_access_ends_by_itself_when_the_validity_ends_and_the_run_records_it(world, call_as, drive, freezer):
    from tests.conftest import make_user
    from .conftest import CONSUMER
    reader = make_user(CONSUMER)["name"]
    freezer.move_to(MONDAY)
    rid = drive("delivered", scope_users=[reader], valid_until="2026-03-13")["id"]
    pkg = model.Package.get(world.conditional["id"])
    with pytest.raises(tk.ValidationError, match="cannot expire yet"):
        call_as(world.operator, "share_request_expire", id=rid)

    freezer.move_to("2026-03-09 02:00:00")  # Mon: 5 working days left, inside the notice horizon
    result = CliRunner().invoke(sharing_cli.deadlines, [])
    assert result.exit_code == 0, result.output
    assert f"expiry notice {rid}" in result.output
    history = call_as(world.consumer_member, "share_request_history", id=rid)
    assert history[-1]["event"] == "expiry_notice" and history[-1]["notify"] == [CONSUMER]
    assert f"expiry notice {rid}" not in CliRunner().invoke(sharing_cli.deadlines, []).output  # once

    freezer.move_to("2026-03-13 15:59:00")  # Fri 23:59 CST: the last minute of validity
    assert policy.can_read(reader, pkg) == (True, rid)
    freezer.move_to("2026-03-13 16:00:00")  # Sat 00:00 CST: access has ended, nobody acted
    assert policy.can_read(reader, pkg) == (False, None)
    result = CliRunner().invoke(sharing_cli.deadlines, [])
    assert f"expired {rid}" in result.output
    req = call_as(world.consumer_member, "share_request_show", id=rid)
    assert req["state"] == "expired" and not req["access_active"]


@pytest.mark.ckan_config("ckanext.liuzhou.sharing.expiry_notice_workdays", "2")
def test_the_expiry_notice_horizon_is_configurable(world, call_as, drive, freezer):
    freezer.move_to(MONDAY)
    rid = drive("delivered", valid_until="2026-03-13")["id"]  # valid to Friday 13 March
    freezer.move_to("2026-03-09 02:00:00")  # Monday: 4 working days left, beyond the 2 configured
    assert f"expiry notice {rid}" not in CliRunner().invoke(sharing_cli.deadlines, []).output
    freezer.move_to("2026-03-11 02:00:00")  # Wednesday: 2 working days left (Thursday, Friday)
    result = CliRunner().invoke(sharing_cli.deadlines, [])
    assert f"expiry notice {rid} (valid until 2026-03-13, 2 WD left)" in result.output, result.output
    history = call_as(world.consumer_member, "share_request_history", id=rid)
    assert history[-1]["event"] == "expiry_notice" and history[-1]["detail"]["workdays_left"] == 2


@pytest.mark.freeze_time(MONDAY)
def test_a_renewal_is_a_new_request_linked_to_the_old_one(world, call_as, drive, request_data):
    old = drive("delivered")
    new = call_as(world.consumer_member, "share_request_create", **request_data(renews=old["id"]))
    assert new["renews"] == old["id"] and new["state"] == "submitted" and new["id"] != old["id"]
    other = call_as(world.consumer_member, "share_request_create", **request_data(package_id=world.not_shared["id"]))
    with pytest.raises(tk.ValidationError) as err:
        call_as(world.consumer_member, "share_request_create", **request_data(renews=other["id"]))
    assert "renews" in err.value.error_dict


def test_a_day_changed_in_a_known_year_moves_the_open_deadlines_it_reaches(world, call_as, request_data, freezer):
    freezer.move_to(MONDAY)  # Monday 2 March 2026
    req = call_as(world.consumer_member, "share_request_create", **request_data())
    other = call_as(world.consumer_member, "share_request_create", **request_data())
    call_as(world.provider_admin, "share_request_decide", id=other["id"], decision="approve")
    assert req["deadline_local"][:10] == "2026-03-05"
    try:
        call_as(world.operator, "holiday_override_set", day="2026-03-04", workday=False, note="临时放假（测试）")
        shown = call_as(world.provider_admin, "share_request_show", id=req["id"])
        assert shown["deadline_local"][:10] == "2026-03-06" and shown["deadline_provisional"] is False
        events = [e for e in call_as(world.consumer_member, "share_request_history", id=req["id"])
                  if e["event"] == "deadline_recount"]
        assert len(events) == 1 and events[0]["detail"]["reason"] == "override"
        decided = call_as(world.consumer_member, "share_request_history", id=other["id"])
        assert [e for e in decided if e["event"] == "deadline_recount"] == []  # no open deadline
    finally:
        call_as(world.operator, "holiday_override_delete", day="2026-03-04")
    assert call_as(world.provider_admin, "share_request_show", id=req["id"])["deadline_local"][:10] == "2026-03-05"


def test_an_open_quality_issue_in_2027_is_counted_again_with_its_request(world, call_as, drive, freezer, unknown_year):
    """Art 26: 2 WD to fix a quality issue, provisional in 2027 until the Operator confirms it."""
    unknown_year(2027)
    freezer.move_to("2027-02-02 02:00:00")  # Tuesday 2 February 2027
    rid = drive("delivered")["id"]
    freezer.move_to("2027-02-03 02:00:00")  # Wednesday
    call_as(world.consumer_member, "quality_issue_create", id=rid, description="身份证号字段为空")
    req = call_as(world.provider_admin, "share_request_show", id=rid)
    issue = req["quality_issues"][0]
    # Thu 4 (WD1); 除夕 Fri 5 – 初三 Mon 8 off by law; Tue 9 (WD2)
    assert (req["state"], req["deadline_local"][:10], req["deadline_provisional"]) == ("quality_issue", "2027-02-09", True)
    assert (issue["deadline_local"][:10], issue["deadline_provisional"]) == ("2027-02-09", True)
    assert req["deliveries"][0]["quality_window_ends_provisional"] is True

    call_as(world.operator, "calendar_notice_apply", text=NOTICE_2027, confirm=True)
    req = call_as(world.provider_admin, "share_request_show", id=rid)
    # Thu 4 (WD1); 5–12 Feb off by the notice; Sat 13 (调休, WD2)
    assert (req["deadline_local"][:10], req["deadline_provisional"]) == ("2027-02-13", False)
    assert req["quality_issues"][0]["deadline_local"][:10] == "2027-02-13"
    assert req["deliveries"][0]["quality_window_ends_provisional"] is False
    recount = [e for e in call_as(world.consumer_member, "share_request_history", id=rid)
               if e["event"] == "deadline_recount"]
    assert len(recount) == 1
    assert {c["what"] for c in recount[0]["detail"]["changes"]} == {"quality_issue", "quality_window"}
