"""The whole conditional-sharing flow of Art 26, through the actions, as the real roles."""
from __future__ import annotations

import pytest

from ckanext.liuzhou import audit
from ckanext.liuzhou.access import policy

from tests.conftest import make_user

from .conftest import CONSUMER, PROVIDER


@pytest.mark.freeze_time("2026-03-02 02:00:00")  # Monday 10:00 in Shanghai
def test_request_decide_deliver_quality_fix_redeliver(world, call_as, request_data):
    reader = make_user(CONSUMER)["name"]  # named in the scope of knowledge of this request only
    req = call_as(world.consumer_member, "share_request_create",
                  **request_data(scope_users=[world.consumer_member, reader]))
    assert req["state"] == "submitted" and req["kind"] == "share"
    assert req["consumer_org"] == CONSUMER and req["provider_org"] == PROVIDER
    assert req["scope_users"] == sorted([world.consumer_member, reader])
    assert req["information_items"] == ["gmsfhm", "xm"]
    assert len(req["resource_ids"]) == 2
    assert req["deadline_local"].startswith("2026-03-05T23:59:59")  # Mon + 3 WD = Thursday
    assert not policy.can_read(reader, _pkg(world))[0]

    req = call_as(world.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    assert req["state"] == "approved" and req["decided_by"] == world.provider_admin
    assert req["decision_on_time"] is True and req["deadline"] is None
    assert not policy.can_read(reader, _pkg(world))[0]

    req = call_as(world.operator, "share_request_deliver", id=req["id"], notes="接口账号已开通")
    assert req["state"] == "delivered" and req["access_active"]
    assert req["deliveries"][0]["number"] == 1
    assert req["deliveries"][0]["quality_window_ends"].startswith("2026-03-04T15:59:59")  # Wed 23:59 CST
    ok, grant = policy.can_read(reader, _pkg(world))
    assert ok and grant == req["id"]
    assert not policy.can_read(world.consumer_admin, _pkg(world))[0]  # outside the scope of knowledge
    assert not policy.can_read(world.other_admin, _pkg(world))[0]

    req = call_as(world.consumer_member, "quality_issue_create", id=req["id"],
                  description="部分记录出生日期为空", information_items=["出生日期"])
    assert req["state"] == "quality_issue" and req["access_active"]
    assert req["quality_issues"][0]["information_items"] == ["csrq"]
    assert req["deadline_local"].startswith("2026-03-04T23:59:59")

    req = call_as(world.provider_admin, "quality_issue_resolve", id=req["id"], resolution="已补全出生日期")
    assert req["state"] == "fixed" and req["quality_issues"][0]["responsible"] == "provider"
    assert req["quality_issues"][0]["on_time"] is True

    req = call_as(world.operator, "share_request_deliver", id=req["id"])
    assert req["state"] == "delivered" and [d["number"] for d in req["deliveries"]] == [1, 2]

    history = call_as(world.consumer_member, "share_request_history", id=req["id"])
    assert [e["event"] for e in history] == ["create", "approve", "deliver", "quality_issue", "resolve", "deliver"]
    assert [e["to_state"] for e in history] == ["submitted", "approved", "delivered", "quality_issue", "fixed", "delivered"]
    assert [e["actor_role"] for e in history] == ["consumer", "provider", "operator", "consumer", "provider", "operator"]

    trail = call_as(world.authority, "audit_log_list", share_request_id=req["id"])["results"]
    assert [r["action"] for r in reversed(trail)] == [f"share_request.{e['event']}" for e in history]
    assert audit.verify().ok


def _pkg(world):
    import ckan.model as model
    return model.Package.get(world.conditional["id"])
