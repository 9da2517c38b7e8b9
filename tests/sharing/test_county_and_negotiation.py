"""A county authority acts for its own county only; not-shared data is negotiated with the
provider and then coordinated by the Authority (Art 26)."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.access import policy

from .conftest import MONDAY

pytestmark = pytest.mark.freeze_time(MONDAY)


def test_unconditional_entries_need_no_request_and_any_department_user_reads_them(world, call_as, request_data):
    with pytest.raises(tk.ValidationError) as err:
        call_as(world.consumer_member, "share_request_create", **request_data(package_id=world.unconditional["id"]))
    assert "package_id" in err.value.error_dict
    pkg = model.Package.get(world.unconditional["id"])
    assert policy.can_read(world.other_admin, pkg)[0]


def test_not_shared_negotiation_is_coordinated_by_the_authority(world, call_as, request_data):
    from tests.conftest import make_user
    from .conftest import CONSUMER
    reader = make_user(CONSUMER)["name"]
    pkg = model.Package.get(world.not_shared["id"])
    assert policy.can_read(world.authority, pkg)[0] and policy.can_read(world.provider_editor, pkg)[0]
    assert not policy.can_read(reader, pkg)[0]
    req = call_as(world.consumer_member, "share_request_create",
                  **request_data(package_id=world.not_shared["id"], scope_users=[reader]))
    assert req["kind"] == "negotiation"
    req = call_as(world.provider_admin, "share_request_decide", id=req["id"], decision="reject",
                  reason_code="security", reason="涉密")
    req = call_as(world.consumer_member, "share_request_coordination_open", id=req["id"], reason="确需使用")
    assert req["coordinations"][0]["arbiter"] == "authority"
    close = dict(id=req["id"], meeting_date="2026-03-02", participants=["市大数据发展局", "市公安局", "市人社局"],
                 outcome="approved", notes="经协调同意脱敏后共享")
    with pytest.raises(tk.NotAuthorized):
        call_as(world.operator, "share_request_coordination_close", **close)
    with pytest.raises(tk.NotAuthorized):
        call_as(world.county_authority, "share_request_coordination_close", **close)  # not its county
    todo = call_as(world.authority, "share_request_list", to_review=True)["results"]
    assert req["id"] in {r["id"] for r in todo}
    req = call_as(world.authority, "share_request_coordination_close", **close)
    assert req["state"] == "approved"
    req = call_as(world.operator, "share_request_deliver", id=req["id"])
    assert policy.can_read(reader, pkg) == (True, req["id"])
    history = call_as(world.consumer_member, "share_request_history", id=req["id"])
    assert history[-2]["actor_role"] == "authority" and history[-2]["actor_org"] == "lzsdsjfzj"


def test_county_authority_sees_and_arbitrates_its_county_only(world, call_as, request_data):
    from tests.conftest import make_user
    township_user = make_user("ljqlbzsample1", "member")["name"]  # a village under 拉堡镇, in 柳江区
    # 拉堡镇 (in 柳江区) owns the entry; a village of 拉堡镇 asks for it
    req = call_as(township_user, "share_request_create", **request_data(
        package_id=world.county_conditional["id"], scope_users=[township_user]))
    assert call_as(world.county_authority, "share_request_show", id=req["id"])["id"] == req["id"]
    listed = call_as(world.county_authority, "share_request_list")["results"]
    assert {r["id"] for r in listed} >= {req["id"]}
    assert all("ljq" in (r["provider_org"] + r["consumer_org"]) for r in listed)
    assert call_as(world.county_authority, "share_request_suspension_list")["count"] == 0
    with pytest.raises(tk.NotAuthorized):  # the Operator's job for a conditional entry
        call_as(world.county_authority, "share_request_coordination_close", id=req["id"],
                meeting_date="2026-03-02", participants=["甲"], outcome="continue", notes="x")
    with pytest.raises(tk.NotAuthorized):
        call_as(world.county_authority, "share_request_decide", id=req["id"], decision="approve")
    admin = world.county_dept_admin
    assert call_as(admin, "share_request_decide", id=req["id"], decision="approve")["state"] == "approved"


def test_county_authority_closes_a_negotiation_inside_its_county(world, call_as, request_data):
    from tests.conftest import make_user
    site = {"user": world.sysadmin, "ignore_auth": True}
    from .conftest import entry
    secret = tk.get_action("package_create")(site, entry("ljqlbz", "拉堡镇涉密名单", "not_shared"))
    village_user = make_user("ljqlbzsample1", "member")["name"]
    req = call_as(village_user, "share_request_create", **request_data(
        package_id=secret["id"], scope_users=[village_user]))
    req = call_as(village_user, "share_request_coordination_open", id=req["id"], reason="协调")
    req = call_as(world.county_authority, "share_request_coordination_close", id=req["id"],
                  meeting_date="2026-03-02", participants=["柳江区大数据发展局"], outcome="rejected", notes="维持不共享")
    assert req["state"] == "rejected"
    history = call_as(world.county_authority, "share_request_history", id=req["id"])
    assert history[-1]["actor_role"] == "county_authority" and history[-1]["actor_org"] == "ljqdsjj"
