"""Access fixtures: the sharing World (role users, entries of each sharing type), plus data to
read — an uploaded file and a DataStore table on each entry — and a request delivered to the
consumer's scoped user. One database for the whole package, as in tests/sharing."""
from __future__ import annotations

import json

import io
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.sharing.conftest import (  # noqa: F401  (fixtures used by this package)
    World, drive, request_data, sharing_departments, world)

CSV = "公民身份号码,姓名\n450200199001010011,张三\n".encode("utf-8")
LOCATION = "http://data.liuzhou.example"   # every resource location of the World's entries


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
            "ignore_auth": True}


def add_upload(package_id: str, name: str = "样例数据.csv") -> dict:
    upload = FileStorage(stream=io.BytesIO(CSV), filename=name, content_type="text/csv")
    return tk.get_action("resource_create")(site_context(), {
        "package_id": package_id, "name": "样例数据", "resource_type": "file", "format": "CSV",
        "url": name, "upload": upload})


def add_datastore(package_id: str) -> dict:
    return tk.get_action("datastore_create")(site_context(), {
        "resource": {"package_id": package_id, "name": "核验结果表", "resource_type": "database"},
        "fields": [{"id": "gmsfhm", "type": "text"}, {"id": "xm", "type": "text"}],
        "records": [{"gmsfhm": "450200199001010011", "xm": "张三"}],
        "force": True})


@dataclass
class Data:
    world: World
    upload: dict[str, dict]        # sharing type → uploaded resource
    table: dict[str, dict]         # sharing type → DataStore resource (datastore_create result)
    grant: dict                    # the conditional entry's request, delivered to consumer_scoped
    anonymous_token: str = ""


@pytest.fixture(scope="package")
def data(world, clean_datastore_package) -> Data:
    entries = {"conditional": world.conditional, "not_shared": world.not_shared,
               "unconditional": world.unconditional}
    upload = {k: add_upload(v["id"]) for k, v in entries.items()}
    table = {k: add_datastore(v["id"]) for k, v in entries.items()}
    context = {"user": world.consumer_member, "ignore_auth": False}
    req = tk.get_action("share_request_create")(dict(context), {
        "package_id": world.conditional["name"], "purpose": "社会保障待遇资格认证时核验参保人身份",
        "basis": "《社会保险法》第七十四条", "scope_users": [world.consumer_scoped],
        "information_items": ["gmsfhm", "xm"], "valid_until": "2099-12-31",
        "sharing_method": "platform"})
    tk.get_action("share_request_decide")({"user": world.provider_admin}, {
        "id": req["id"], "decision": "approve"})
    req = tk.get_action("share_request_deliver")({"user": world.operator}, {"id": req["id"]})
    assert req["state"] == "delivered"
    return Data(world, upload, table, req)


@pytest.fixture(scope="package")
def clean_datastore_package(sharing_departments):
    """An empty DataStore for this package (CKAN's clean_datastore is per test)."""
    from sqlalchemy import orm
    from ckanext.datastore.backend import postgres as db
    from ckanext.datastore.tests.helpers import clear_db

    clear_db(orm.scoped_session(orm.sessionmaker(bind=db.get_write_engine())))
    yield


@pytest.fixture(scope="package")
def tokens(world) -> dict[str, dict[str, str]]:
    """user name → Authorization header, for HTTP requests as that user."""
    names = [world.provider_admin, world.provider_editor, world.consumer_admin,
             world.consumer_member, world.consumer_scoped, world.other_admin, world.operator,
             world.authority, world.county_authority, world.county_dept_admin, world.sysadmin]
    return {n: {"Authorization": factories.APIToken(user=n)["token"]} for n in names}


@pytest.fixture(scope="package")
def _shared_app():
    from ckan.tests.helpers import _get_test_app
    return _get_test_app()


@pytest.fixture
def app(_shared_app, ckan_config):
    """One Flask test app for the package (this layer reads its options on each request)."""
    from ckan.lib.app_globals import _CONFIG_CACHE
    _CONFIG_CACHE.clear()
    return _shared_app


def response_text(response) -> str:
    """The body, with a JSON answer's escapes undone (the API's error message)."""
    body = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body
