"""Correction fixtures: the sharing package's world (Liuzhou's departments, a user in each role,
entries of each sharing type), made once for all of tests/correction, and fresh entries.

Tests make their own entries and reports; nothing here resets the database between tests.
"""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from tests.sharing.conftest import (AUTHORITY, CONSUMER, COUNTY_DEPT, MONDAY, OPERATOR, OTHER,  # noqa: F401
                                    PROVIDER, drive, entry, request_data, sharing_departments, world)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "户籍地址截图.pdf", body: bytes = PDF, content_type: str = "application/pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(body), filename=name, content_type=content_type)


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}


_counter = iter(range(1, 10_000))


@pytest.fixture
def new_entry(world):
    """new_entry(org=provider, sharing_type=unconditional, **over): a fresh published entry."""
    def make(org: str = PROVIDER, sharing_type: str = "unconditional", **over) -> dict:
        over.setdefault("title", f"纠错测试目录{next(_counter)}")
        return tk.get_action("package_create")(site_context(), entry(org, over.pop("title"), sharing_type, **over))
    return make


@pytest.fixture
def report(world, call_as, new_entry):
    """report(**over): an error report of 人社局 on the update cycle of a fresh entry of 公安局."""
    def make(user=None, **over) -> dict:
        data = {"package_id": over.pop("package_id", None) or new_entry()["name"], "field": "update_cycle",
                "description": "目录写明每日更新，实际半年未更新"}
        data.update(over)
        return call_as(user or world.consumer_member, "correction_create", **data)
    return make
