"""Region → city the way the Operator runs it: the harvest pages over HTTP (create the source,
reharvest), then ckanext-harvest's Redis queues with its real consumers (`ckan harvester
gather-consumer` / `fetch-consumer` as processes) and `ckan harvester run` to close the job.
The harvest pages are the Operator's and sysadmins'; every other user is refused."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.harvest.model import HarvestJob

from tests.conftest import make_user

from .conftest import OPERATOR, regional_dataset

CKAN = str(Path(sys.executable).parent / "ckan")
SOURCE = "gx-region-queue"


def csrf(html: str) -> str:
    import re
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def city_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CKAN_SQLALCHEMY_URL": tk.config["sqlalchemy.url"], "CKAN_SOLR_URL": tk.config["solr_url"],
                "CKAN_REDIS_URL": tk.config["ckan.redis.url"]})
    return env


def city_ckan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CKAN, "-c", tk.config["__file__"], *args], env=city_env(), capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def users(departments):
    def token(name):
        return {"Authorization": factories.APIToken(user=name)["token"]}
    operator = make_user(OPERATOR, role="editor")["name"]
    return {"operator": token(operator), "operator_member": token(make_user(OPERATOR, role="member")["name"]),
            "department_admin": token(make_user("lzsgaj", role="admin")["name"]),
            "plain": token(factories.User()["name"])}


@pytest.fixture(scope="module")
def regional_entries(region):
    api = region.api
    if not api.action.organization_list(q="gx-dsjj"):
        api.action.organization_create(name="gx-dsjj", title="广西壮族自治区大数据发展局")
    for name, title in [("gx-queue-a", "广西队列测试信息一"), ("gx-queue-b", "广西队列测试信息二")]:
        api.action.package_create(**regional_dataset(name, title, sharing_type="unconditional"))
    return sorted("gx-" + p["name"] for p in api.action.package_search(rows=1000)["results"])


@pytest.fixture
def source(app, users, region, regional_entries):
    """The Operator creates the source on /harvest/new (the first test that needs it)."""
    try:
        return tk.get_action("harvest_source_show")({"ignore_auth": True}, {"id": SOURCE})
    except tk.ObjectNotFound:
        pass
    form = app.get("/harvest/new", headers=users["operator"])
    assert form.status_code == 200
    response = app.post("/harvest/new", headers=users["operator"], data={
        "_csrf_token": csrf(form.body), "url": region.url, "title": "广西壮族自治区数据共享平台（队列）",
        "name": SOURCE, "notes": "", "source_type": "liuzhou_region", "frequency": "MANUAL",
        "config": json.dumps({"api_key": region.token}), "owner_org": model.Group.get(OPERATOR).id,
        "save": "Save"}, follow_redirects=False)
    assert response.status_code == 302, response.body
    return tk.get_action("harvest_source_show")({"ignore_auth": True}, {"id": SOURCE})


PAGES = ["/harvest/", "/harvest/new", f"/harvest/{SOURCE}", f"/harvest/admin/{SOURCE}", f"/harvest/{SOURCE}/job"]


def test_harvest_pages_render_for_the_operator(app, users, source):
    for page in PAGES:
        response = app.get(page, headers=users["operator"])
        assert response.status_code == 200, page
    assert "广西壮族自治区数据共享平台（队列）" in app.get(f"/harvest/{SOURCE}", headers=users["operator"]).body


@pytest.mark.parametrize("who", ["department_admin", "plain"])
def test_harvest_pages_refuse_others(app, users, source, who):
    for page in PAGES:
        assert app.get(page, headers=users[who]).status_code == 403, page
    assert app.post(f"/harvest/refresh/{source['id']}", headers=users[who]).status_code == 403


def test_others_cannot_create_or_run_harvest_sources_through_the_api(users, source, region):
    admin = make_user("lzsgaj", role="admin")["name"]
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("harvest_source_create")({"user": admin}, {
            "name": "gx-rogue", "url": region.url, "source_type": "ckan", "owner_org": "lzsgaj"})
    for action, data in [("harvest_job_create", {"source_id": source["id"]}),
                         ("harvest_source_update", {**source, "url": "http://127.0.0.1:9/"}),
                         ("package_delete", {"id": source["id"]})]:
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)({"user": admin}, data)


def test_reharvest_is_post_only(app, users, source):
    assert app.get(f"/harvest/refresh/{source['id']}", headers=users["operator"]).status_code == 405
    assert app.get(f"/harvest/clear/{source['id']}", headers=users["operator"]).status_code == 405


def test_reharvest_runs_through_the_redis_queues(app, users, source, regional_entries, tmp_path):
    city_ckan("harvester", "purge-queues")
    admin_page = app.get(f"/harvest/admin/{SOURCE}", headers=users["operator"])
    response = app.post(f"/harvest/refresh/{source['id']}", headers=users["operator"],
                        data={"_csrf_token": csrf(admin_page.body)}, follow_redirects=False)
    assert response.status_code == 302
    model.Session.remove()
    job = model.Session.query(HarvestJob).filter(HarvestJob.source_id == source["id"]).one()
    job_id = job.id

    logs = [open(tmp_path / f"{n}.log", "wb") for n in ("gather", "fetch")]
    consumers = [subprocess.Popen([CKAN, "-c", tk.config["__file__"], "harvester", f"{n}-consumer"],
                                  env=city_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
                 for n, log in zip(("gather", "fetch"), logs)]
    try:
        deadline = time.monotonic() + 300
        status = None
        while time.monotonic() < deadline:
            run = city_ckan("harvester", "run")  # what the schedule runs: marks the job finished
            assert run.returncode == 0, run.stderr[-2000:]
            model.Session.remove()
            status = model.Session.get(HarvestJob, job_id).status
            if status == "Finished":
                break
            time.sleep(2)
    finally:
        for c in consumers:
            c.terminate()
        for c in consumers:
            c.wait(timeout=30)
    output = "".join((tmp_path / f"{n}.log").read_text(errors="replace")[-3000:] for n in ("gather", "fetch"))
    assert status == "Finished", output

    report = tk.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job_id})
    assert not report["stats"].get("errored"), report
    names = sorted(p.name for p in model.Session.query(model.Package).filter(
        model.Package.name.like("gx-%"), model.Package.state == "active", model.Package.type == "catalog"))
    assert names == regional_entries
    # the job's page shows it to the Operator
    page = app.get(f"/harvest/{SOURCE}/job/{job_id}", headers=users["operator"])
    assert page.status_code == 200
