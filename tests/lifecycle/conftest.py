"""Lifecycle fixtures: the sharing package's world (Liuzhou's departments, a user in each role,
entries of each sharing type), made once for all of tests/lifecycle, plus an attachment.

Tests make their own entries and requests; nothing here resets the database between tests.
"""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.conftest import make_user
from tests.sharing.conftest import (AUTHORITY, CONSUMER, COUNTY_DEPT, OPERATOR, OTHER, PROVIDER,  # noqa: F401
                                    drive, entry, request_data, sharing_departments, world)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "目录下线申请表.pdf") -> FileStorage:
    """A signed and stamped form, as the browser or an API client uploads it."""
    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}


_counter = iter(range(1, 10_000))


@pytest.fixture
def new_entry(world):
    """new_entry(org=provider, sharing_type=unconditional, **over): a fresh published entry."""
    def make(org: str = PROVIDER, sharing_type: str = "unconditional", **over) -> dict:
        over.setdefault("title", f"生命周期测试目录{next(_counter)}")
        return tk.get_action("package_create")(site_context(), entry(org, over.pop("title"), sharing_type, **over))
    return make


@pytest.fixture
def token():
    """token(user): an API token, for calls over HTTP as that user."""
    def make(user: str) -> dict:
        return {"Authorization": factories.APIToken(user=user)["token"]}
    return make


@pytest.fixture
def authority_member(world):
    """A member (not admin) of the Authority."""
    return make_user(AUTHORITY, "member")["name"]
