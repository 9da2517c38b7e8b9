"""UI fixtures: Liuzhou's departments, a provider editor, and a few catalog entries from the
demo set (a base entry of 市公安局, and entries of a county and of one of its townships)."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.demo import loader
from tests.conftest import make_user

# demo entries used here: owner → title
ENTRIES = {
    "lzsgaj": "柳州市常住人口基础信息",
    "ljq": None,       # the first demo entry of 柳江区
    "ljqlbz": None,    # the first demo entry of 柳江区拉堡镇 (a township under 柳江区)
}


def _site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


@pytest.fixture(scope="module")
def ui_data(departments):
    """Departments plus three demo entries, created through package_create."""
    from ckanext.liuzhou.catalog import slug

    chosen: dict[str, dict] = {}
    for e in loader.entries():
        want = ENTRIES.get(e["owner_org"], False)
        if want is False or e["owner_org"] in chosen:
            continue
        if want is None or e["title"] == want:
            chosen[e["owner_org"]] = e
    created = {}
    for org, e in chosen.items():
        data = dict(e, name=slug.slugify(e["title"]), type="catalog")
        data["tag_string"] = ",".join(data.pop("tags", []))
        created[org] = tk.get_action("package_create")(_site_context(), data)
    editor = make_user("lzsgaj", "editor")
    token = factories.APIToken(user=editor["name"])["token"]
    return {"entries": created, "editor": editor, "auth": {"Authorization": token}}


def csrf_token(html: str) -> str:
    """The CSRF token of a CKAN form page."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
