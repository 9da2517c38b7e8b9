"""Region → city (Art 9): the regional catalog mirrored into the city catalog by ckanext-harvest's
machinery (harvest job, gather / fetch / import), mapped onto the catalog schema, read-only here."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest import utils as harvest_utils
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.liuzhou.cascade import mapping
from ckanext.liuzhou.cascade.plan import plan
from tests.conftest import make_user

from .conftest import OPERATOR, regional_dataset

pytestmark = pytest.mark.usefixtures("departments")


@pytest.fixture(scope="module")
def regional(region):
    """The regional catalog: a full entry, one with only CKAN's own fields, a private one."""
    api = region.api
    api.action.organization_create(name="gx-dsjj", title="广西壮族自治区大数据发展局")
    full = api.action.package_create(**regional_dataset(
        "gx-bdcdj", "广西不动产登记信息", sharing_type="conditional", sharing_conditions="仅限审批使用",
        legal_basis="《不动产登记暂行条例》", format_category="database", update_cycle="daily",
        open_attribute="not_open", sharing_method="platform", resource_code="101450/000123"))
    bare = api.action.package_create(**regional_dataset("gx-qyjbxx", "广西企业基本信息"))
    api.action.package_create(private=True, **regional_dataset("gx-neibu", "广西内部数据"))
    return {"full": full, "bare": bare}


@pytest.fixture(scope="module")
def source(region, regional):
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return tk.get_action("harvest_source_create")({"user": site}, {
        "name": "gx-region", "title": "广西壮族自治区数据共享平台", "url": region.url,
        "source_type": "liuzhou_region", "owner_org": OPERATOR, "frequency": "MANUAL",
        "config": json.dumps({"api_key": region.token})})


def run(source) -> dict:
    harvest_utils.run_test_harvester(source["id"], False)
    model.Session.remove()
    job = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source["id"])
           .order_by(HarvestJob.created.desc()).first())
    return tk.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job.id})


def show(name, user=None):
    context = {"ignore_auth": True} if user is None else {"user": user}
    return tk.get_action("package_show")(context, {"id": name})


def regional_names():
    return sorted(p.name for p in model.Session.query(model.Package).filter(
        model.Package.name.like("gx-%"), model.Package.state == "active", model.Package.type == "catalog"))


def test_dry_run_before_the_first_run_lists_what_it_would_add(source):
    p = plan(source["id"])
    assert sorted(p["add"]) == ["gx-gx-bdcdj", "gx-gx-qyjbxx"]
    assert p["change"] == [] and p["remove"] == []
    assert regional_names() == []  # a dry run writes nothing


def test_first_run_maps_regional_entries_onto_the_catalog(source, regional):
    job = run(source)
    assert job["status"] == "Finished", job
    assert job["stats"].get("errored", 0) == 0, job
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-qyjbxx"]  # the private one is not mirrored

    full = show("gx-gx-bdcdj")
    assert full["id"] == regional["full"]["id"]
    assert full["type"] == "catalog" and full["owner_org"] == model.Group.get(OPERATOR).id
    assert full["sharing_type"] == "conditional" and full["legal_basis"] == "《不动产登记暂行条例》"
    assert full["format_category"] == "database" and full["update_cycle"] == "daily"
    assert mapping.REGIONAL_TAG in {t["name"] for t in full["tags"]}
    assert [r["id"] for r in full["resources"]] == [r["id"] for r in regional["full"]["resources"]]
    assert full["resource_code"] and full["resource_code"] != "101450/000123"  # the city's own code
    info = tk.get_action("cascade_entry_show")({"user": factories.User()["name"]}, {"id": full["id"]})
    assert info["regional"] and info["remote_resource_code"] == "101450/000123"
    assert "legal_basis" not in info["missing_fields"]

    bare = show("gx-gx-qyjbxx")
    info = tk.get_action("cascade_entry_show")({"user": factories.User()["name"]}, {"id": bare["id"]})
    # a regional entry that lacks catalog fields gets a marker, not a crash
    assert {"sharing_type", "legal_basis", "sharing_conditions", "information_items",
            "format_category"} <= set(info["missing_fields"])
    assert bare["sharing_type"] == "conditional" and mapping.is_marked(bare["legal_basis"])


def test_city_users_cannot_change_regional_entries(source):
    pkg = show("gx-gx-bdcdj")
    admin = make_user(OPERATOR, role="admin")["name"]
    for action, data in [("package_update", {**pkg, "title": "改名"}),
                         ("package_patch", {"id": pkg["id"], "title": "改名"}),
                         ("package_delete", {"id": pkg["id"]}),
                         ("resource_create", {"package_id": pkg["id"], "name": "x", "url": "http://x.example/",
                                              "resource_type": "file"}),
                         ("resource_patch", {"id": pkg["resources"][0]["id"], "name": "x"}),
                         ("resource_delete", {"id": pkg["resources"][0]["id"]})]:
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)({"user": admin}, data)
    # a city entry of the same department stays editable by its admin
    assert tk.check_access("package_create", {"user": admin}, {"owner_org": OPERATOR, "type": "catalog"})


def _token(user):
    return tk.get_action("api_token_create")({"ignore_auth": True, "user": user}, {"user": user, "name": "t"})["token"]


def test_entry_page_says_regional_and_what_is_missing(app, source):
    user = make_user(OPERATOR, role="member")["name"]
    page = app.get("/catalog/gx-gx-qyjbxx", headers={"Authorization": _token(user)})
    assert 'data-regional="true"' in page.body
    assert "采集自自治区数据共享平台" in page.body and "自治区目录未提供" in page.body
    assert "共享类型" in page.body.split("liuzhou-cascade-regional", 1)[1].split("</div>", 1)[0]
    # a city entry has no such banner
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    from tests.sharing.conftest import entry
    tk.get_action("package_create")({"user": site}, entry(OPERATOR, "柳州市测试目录", "unconditional", name="city-x"))
    assert 'data-regional="true"' not in app.get("/catalog/city-x", headers={"Authorization": _token(user)}).body


def test_rerun_without_changes_duplicates_nothing(source):
    before = {n: show(n) for n in regional_names()}
    job = run(source)
    assert job["status"] == "Finished" and not job["stats"].get("errored")
    assert regional_names() == sorted(before)
    for name, pkg in before.items():
        again = show(name)
        assert again["id"] == pkg["id"]
        assert [r["id"] for r in again["resources"]] == [r["id"] for r in pkg["resources"]]
    assert model.Session.query(model.Package).filter(model.Package.name.like("gx-%"),
                                                     model.Package.type == "catalog").count() == 2


def test_rerun_applies_changes_deletions_and_visibility(source, region, regional):
    api = region.api
    api.action.package_patch(id="gx-bdcdj", title="广西不动产登记信息（2026版）",
                             extras=[{"key": "sharing_type", "value": "not_shared"},
                                     {"key": "legal_basis", "value": "《不动产登记暂行条例》"}])
    api.action.package_delete(id="gx-qyjbxx")
    api.action.package_create(**regional_dataset("gx-shbx", "广西社会保险参保信息", sharing_type="unconditional"))
    p = plan(source["id"])
    assert p["add"] == ["gx-gx-shbx"] and p["change"] == ["gx-gx-bdcdj"] and p["remove"] == ["gx-gx-qyjbxx"]

    job = run(source)
    assert job["status"] == "Finished" and not job["stats"].get("errored"), job
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-shbx"]
    changed = show("gx-gx-bdcdj")
    assert changed["title"] == "广西不动产登记信息（2026版）" and changed["sharing_type"] == "not_shared"
    assert changed["id"] == regional["full"]["id"]
    assert show("gx-gx-qyjbxx")["state"] == "deleted"

    # the region makes an entry private: gone here on the next run
    api.action.package_patch(id="gx-shbx", private=True)
    run(source)
    assert regional_names() == ["gx-gx-bdcdj"]
    # and public again: back, same id, same name
    api.action.package_patch(id="gx-shbx", private=False)
    run(source)
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-shbx"]
    assert model.Session.query(model.Package).filter(model.Package.name == "gx-gx-shbx").count() == 1


def test_region_down_during_a_job_is_an_error_of_the_job_and_a_rerun_completes(source, region):
    region.stop()
    try:
        job = run(source)
    finally:
        region.start()
    assert job["status"] == "Finished"
    assert job["stats"].get("errored", 0) >= 0
    health = tk.get_action("cascade_health")({"ignore_auth": True, "user": ""}, {})
    errors = health["down"][0]["last_job"]["errors"]
    assert errors and "Unable to search remote CKAN" in errors[0]
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-shbx"]  # nothing removed by a failed gather
    job = run(source)
    assert job["status"] == "Finished" and not job["stats"].get("errored")
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-shbx"]


def test_source_configuration_only_for_sysadmins_and_the_operator(source, region):
    member = make_user("lzsgaj", role="admin")["name"]
    operator = make_user(OPERATOR, role="member")["name"]
    assert tk.get_action("package_show")({"user": member}, {"id": source["id"]})["config"] == ""
    assert tk.get_action("harvest_source_show")({"user": member}, {"id": source["id"]})["config"] == ""
    found = tk.get_action("package_search")({"user": member}, {"fq": "dataset_type:harvest"})["results"]
    assert found and all(region.token not in json.dumps(p) for p in found)
    for action in ("harvest_source_list", "harvest_object_show"):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)({"user": member}, {"id": "x"})
    assert region.token in tk.get_action("package_show")({"user": operator}, {"id": source["id"]})["config"]
    assert isinstance(tk.get_action("harvest_source_list")({"user": operator}, {}), list)  # not refused


def test_a_job_whose_worker_died_is_closed_with_an_error(source):
    """`ckan harvester run` (harvest_jobs_run, scheduled) closes a job that has not moved for
    ckan.harvest.timeout minutes (120 in portal.ini) instead of leaving it running."""
    import datetime as dt
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    job = tk.get_action("harvest_job_create")({"user": site}, {"source_id": source["id"]})
    stale = dt.datetime.utcnow() - dt.timedelta(hours=3)
    obj = HarvestJob.get(job["id"])
    obj.status, obj.created, obj.gather_started, obj.gather_finished = "Running", stale, stale, stale
    obj.save()
    tk.get_action("harvest_jobs_run")({"user": site}, {"source_id": source["id"]})
    model.Session.remove()
    shown = tk.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job["id"]})
    assert shown["status"] == "Finished"
    assert any("timeout" in e["message"] for e in
               tk.get_action("harvest_job_report")({"ignore_auth": True}, {"id": job["id"]})["gather_errors"])


def test_region_recreates_a_deleted_entry_under_the_same_name(source, region):
    """A new regional entry (new id) with the name of one deleted earlier takes that name here."""
    region.api.action.dataset_purge(id="gx-qyjbxx")
    again = region.api.action.package_create(**regional_dataset("gx-qyjbxx", "广西企业基本信息（新）"))
    job = run(source)
    assert not job["stats"].get("errored"), job
    pkg = show("gx-gx-qyjbxx")
    assert pkg["id"] == again["id"] and pkg["state"] == "active"
