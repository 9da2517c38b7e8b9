"""Catalog fixtures: valid entries to vary, users in departments, and the proof that a
refused call saved nothing (no entry, no department, no resource code consumed)."""
from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.conftest import make_user

ITEMS = [
    {"name": "公民身份号码", "identifier": "gmsfhm", "data_type": "C", "length": 18, "description": "18位公民身份号码"},
    {"name": "出生日期", "identifier": "csrq", "data_type": "D", "length": 8, "description": "YYYYMMDD"},
]


def entry(**over) -> dict:
    """A valid base population entry of 市公安局 (Art 15's lead), with ``over`` applied."""
    data = {
        "type": "catalog",
        "title": "柳州市常住人口基础信息",
        "notes": "全市常住人口的身份登记、户籍和居住地基础信息。",
        "owner_org": "lzsgaj",
        "classification": "base",
        "subclass": "population",
        "lead_department": "lzsgaj",
        "format_category": "database",
        "information_items": copy.deepcopy(ITEMS),
        "sharing_type": "unconditional",
        "sharing_method": "platform",
        "sharing_method_type": "api",
        "open_attribute": "not_open",
        "update_cycle": "daily",
        "publish_date": "2024-03-15",
        "source_system": "柳州市人口综合信息管理系统",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def department_entry(org: str, **over) -> dict:
    """A valid department-classified entry of ``org`` (no lead department)."""
    base = {"owner_org": org, "classification": "department", "subclass": "department",
            "lead_department": None, "title": "部门业务数据"}
    return entry(**{**base, **over})


@dataclass(frozen=True)
class Counts:
    packages: int
    organizations: int
    codes_issued: int
    counter_total: int


def counts() -> Counts:
    """What a refused call must leave unchanged, read in a fresh session."""
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        one = lambda sql: int(conn.execute(sa.text(sql)).scalar() or 0)
        return Counts(
            packages=one("SELECT count(*) FROM package"),
            organizations=one("SELECT count(*) FROM \"group\" WHERE is_organization"),
            codes_issued=one("SELECT count(*) FROM liuzhou_resource_code"),
            counter_total=one("SELECT coalesce(sum(last_value), 0) FROM liuzhou_code_counter"),
        )


def error_at(error_dict: dict, path: str):
    """The messages at a dotted path of a ValidationError's dict: 'information_items.1.length'."""
    node = error_dict
    for part in path.split("."):
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node[part]
    return node


@pytest.fixture
def refused(call_as):
    """refused(user, action, path, **data): the call fails on that field and saves nothing."""
    def check(user, action, path, **data):
        before = counts()
        with pytest.raises(tk.ValidationError) as info:
            call_as(user, action, **data)
        messages = error_at(info.value.error_dict, path)
        assert messages and all(isinstance(m, str) and m for m in messages), info.value.error_dict
        assert counts() == before, "a refused call saved something"
        return messages
    return check


@dataclass
class People:
    sysadmin: str
    police_editor: str       # 市公安局 editor: Art 15 lead for 人口
    hr_editor: str           # 市人社局 editor: leads no base catalog
    approval_editor: str     # 市行政审批局 editor: lead for 电子证照
    bigdata_editor: str      # 市大数据发展局 editor: co-lead for 电子证照
    market_editor: str       # 市市场监管局 editor: lead for 法人


@pytest.fixture(scope="module")
def people(departments) -> People:
    return People(
        sysadmin=factories.Sysadmin()["name"],
        police_editor=make_user("lzsgaj", "editor")["name"],
        hr_editor=make_user("lzsrlzyhshbzj", "editor")["name"],
        approval_editor=make_user("lzsxzspj", "editor")["name"],
        bigdata_editor=make_user("lzsdsjfzj", "editor")["name"],
        market_editor=make_user("lzsscjdglj", "editor")["name"],
    )
