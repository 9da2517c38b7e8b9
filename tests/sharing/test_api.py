"""Through the action API (what ckanapi clients see): 403 for a forbidden role, 409 for an
illegal transition, JSON bodies and query-string filters.

Runs at the real date (CKAN's API tokens do not survive freezegun); a deadline in a year
chinesecalendar does not know yet is counted provisionally, as in production.
"""
from __future__ import annotations

from ckan.tests import factories


def token(user):
    return {"Authorization": factories.APIToken(user=user)["token"]}


def test_http_status_of_refusals(app, world, call_as, request_data):
    # runs at the real date: a deadline in a year nobody has entered is provisional, never refused
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
