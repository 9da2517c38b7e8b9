"""City → region (Art 9, 23): the regional platform's stock CKAN harvester harvests the city
catalog over HTTP with an account of the regional platform; what it sees obeys the access rules:
the schema fields, and never a resource's real location."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.sharing.conftest import entry

from .conftest import REGION_ACCOUNT, REGION_INI, region_ckan

SECRET_HOST = "data.liuzhou.example"


@pytest.fixture(scope="module")
def city_entries(departments):
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    made = {}
    for name, title, sharing in [("rkjbxx", "柳州市人口基本信息", "conditional"),
                                 ("gsdjxx", "柳州市工商登记信息", "unconditional"),
                                 ("jmxx", "柳州市涉密人员信息", "not_shared")]:
        made[name] = tk.get_action("package_create")(dict(site), entry("lzsgaj", title, sharing, name=name))
    return made


@pytest.fixture(scope="module")
def region_account(departments):
    """The city account the regional platform uses: a user in no department, with a token."""
    user = make_user(None, name=REGION_ACCOUNT)
    token = tk.get_action("api_token_create")({"ignore_auth": True, "user": user["name"]},
                                              {"user": user["name"], "name": "cascade"})["token"]
    return {"name": user["name"], "token": token}


def region_db():
    url = next(line.split("=", 1)[1].strip() for line in REGION_INI.read_text().splitlines()
               if line.startswith("sqlalchemy.url"))
    return sa.create_engine(url)


def test_region_harvests_the_city_catalog_without_locations(region, city_server, city_entries, region_account):
    api = region.api
    api.action.organization_create(name="lzs-mirror", title="柳州市（级联）")
    api.action.harvest_source_create(
        name="liuzhou-city", title="柳州市数据共享交换平台", url=city_server.url, source_type="ckan",
        owner_org="lzs-mirror", frequency="MANUAL", config=json.dumps({"api_key": region_account["token"]}))
    out = region_ckan("harvester", "run-test", "liuzhou-city", check=False)
    assert out.returncode == 0, out.stdout + out.stderr

    # what the regional harvester saw: every entry, its schema fields, no real location
    with region_db().connect() as db:
        rows = db.execute(sa.text(
            "select o.content from harvest_object o join harvest_source s on s.id = o.harvest_source_id "
            "where s.url = :url"), {"url": city_server.url}).all()
    seen = {json.loads(r[0])["name"]: json.loads(r[0]) for r in rows}
    assert set(city_entries) <= set(seen)
    for name, pkg in seen.items():
        assert SECRET_HOST not in json.dumps(pkg, ensure_ascii=False), name
    assert seen["rkjbxx"]["sharing_type"] == "conditional" and seen["rkjbxx"]["legal_basis"]
    assert seen["rkjbxx"]["information_items"] and seen["rkjbxx"]["resource_code"]
    # conditional: a regional account has no grant, so no location at all
    assert {r["url"] for r in seen["rkjbxx"]["resources"]} == {""}
    # unconditional data is for department users: the regional account (in no department)
    # gets at most the platform's route, never the location
    assert all(r["url"] == "" or r["url"].endswith(f"/data/{r['id']}") for r in seen["gsdjxx"]["resources"])
    assert {r["url"] for r in seen["jmxx"]["resources"]} == {""}

    # and what the regional platform now holds
    for name in city_entries:
        pkg = api.action.package_show(id=name)
        assert SECRET_HOST not in json.dumps(pkg, ensure_ascii=False)
    status = api.action.harvest_source_show(id="liuzhou-city")["status"]["last_job"]
    assert status["status"] == "Finished" and not status["stats"].get("errored"), status


def test_anonymous_region_harvest_sees_nothing(region, city_server, city_entries):
    """Without an account of the platform the city's catalog is closed (the sign-in gate)."""
    import urllib.error
    import urllib.request
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(city_server.url + "/api/3/action/package_search?rows=1", timeout=30)
    assert err.value.code == 403
