"""A routed need's answer deadline through the scheduler's reminders (ops/reminders.py), like
every other deadline: the department routed to is reminded one working day before it and told
once it has passed, each once however many runs, in its 通知 inbox."""
from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from ckanext.liuzhou.ops import reminders

from .conftest import MONDAY, PROVIDER

pytestmark = pytest.mark.usefixtures("with_plugins")


def mine(out: dict, demand_id: str) -> list[str]:
    return [line.split(" ")[0] for line in out["sent"] if f"demand {demand_id} " in line]


def test_the_department_is_reminded_then_told_it_is_overdue_once_each(world, call_as, need_data):
    with freeze_time(MONDAY):  # routed Monday 2 March 2026: due Monday 16 March, 23:59
        d = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2026-04-30"))
        call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    assert mine(reminders.run(dt.datetime(2026, 3, 11, 2)), d["id"]) == []          # Wed: 3 WD left
    out = reminders.run(dt.datetime(2026, 3, 13, 2))                                  # Fri: 1 WD left
    assert mine(out, d["id"]) == ["reminder"] and f"to {PROVIDER}" in next(
        line for line in out["sent"] if d["id"] in line)
    assert mine(reminders.run(dt.datetime(2026, 3, 13, 3)), d["id"]) == []          # once
    assert mine(reminders.run(dt.datetime(2026, 3, 17, 2)), d["id"]) == ["overdue"]  # Tue 17: late
    assert mine(reminders.run(dt.datetime(2026, 3, 18, 2)), d["id"]) == []          # once
    history = [e["event"] for e in call_as(world.operator, "demand_show", id=d["id"])["history"]]
    assert history == ["create", "route", "deadline_reminder", "overdue_notice"]
    inbox = call_as(world.provider_admin, "notification_list", limit=500)["results"]
    assert {"route", "deadline_reminder", "overdue_notice"} <= {
        n["event"] for n in inbox if n.get("demand_id") == d["id"]}
    # the department that filed it is not told about the provider's deadline
    filer = call_as(world.consumer_member, "notification_list", limit=500)["results"]
    assert {n["event"] for n in filer if n.get("demand_id") == d["id"]} == {"route"}


def test_an_answered_need_has_nothing_to_remind(world, call_as, file_need):
    d = file_need("refused")
    out = reminders.run(dt.datetime(2030, 1, 1, 2))
    assert mine(out, d["id"]) == []
