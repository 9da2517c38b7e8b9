"""Demand list fixtures: the sharing package's departments, roles and entries (one fresh
database for tests/demand), and a need of 人社局 filed and brought to a state."""
from __future__ import annotations

import pytest

from tests.sharing.conftest import (  # noqa: F401  (fixtures used by this package)
    AUTHORITY, CONSUMER, COUNTY_AUTHORITY, MONDAY, OPERATOR, OTHER, PROVIDER, entry, sharing_departments,
    unknown_year, world)


@pytest.fixture
def need_data(world):
    """need_data(**over): a complete need of 人社局 for data the catalog lacks."""
    def make(**over):
        data = {
            "title": "户籍人口死亡注销信息",
            "description": "用于停发已死亡人员的养老金",
            "duty": "城乡居民养老保险待遇发放资格认证",
            "basis": "《社会保险法》第七十四条",
            "information_items": ["公民身份号码", "姓名", "死亡日期"],
            "needed_by": "2027-01-29",
        }
        data.update(over)
        return data
    return make


@pytest.fixture
def file_need(world, call_as, need_data):
    """file_need(state='submitted', **over): a fresh need of 人社局 brought to ``state``."""
    def make(state: str = "submitted", **over):
        d = call_as(world.consumer_member, "demand_create", **need_data(**over))
        if state in ("routed", "disputed", "met", "refused"):
            d = call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
        if state == "disputed":
            d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse",
                        reason_code="not_our_duty", reason="不属于本部门职责")
            d = call_as(world.operator, "demand_route", id=d["id"], provider_org=OTHER)
            d = call_as(world.other_admin, "demand_answer", id=d["id"], answer="refuse",
                        reason_code="not_our_duty", reason="不属于本部门职责")
        if state == "met":
            d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="entry",
                        package_id=world.conditional["name"])
        if state == "refused":
            d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse",
                        reason_code="legal_prohibition", reason="法律禁止")
        assert d["state"] == state
        return d
    return make
