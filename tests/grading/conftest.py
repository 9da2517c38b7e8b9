"""Grading fixtures: the sharing World (role users, entries of each sharing type) and, on the
same database, entries graded 重要 and 核心 whose items are marked personal information."""
from __future__ import annotations

import copy

import pytest

import ckan.plugins.toolkit as tk

from tests.sharing.conftest import (  # noqa: F401  (fixtures used by this package)
    ITEMS, PROVIDER, World, entry, request_data, sharing_departments, world)

MARKED = copy.deepcopy(ITEMS)
MARKED[0]["personal_information"] = "sensitive"   # 公民身份号码
MARKED[1]["personal_information"] = "personal"    # 姓名


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}


@pytest.fixture(scope="package")
def graded(world) -> dict[str, dict]:
    """grade → a conditional entry of 公安局 of that grade, its ID number and name marked personal."""
    create = lambda d: tk.get_action("package_create")(site_context(), d)
    return {grade: create(entry(PROVIDER, f"分级测试目录{grade}", "conditional", data_grade=grade,
                                information_items=copy.deepcopy(MARKED)))
            for grade in ("general", "important", "core")}


@pytest.fixture
def ask(world, call_as, graded):
    """ask(grade, **over): a new request of 人社局 for the entry of that grade."""
    def make(grade: str, **over) -> dict:
        data = {"package_id": graded[grade]["name"], "purpose": "社会保障待遇资格认证时核验参保人身份",
                "basis": "《社会保险法》第七十四条", "scope_users": [world.consumer_scoped],
                "information_items": ["gmsfhm", "xm", "csrq"], "valid_until": "2099-12-31"}
        data.update(over)
        return call_as(world.consumer_member, "share_request_create", **data)
    return make
