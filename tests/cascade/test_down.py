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


def test_bulk_actions_of_the_organization_leave_regional_entries_alone(source):
    """The Operator's organization owns the regional entries here: its admin's bulk actions
    (its datasets page) are refused for them, as package_update / package_delete are."""
    pkg = show("gx-gx-bdcdj")
    admin = make_user(OPERATOR, role="admin")["name"]
    for action in ("bulk_update_private", "bulk_update_public", "bulk_update_delete"):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)({"user": admin}, {"datasets": [pkg["id"]], "org_id": OPERATOR})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("package_revise")({"user": admin}, {"match": {"id": pkg["id"]}, "update": {"title": "改名"}})
    again = show("gx-gx-bdcdj")
    assert again["state"] == "active" and not again["private"] and again["title"] == pkg["title"]
    # the same admin may still use them on the city's own entries
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    from tests.sharing.conftest import entry
    own = tk.get_action("package_create")({"user": site}, entry(OPERATOR, "柳州市批量测试目录", "unconditional",
                                                                  name="city-bulk"))
    for action in ("bulk_update_private", "bulk_update_public", "bulk_update_delete"):
        assert tk.check_access(action, {"user": admin}, {"datasets": [own["id"]], "org_id": OPERATOR})


def test_activity_records_never_hold_the_source_configuration(source, region):
    """CKAN's activity plugin keeps a copy of the source in each activity, readable by whoever
    reads its activity stream: the copy is written without the configuration (the region's
    token); one written earlier is blanked by the scheduled prune."""
    import datetime as dt
    import uuid

    from ckanext.activity.model.activity import Activity

    from ckanext.liuzhou.cascade import schedule
    member = make_user("lzsgaj", role="admin")["name"]
    # the record the activity plugin writes when a source changes: the source as package_show
    # gives it with ignore_auth (configuration included)
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": source["id"]})
    assert region.token in shown["config"]
    # (by the Operator: activities of the site user are hidden from streams)
    operator = model.User.get(make_user(OPERATOR, role="editor")["name"])
    tk.get_action("activity_create")({"ignore_auth": True, "user": operator.name}, {
        "user_id": operator.id, "object_id": source["id"], "activity_type": "changed package",
        "data": {"package": shown, "actor": operator.name}, "permission_labels": ["public"]})
    streams = [tk.get_action(action)({"user": member}, {"id": ref}) for action, ref in
               (("package_activity_list", source["id"]), ("organization_activity_list", OPERATOR))]
    assert streams[0]
    assert all(region.token not in json.dumps(s, ensure_ascii=False) for s in streams)
    stored = model.Session.query(Activity).filter(Activity.object_id == source["id"]).all()
    assert stored and all(region.token not in json.dumps(a.data, ensure_ascii=False) for a in stored)

    # a record left by older code (written beside the ORM, so no listener runs)
    old_id = str(uuid.uuid4())
    model.Session.execute(Activity.__table__.insert().values(
        id=old_id, timestamp=dt.datetime.utcnow(), user_id=operator.id, object_id=source["id"],
        activity_type="changed package", data={"package": shown}, permission_labels=["public"]))
    model.Session.commit()
    assert region.token in json.dumps(model.Session.get(Activity, old_id).data)
    results = schedule.run(only=("prune",), force=True)
    assert results[0]["ok"] and "1 activities" in results[0]["message"], results
    model.Session.remove()
    assert region.token not in json.dumps(model.Session.get(Activity, old_id).data)
    assert region.token not in json.dumps(tk.get_action("package_activity_list")({"user": member}, {"id": source["id"]}))


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


def test_a_rerun_without_changes_lists_the_region_and_fetches_no_entry_whole(source, region):
    """A re-run asks the region for its listing (ids, names, modification times) only: an entry
    the city holds as it is is not fetched again (the stock harvester fetched every entry whole
    on every run)."""
    proxy = StopsTheRegionOnPageTwo(region, stop=False)
    _point_source_at(source, proxy.url)
    try:
        job = run(source)
    finally:
        proxy.close()
        _point_source_at(source, region.url)
    assert job["status"] == "Finished" and job["stats"]["not modified"] == 2, job["stats"]
    assert not any(job["stats"].get(k) for k in ("added", "updated", "errored", "deleted")), job["stats"]
    assert proxy.searches and all(q.get("fl") == ["id,name,metadata_modified"] for q in proxy.searches), proxy.searches
    # a changed entry is fetched whole, alone
    region.api.action.package_patch(id="gx-qyjbxx", notes="广西企业基本信息（自治区平台，修订）")
    proxy = StopsTheRegionOnPageTwo(region, stop=False)
    _point_source_at(source, proxy.url)
    try:
        job = run(source)
    finally:
        proxy.close()
        _point_source_at(source, region.url)
    assert job["stats"]["updated"] == 1 and job["stats"]["not modified"] == 1, job["stats"]
    whole = [q for q in proxy.searches if "fl" not in q]
    assert len(whole) == 1 and whole[0]["fq"][0].count('"') == 2, proxy.searches
    assert show("gx-gx-qyjbxx")["notes"] == "广西企业基本信息（自治区平台，修订）"


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
    # indexed as harvested by the source again (the mark that keeps it from going back up)
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    marked = tk.get_action("package_search")({"user": site}, {
        "fq": f'harvest_source_id:"{source["id"]}"', "rows": 100})["results"]
    assert sorted(p["name"] for p in marked) == ["gx-gx-bdcdj", "gx-gx-shbx"]


@pytest.mark.ckan_config("ckanext.liuzhou.cascade.region_user", "gx_region_down")
def test_an_entry_back_in_the_regional_catalog_does_not_go_back_up(source):
    """An entry removed here (made private at the region) and mirrored again is still left out
    of what the region's account finds (its harvester would otherwise take the city's copy of
    the region's own entry for a city entry and overwrite the original with it)."""
    make_user(None, name="gx_region_down")
    found = tk.get_action("package_search")({"user": "gx_region_down"}, {"q": "*:*", "rows": 1000})["results"]
    assert found  # the city's own entries
    assert not [p["name"] for p in found if p["name"].startswith("gx-")]


def test_region_down_during_a_job_is_an_error_of_the_job_and_a_rerun_completes(source, region):
    region.stop()
    try:
        job = run(source)
    finally:
        region.start()
    assert job["status"] == "Finished"
    # the gather failed: no object was fetched (none added, updated or deleted), and what the
    # job counts as errored are its gather errors
    report = tk.get_action("harvest_job_report")({"ignore_auth": True, "user": ""}, {"id": job["id"]})
    assert report["gather_errors"] and report["object_errors"] == {}
    assert {status: n for status, n in job["stats"].items() if n} == {"errored": len(report["gather_errors"])}
    health = tk.get_action("cascade_health")({"ignore_auth": True, "user": ""}, {})
    errors = health["down"][0]["last_job"]["errors"]
    assert errors and "Unable to search remote CKAN" in errors[0]
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-shbx"]  # nothing removed by a failed gather
    job = run(source)
    assert job["status"] == "Finished" and not job["stats"].get("errored")
    assert regional_names() == ["gx-gx-bdcdj", "gx-gx-shbx"]


class StopsTheRegionOnPageTwo:
    """A reverse proxy in front of the regional platform (as a regional nginx would be) that
    stops the region's web server when the harvester asks for the second page of its catalog:
    the region fails in the middle of the job's gather, after answering the first page."""

    def __init__(self, region, stop: bool = True):
        import http.server
        import threading
        import urllib.error
        import urllib.request
        self.region, self.pages, self.searches = region, [], []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                from urllib.parse import parse_qs, urlsplit
                if "package_search" in self.path:
                    query = parse_qs(urlsplit(self.path).query)
                    proxy.searches.append(query)
                    start = int(query.get("start", ["0"])[0])
                    proxy.pages.append(start)
                    if stop and start > 0 and proxy.region.process is not None:
                        proxy.region.stop()
                req = urllib.request.Request(proxy.region.url + self.path, headers={
                    k: v for k, v in self.headers.items() if k.lower() in ("authorization", "accept")})
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        status, body = r.status, r.read()
                except urllib.error.HTTPError as e:
                    status, body = e.code, e.read()
                except (urllib.error.URLError, ConnectionError):
                    status, body = 502, b"<html><body>502 Bad Gateway</body></html>"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _point_source_at(source, url):
    from ckanext.harvest.model import HarvestSource
    obj = HarvestSource.get(source["id"])
    obj.url = url
    obj.save()


def test_region_failing_in_the_middle_of_a_job_then_a_rerun_completes(source, region):
    """The region answers the first page of its catalog, then its web server stops: the job
    reports the error; nothing of the partial list is applied (no entry added, none removed as
    "gone"); with the region back, a rerun completes with nothing duplicated or lost."""
    before = {n: show(n)["id"] for n in regional_names()}
    added = region.api.action.package_create(**regional_dataset("gx-zjsb", "广西中途故障测试信息"))
    proxy = StopsTheRegionOnPageTwo(region)
    _point_source_at(source, proxy.url)
    try:
        job = run(source)
    finally:
        proxy.close()
        _point_source_at(source, region.url)
        if region.process is None:
            region.start()
    # page 1 answered (all the region has), the region died when asked for page 2
    assert len(proxy.pages) == 2 and proxy.pages[0] == 0 < proxy.pages[1], proxy.pages
    assert job["status"] == "Finished"
    report = tk.get_action("harvest_job_report")({"ignore_auth": True}, {"id": job["id"]})
    assert any("Unable to search remote CKAN" in e["message"] and "502" in e["message"]
               for e in report["gather_errors"]), report
    assert {n: show(n)["id"] for n in regional_names()} == before  # nothing added, nothing removed

    job = run(source)
    assert job["status"] == "Finished" and not job["stats"].get("errored"), job
    after = {n: show(n)["id"] for n in regional_names()}
    assert after == {**before, "gx-gx-zjsb": added["id"]}
    assert model.Session.query(model.Package).filter(model.Package.name.like("gx-%"),
                                                     model.Package.type == "catalog",
                                                     model.Package.state == "active").count() == len(after)
    assert [r["id"] for r in show("gx-gx-zjsb")["resources"]] == [r["id"] for r in added["resources"]]


def test_the_operator_watches_jobs_on_the_harvest_pages(app, source):
    """A member of the Operator's organization reads the jobs and their reports on the pages
    (and through the API); a department's admin does not; running a job stays with editors."""
    job = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source["id"])
           .order_by(HarvestJob.created.desc()).first())
    member = make_user(OPERATOR, role="member")["name"]
    other = make_user("lzsgaj", role="admin")["name"]
    for path in (f"/harvest/{source['name']}/job", f"/harvest/{source['name']}/job/{job.id}",
                 f"/harvest/{source['name']}/job/last"):
        page = app.get(path, headers={"Authorization": _token(member)})
        assert page.status_code == 200, path
        app.get(path, headers={"Authorization": _token(other)}, status=403)
    report = tk.get_action("harvest_job_report")({"user": member}, {"id": job.id})  # allowed: no NotAuthorized
    assert set(report) == {"gather_errors", "object_errors"}
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("harvest_job_list")({"user": other}, {"source_id": source["id"]})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("harvest_job_create")({"user": member}, {"source_id": source["id"]})


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
