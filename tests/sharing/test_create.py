"""A share request states what, why, on which basis, for whom and until when (Art 25, 26.1);
an incomplete or impossible request is refused field by field and saves nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user

from .conftest import CONSUMER, MONDAY, OTHER, PROVIDER

pytestmark = pytest.mark.freeze_time(MONDAY)


def _requests():
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM liuzhou_share_request")).scalar()


@pytest.fixture
def refused(world, call_as, request_data):
    def check(field, user=None, **over):
        before = _requests()
        with pytest.raises(tk.ValidationError) as err:
            call_as(user or world.consumer_member, "share_request_create", **request_data(**over))
        assert field in err.value.error_dict, err.value.error_dict
        assert _requests() == before
        return err.value.error_dict[field]
    return check


def test_required_fields(refused):
    for field in ("purpose", "basis", "scope_users", "valid_until", "package_id"):
        refused(field, **{field: ""})


def test_information_items_and_resources_must_belong_to_the_entry(refused):
    assert "身高" in refused("information_items", information_items=["xm", "身高"])[0]
    refused("resource_ids", resource_ids=["not-a-resource"])


def test_scope_of_knowledge_is_named_users_of_the_requesting_department(world, refused):
    assert world.other_admin in refused("scope_users", scope_users=[world.consumer_member, world.other_admin])[0]
    refused("scope_users", scope_users=["nobody-by-that-name"])


def test_validity_period(refused):
    refused("valid_until", valid_from="2026-06-01", valid_until="2026-05-31")
    refused("valid_until", valid_until="2026-03-01")  # yesterday
    refused("valid_until", valid_until="not a date")


def test_a_department_does_not_request_its_own_data(world, refused):
    refused("consumer_org", user=world.provider_admin, scope_users=[world.provider_editor])


def test_a_user_of_several_departments_says_which_one_asks(world, call_as, request_data, refused):
    both = make_user(CONSUMER, "member")["name"]
    tk.get_action("organization_member_create")({"ignore_auth": True}, {"id": OTHER, "username": both, "role": "member"})
    refused("consumer_org", user=both, scope_users=[both])
    req = call_as(both, "share_request_create", **request_data(consumer_org=CONSUMER, scope_users=[both]))
    assert req["consumer_org"] == CONSUMER


def test_defaults_every_resource_and_item_today_and_the_entry_method(world, call_as, request_data):
    data = request_data(information_items=None, sharing_method=None)
    data = {k: v for k, v in data.items() if v is not None}
    req = call_as(world.consumer_member, "share_request_create", **data)
    assert req["information_items"] == ["gmsfhm", "xm", "csrq"]
    assert len(req["resource_ids"]) == 2 and req["valid_from"] == "2026-03-02"
    assert req["sharing_method"] == "platform" and req["provider_org"] == PROVIDER


def test_form_style_lists_are_accepted(world, call_as, request_data):
    req = call_as(world.consumer_member, "share_request_create", **request_data(
        scope_users=f"{world.consumer_member},{world.consumer_scoped}", information_items='["姓名"]'))
    assert req["scope_users"] == sorted([world.consumer_member, world.consumer_scoped])
    assert req["information_items"] == ["xm"]


def test_request_details_are_not_in_the_search_index(world, call_as, request_data):
    req = call_as(world.consumer_member, "share_request_create", **request_data(purpose="独特用途字样XYZ"))
    found = tk.get_action("package_search")({"ignore_auth": True}, {"q": "独特用途字样XYZ"})
    assert found["count"] == 0
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": world.conditional["id"]})
    assert req["id"] not in str(pkg) and world.consumer_scoped not in str(pkg)
