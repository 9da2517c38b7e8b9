"""The evaluation (Art 34) counts needs received, answered on time and met, per department
routed to, by live SQL over the needs' timeline (evaluation/sql.py, row set ``demands``)."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from .conftest import MONDAY, OTHER, PROVIDER

pytestmark = pytest.mark.usefixtures("with_plugins")

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def figures(call_as, world, org):
    return call_as(world.authority, "evaluation_show", id=org, **PERIOD)["figures"]


def test_needs_received_answered_on_time_and_met(world, call_as, need_data):
    before = figures(call_as, world, PROVIDER)
    other_before = figures(call_as, world, OTHER)
    with freeze_time(MONDAY):  # routed Monday 2 March: due Monday 16 March
        met = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2026-04-30"))
        late = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2026-04-30"))
        passed = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2026-04-30"))
        for d in (met, late, passed):
            call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    with freeze_time("2026-03-04 02:00:00"):  # on time: meets one, and says another is not its duty
        call_as(world.provider_admin, "demand_answer", id=met["id"], answer="entry",
                package_id=world.conditional["name"])
        call_as(world.provider_admin, "demand_answer", id=passed["id"], answer="refuse",
                reason_code="not_our_duty", reason="非本部门职责")
        call_as(world.operator, "demand_route", id=passed["id"], provider_org=OTHER)
    with freeze_time("2026-03-20 02:00:00"):  # late
        call_as(world.provider_admin, "demand_answer", id=late["id"], answer="refuse",
                reason_code="not_collected", reason="未采集")
    after = figures(call_as, world, PROVIDER)
    assert after["demands_received"] - before["demands_received"] == 3
    assert after["demands_met"] - before["demands_met"] == 1
    # this test's three routings: two on time (meet, disclaim), one late; the rate is over all
    # the provider's routings of the period that are due, read row by row from the drill-down
    rows = call_as(world.authority, "evaluation_detail", id=PROVIDER, indicator="demands_ontime", **PERIOD)["rows"]
    by_ref = {r["ref"]: (r["value"], r["ok"]) for r in rows}
    assert by_ref[met["id"]] == ("meet", True)
    assert by_ref[late["id"]] == ("refuse", False)
    assert by_ref[passed["id"]] == ("disclaim", True)
    assert after["demands_ontime"] == round(100.0 * sum(1 for r in rows if r["ok"]) / len(rows), 1)
    # the second department received it, still unanswered and past due at the real date
    other = figures(call_as, world, OTHER)
    assert other["demands_received"] - other_before["demands_received"] == 1
    other_rows = call_as(world.authority, "evaluation_detail", id=OTHER, indicator="demands_ontime",
                         **PERIOD)["rows"]
    assert (None, False) == next((r["value"], r["ok"]) for r in other_rows if r["ref"] == passed["id"])
