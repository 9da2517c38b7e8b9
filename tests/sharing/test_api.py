"""Through the action API (what ckanapi clients see): 403 for a forbidden role, 409 for an
illegal transition, JSON bodies and query-string filters.

Runs at the real date (CKAN's API tokens do not survive freezegun); the Operator confirms the
current and next year when chinesecalendar does not know them yet, as in production.
"""
from __future__ import annotations

import datetime as dt

from ckan.tests import factories

from ckanext.liuzhou.calendar import store


def token(user):
    return {"Authorization": factories.APIToken(user=user)["token"]}


def test_http_status_of_refusals(app, world, call_as, request_data, unknown_year):
    this_year = dt.date.today().year
    for year in (this_year, this_year + 1):
        if not store.load().knows(year):
            unknown_year(year)  # withdrawn again after the test
            call_as(world.operator, "calendar_year_confirm", year=year, note="test run")
    rid = call_as(world.consumer_member, "share_request_create", **request_data(valid_until="2099-12-31"))["id"]
    call_as(world.provider_admin, "share_request_decide", id=rid, decision="approve")

    forbidden = app.post("/api/3/action/share_request_deliver", json={"id": rid}, headers=token(world.consumer_admin))
    assert forbidden.status_code == 403
    illegal = app.post("/api/3/action/share_request_decide", json={
        "id": rid, "decision": "reject", "reason_code": "other", "reason": "x"}, headers=token(world.provider_admin))
    assert illegal.status_code == 409
    assert "approved" in illegal.json["error"]["state"][0]  # names the current state (in the UI language)
    ok = app.post("/api/3/action/share_request_deliver", json={"id": rid, "notes": "通过API对接"},
                  headers=token(world.operator))
    assert ok.status_code == 200 and ok.json["result"]["state"] == "delivered"
    listed = app.get("/api/3/action/share_request_list?mine=true&state=delivered", headers=token(world.consumer_member))
    assert rid in {r["id"] for r in listed.json["result"]["results"]}
    assert app.get("/api/3/action/share_request_list").status_code == 403
