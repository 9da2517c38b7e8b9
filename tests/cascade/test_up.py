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
    import os
    url = os.environ.get("LIUZHOU_REGION_SQLALCHEMY_URL") or next(line.split("=", 1)[1].strip() for line in REGION_INI.read_text().splitlines()
               if line.startswith("sqlalchemy.url"))
    return sa.create_engine(url)


def _harvest_report(url, out) -> str:
    """What the regional job recorded, for a failure message."""
    with region_db().connect() as db:
        jobs = db.execute(sa.text(
            "select j.status, j.gather_started, j.gather_finished from harvest_job j "
            "join harvest_source s on s.id = j.source_id where s.url = :url"), {"url": url}).all()
        errors = db.execute(sa.text(
            "select e.message from harvest_gather_error e join harvest_job j on j.id = e.harvest_job_id "
            "join harvest_source s on s.id = j.source_id where s.url = :url"), {"url": url}).scalars().all()
    return f"jobs={jobs} gather_errors={errors} run-test output:\n{out.stdout[-2000:]}{out.stderr[-3000:]}"


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
    assert set(city_entries) <= set(seen), _harvest_report(city_server.url, out)
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


@pytest.fixture(scope="module")
def mirrored(region, city_entries):
    """A regional entry mirrored into the city (a liuzhou_region source of the city, run once)."""
    from ckanext.harvest import utils as harvest_utils

    from .conftest import OPERATOR, regional_dataset
    api = region.api
    if not api.action.organization_list(q="gx-dsjj"):
        api.action.organization_create(name="gx-dsjj", title="广西壮族自治区大数据发展局")
    remote = api.action.package_create(**regional_dataset("gx-loop", "广西级联回环测试信息",
                                                          sharing_type="unconditional"))
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    source = tk.get_action("harvest_source_create")({"user": site}, {
        "name": "gx-region-up", "title": "广西壮族自治区数据共享平台", "url": region.url,
        "source_type": "liuzhou_region", "owner_org": OPERATOR, "frequency": "MANUAL",
        "config": json.dumps({"api_key": region.token})})
    harvest_utils.run_test_harvester(source["id"], False)
    import ckan.model as model
    model.Session.remove()
    local = tk.get_action("package_show")({"ignore_auth": True}, {"id": "gx-gx-loop"})
    assert local["id"] == remote["id"]
    return local


def _city(city_server, token, action, **params):
    import urllib.error
    import urllib.parse
    import urllib.request
    req = urllib.request.Request(f"{city_server.url}/api/3/action/{action}?{urllib.parse.urlencode(params)}",
                                 headers={"Authorization": token})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_regional_entries_do_not_go_back_up(region, city_server, city_entries, region_account, mirrored):
    """The region's account sees the city's own entries but none mirrored from the region, in
    every read the harvester may use; other city users still see them."""
    # the region holds copies of the city's entries (same ids, the first test harvested them up):
    # the city's own harvest of the region leaves its originals alone
    from ckanext.liuzhou.cascade.model import CascadeEntry
    for name, pkg in city_entries.items():
        here = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
        assert here["owner_org"] == pkg["owner_org"] and CascadeEntry.get(pkg["id"]) is None, name
    token = region_account["token"]
    status, body = _city(city_server, token, "package_search", q="*:*", rows=1000)
    names = {p["name"] for p in body["result"]["results"]}
    assert set(city_entries) <= names and "gx-gx-loop" not in names
    assert not any(p["type"] == "harvest" for p in body["result"]["results"])  # nor harvest sources
    _, body = _city(city_server, token, "package_search", fq=f"id:{mirrored['id']}")
    assert body["result"]["count"] == 0
    for fq in ("tags:自治区目录", f"name:gx-gx-loop OR id:{mirrored['id']}"):  # a caller's fq cannot undo it
        _, body = _city(city_server, token, "package_search", fq=fq)
        assert "gx-gx-loop" not in {p["name"] for p in body["result"]["results"]}, fq
    _, body = _city(city_server, token, "package_list")
    assert set(city_entries) <= set(body["result"]) and "gx-gx-loop" not in body["result"]
    assert "gx-region-up" not in body["result"]
    _, body = _city(city_server, token, "current_package_list_with_resources", limit=1000)
    assert "gx-gx-loop" not in {p["name"] for p in body["result"]}
    assert _city(city_server, token, "package_show", id="gx-gx-loop")[0] == 404
    assert _city(city_server, token, "package_show", id=mirrored["id"])[0] == 404
    assert _city(city_server, token, "resource_show", id=mirrored["resources"][0]["id"])[0] == 404
    assert _city(city_server, token, "package_show", id="rkjbxx")[0] == 200

    # a city department user still finds the regional entry
    user = make_user("lzsgaj", role="member")["name"]
    other = tk.get_action("api_token_create")({"ignore_auth": True, "user": user}, {"user": user, "name": "t"})["token"]
    _, body = _city(city_server, other, "package_search", fq=f"id:{mirrored['id']}")
    assert body["result"]["count"] == 1
    assert _city(city_server, other, "package_show", id="gx-gx-loop")[0] == 200

    # and the regional harvester of the city, run again, brings nothing regional back
    out = region_ckan("harvester", "run-test", "liuzhou-city", check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    with region_db().connect() as db:
        names = {r[0] for r in db.execute(sa.text("select name from package where state = 'active'"))}
    assert set(city_entries) <= names
    assert not {n for n in names if n.startswith("gx-gx-")}, names
    assert "gx-loop" in names  # the region's own entry, once


@pytest.mark.ckan_config("ckanext.liuzhou.cascade.region_user", REGION_ACCOUNT)
def test_in_process_search_as_the_region_account_leaves_regional_entries_out(region_account, mirrored):
    """The chained package_search applies the same filter when code calls it with the region's
    account in the context, outside any web request."""
    found = tk.get_action("package_search")({"user": REGION_ACCOUNT}, {"fq": f"id:{mirrored['id']}"})
    assert found["count"] == 0
    user = make_user("lzsgaj", role="member")["name"]
    assert tk.get_action("package_search")({"user": user}, {"fq": f"id:{mirrored['id']}"})["count"] == 1
