"""Sharing fixtures: the real roles in Liuzhou's departments, and catalog entries of each sharing type.

Package-scoped: one fresh database (Liuzhou's departments) for all of tests/sharing; each test
makes its own requests and users, so tests never depend on each other's rows. Nothing in this
package resets the database.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.conftest import _migrate, make_user

PROVIDER, CONSUMER, OTHER = "lzsgaj", "lzsrlzyhshbzj", "lzsjyj"   # 公安局, 人社局, 教育局
OPERATOR, AUTHORITY, COUNTY_AUTHORITY = "lzsxxhjsglzx", "lzsdsjfzj", "ljqdsjj"
COUNTY_DEPT = "ljqlbz"                                              # 柳江区拉堡镇 (in 柳江区)

ITEMS = [
    {"name": "公民身份号码", "identifier": "gmsfhm", "data_type": "C", "length": 18, "description": "18位"},
    {"name": "姓名", "identifier": "xm", "data_type": "C", "length": 50, "description": "姓名"},
    {"name": "出生日期", "identifier": "csrq", "data_type": "D", "length": 8, "description": "YYYYMMDD"},
]


def entry(org: str, title: str, sharing_type: str, **over) -> dict:
    data = {
        "type": "catalog", "title": title, "notes": "测试用目录。", "owner_org": org,
        "classification": "department", "subclass": "department", "format_category": "database",
        "information_items": copy.deepcopy(ITEMS), "sharing_type": sharing_type,
        "sharing_method": "platform", "sharing_method_type": "api", "open_attribute": "not_open",
        "update_cycle": "daily",
        "resources": [
            {"name": "核验接口", "resource_type": "api", "url": "http://data.liuzhou.example/api/verify"},
            {"name": "库表", "resource_type": "database", "url": "http://data.liuzhou.example/db/table"},
        ],
    }
    if sharing_type == "conditional":
        data.update(sharing_conditions="仅限法定职责范围内使用", legal_basis="《中华人民共和国个人信息保护法》第十三条")
    if sharing_type == "not_shared":
        data.update(legal_basis="《中华人民共和国保守国家秘密法》")
    data.update(over)
    return data


@dataclass
class World:
    provider_admin: str
    provider_editor: str
    consumer_admin: str
    consumer_member: str
    consumer_scoped: str        # a consumer user named in the scope of knowledge
    other_admin: str            # a third department: sees nothing of the request
    operator: str
    authority: str
    county_authority: str
    county_dept_admin: str      # admin of a township in the county authority's county
    sysadmin: str
    conditional: dict
    not_shared: dict
    unconditional: dict
    county_conditional: dict    # owned by the township


@pytest.fixture(scope="package")
def sharing_departments(reset_db, migrate_db_for, reset_index):
    """tests/conftest.py's ``departments``, once for the whole package."""
    import ckan.plugins
    from ckanext.liuzhou.demo import loader

    ckan.plugins.load_all()
    reset_db()
    _migrate(migrate_db_for)
    reset_index()
    loader.load_departments()


@pytest.fixture(scope="package")
def world(sharing_departments) -> World:
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    create = lambda d: tk.get_action("package_create")(dict(site), d)
    return World(
        provider_admin=make_user(PROVIDER, "admin")["name"],
        provider_editor=make_user(PROVIDER, "editor")["name"],
        consumer_admin=make_user(CONSUMER, "admin")["name"],
        consumer_member=make_user(CONSUMER, "member")["name"],
        consumer_scoped=make_user(CONSUMER, "member")["name"],
        other_admin=make_user(OTHER, "admin")["name"],
        operator=make_user(OPERATOR, "member")["name"],
        authority=make_user(AUTHORITY, "admin")["name"],
        county_authority=make_user(COUNTY_AUTHORITY, "admin")["name"],
        county_dept_admin=make_user(COUNTY_DEPT, "admin")["name"],
        sysadmin=factories.Sysadmin()["name"],
        conditional=create(entry(PROVIDER, "常住人口核验信息", "conditional")),
        not_shared=create(entry(PROVIDER, "涉密户籍档案", "not_shared")),
        unconditional=create(entry(PROVIDER, "派出所地址信息", "unconditional")),
        county_conditional=create(entry(COUNTY_DEPT, "拉堡镇低保名单", "conditional")),
    )


@pytest.fixture
def request_data(world):
    """request_data(**over): a complete share request of 人社局 for the conditional entry."""
    def make(**over):
        data = {
            "package_id": world.conditional["name"],
            "purpose": "社会保障待遇资格认证时核验参保人身份",
            "basis": "《社会保险法》第七十四条",
            "scope_users": [world.consumer_member, world.consumer_scoped],
            "information_items": ["gmsfhm", "xm"],
            "valid_until": "2027-06-30",
            "sharing_method": "platform",
        }
        data.update(over)
        return data
    return make


@pytest.fixture
def unknown_year(world, call_as):
    """unknown_year(year): the year as chinesecalendar alone knows it (no Operator rows), also afterwards."""
    from ckanext.liuzhou.calendar import store

    touched: set[int] = set()

    def reset(year):
        calendar = store.load()
        for day in [d for d in calendar.overrides if d.year == year]:
            call_as(world.operator, "holiday_override_delete", day=day.isoformat())
        if year in calendar.confirmed_years:
            call_as(world.operator, "calendar_year_confirm", year=year, confirmed=False)
        return year

    def use(year):
        touched.add(year)
        return reset(year)
    yield use
    for year in sorted(touched):
        reset(year)


MONDAY = "2026-03-02 02:00:00"  # Monday 2 March 2026, 10:00 in Shanghai: a plain working week


@pytest.fixture
def drive(world, call_as, request_data):
    """drive(state, **over): a fresh request of 人社局 brought to ``state`` through the actions."""
    def step(req, event):
        rid = req["id"]
        if event == "approve":
            return call_as(world.provider_admin, "share_request_decide", id=rid, decision="approve")
        if event == "reject":
            return call_as(world.provider_admin, "share_request_decide", id=rid, decision="reject",
                           reason_code="scope_too_broad", reason="知悉范围过大")
        if event == "withdraw":
            return call_as(world.consumer_member, "share_request_withdraw", id=rid)
        if event == "coordinate":
            return call_as(world.consumer_member, "share_request_coordination_open", id=rid, reason="需要协调")
        if event == "deliver":
            return call_as(world.operator, "share_request_deliver", id=rid)
        if event == "quality_issue":
            return call_as(world.consumer_member, "quality_issue_create", id=rid, description="数据缺失")
        if event == "resolve":
            return call_as(world.provider_admin, "quality_issue_resolve", id=rid, resolution="已补全")
        if event in ("suspend", "terminate"):
            return call_as(world.provider_admin, f"share_request_{event}", id=rid, reason="违规使用")
        if event == "expire":
            from freezegun import freeze_time
            with freeze_time("2026-04-02 02:00:00"):
                return call_as(world.operator, "share_request_expire", id=rid)
        raise AssertionError(event)

    paths = {
        "submitted": [], "approved": ["approve"], "rejected": ["reject"], "withdrawn": ["withdraw"],
        "coordinating": ["coordinate"], "delivered": ["approve", "deliver"],
        "quality_issue": ["approve", "deliver", "quality_issue"],
        "fixed": ["approve", "deliver", "quality_issue", "resolve"],
        "suspended": ["approve", "deliver", "suspend"], "terminated": ["approve", "deliver", "terminate"],
        "expired": ["approve", "deliver", "expire"], "authority_review": ["approve"],
    }

    graded: dict = {}

    def make(state: str, **over) -> dict:
        if state == "expired":
            over.setdefault("valid_until", "2026-03-31")
        if state == "authority_review":   # graded data: the provider's approval leads to the Authority
            if not graded:
                site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
                graded.update(tk.get_action("package_create")(site, entry(
                    PROVIDER, "状态机核心数据目录", "conditional", data_grade="core")))
            over.setdefault("package_id", graded["name"])
        req = call_as(world.consumer_member, "share_request_create", **request_data(**over))
        for event in paths[state]:
            req = step(req, event)
        assert req["state"] == state
        return req
    make.step = step
    return make
