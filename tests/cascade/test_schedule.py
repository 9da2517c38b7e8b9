"""The cascade's schedule (`ckan liuzhou schedule run`): each task runs when its interval has
passed since it last ran, once whoever calls; a failing task is reported, does not stop the
others and is due again; pruning keeps current harvest objects and each source's last job."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectError

from ckanext.liuzhou.cascade import schedule

from tests.conftest import at_once

from .conftest import OPERATOR

pytestmark = pytest.mark.usefixtures("departments")
T0 = dt.datetime(2026, 11, 2, 8, 0)


@pytest.fixture
def fresh():
    model.Session.execute(sa.text("DELETE FROM system_info WHERE key LIKE 'liuzhou.schedule.%'"))
    model.Session.commit()
    yield
    # the evaluation task computed aggregates: the other tests read their figures live
    model.Session.execute(sa.text("DELETE FROM liuzhou_eval_agg; DELETE FROM liuzhou_eval_refresh"))
    model.Session.commit()


def ran(results) -> list[str]:
    return [r["task"] for r in results]


def test_each_task_runs_when_due_and_once(fresh):
    everything = ["harvest", "negative_list", "prune", "deadlines", "reminders", "mail_retry", "evaluation"]
    assert ran(schedule.run(now=T0)) == everything  # never ran: all due
    assert schedule.run(now=T0 + dt.timedelta(minutes=1)) == []
    assert ran(schedule.run(now=T0 + dt.timedelta(minutes=5))) == ["harvest"]
    assert ran(schedule.run(now=T0 + dt.timedelta(minutes=7))) == []
    assert ran(schedule.run(now=T0 + dt.timedelta(minutes=10))) == ["harvest", "mail_retry", "evaluation"]
    assert ran(schedule.run(now=T0 + dt.timedelta(hours=24))) == everything
    status = {s["task"]: s for s in schedule.status(now=T0 + dt.timedelta(hours=24, minutes=1))}
    assert not status["prune"]["due"] and status["prune"]["last_run"] == (T0 + dt.timedelta(hours=24)).isoformat()


@pytest.mark.ckan_config("ckanext.liuzhou.schedule.harvest_minutes", "60")
def test_intervals_come_from_the_configuration(fresh):
    schedule.run(now=T0)
    assert "harvest" not in ran(schedule.run(now=T0 + dt.timedelta(minutes=30)))
    assert "harvest" in ran(schedule.run(now=T0 + dt.timedelta(minutes=60)))


@pytest.mark.ckan_config("ckanext.liuzhou.cascade.negative_list_url", "http://127.0.0.1:9/negative-list.json")
def test_a_failing_task_is_reported_the_others_run_and_it_is_due_again(fresh):
    results = {r["task"]: r for r in schedule.run(now=T0)}
    assert not results["negative_list"]["ok"] and results["harvest"]["ok"] and results["prune"]["ok"]
    assert ran(schedule.run(now=T0 + dt.timedelta(minutes=1))) == ["negative_list"]


def test_force_and_only(fresh):
    schedule.run(now=T0)
    assert ran(schedule.run(now=T0, only=("prune",), force=True)) == ["prune"]


def test_harvest_task_starts_jobs_of_sources_due_by_their_frequency(fresh):
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    daily = tk.get_action("harvest_source_create")({"user": site}, {
        "name": "gx-daily", "title": "每日", "url": "http://127.0.0.1:9/daily", "source_type": "liuzhou_region",
        "owner_org": OPERATOR, "frequency": "DAILY", "config": json.dumps({"api_key": "x"})})
    manual = tk.get_action("harvest_source_create")({"user": site}, {
        "name": "gx-manual", "title": "手动", "url": "http://127.0.0.1:9/manual", "source_type": "liuzhou_region",
        "owner_org": OPERATOR, "frequency": "MANUAL", "config": json.dumps({"api_key": "x"})})
    schedule.run(only=("harvest",))
    model.Session.remove()
    jobs = {s["name"]: model.Session.query(HarvestJob).filter(HarvestJob.source_id == s["id"]).count()
            for s in (daily, manual)}
    assert jobs == {"gx-daily": 1, "gx-manual": 0}
    # the daily source is not due again before tomorrow: no second job
    schedule.run(only=("harvest",), force=True)
    model.Session.remove()
    assert model.Session.query(HarvestJob).filter(HarvestJob.source_id == daily["id"]).count() == 1
    for s in (daily, manual):
        tk.get_action("harvest_source_clear")({"user": site}, {"id": s["id"]})
        tk.get_action("dataset_purge")({"user": site}, {"id": s["id"]})


def test_prune_keeps_current_objects_and_the_last_job_of_each_source(fresh):
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    source = tk.get_action("harvest_source_create")({"user": site}, {
        "name": "gx-prune", "title": "清理", "url": "http://127.0.0.1:9/prune", "source_type": "liuzhou_region",
        "owner_org": OPERATOR, "frequency": "MANUAL", "config": json.dumps({"api_key": "x"})})
    now = dt.datetime.utcnow()

    def job(days_ago):
        j = HarvestJob(source_id=source["id"], status="Finished")
        j.created = j.gather_started = j.gather_finished = j.finished = now - dt.timedelta(days=days_ago)
        model.Session.add(j)
        model.Session.flush()
        return j

    old, of_an_entry, old_with_current, last = job(60), job(50), job(45), job(40)
    stale = HarvestObject(guid="a", job=old, source=old.source, current=False)
    kept = HarvestObject(guid="b", job=old_with_current, source=old.source, current=True)
    old_sibling = HarvestObject(guid="c", job=old_with_current, source=old.source, current=False)
    in_last = HarvestObject(guid="d", job=last, source=old.source, current=False)
    # the last object of an entry (here: of a package, not current) records where it came from
    last_of_entry = HarvestObject(guid="e", job=of_an_entry, source=old.source, current=False,
                                  package_id=source["id"])
    model.Session.add_all([stale, kept, old_sibling, in_last, last_of_entry])
    model.Session.flush()
    model.Session.add(HarvestObjectError(object=stale, message="x", stage="Import"))
    model.Session.commit()
    ids = {o: o.id for o in (stale, kept, old_sibling, in_last, last_of_entry)}
    job_ids = {j: j.id for j in (old, of_an_entry, old_with_current, last)}

    assert schedule.prune() == {"objects": 2, "jobs": 1}
    model.Session.remove()
    left = {r[0] for r in model.Session.query(HarvestObject.id)}
    assert ids[kept] in left and ids[in_last] in left and ids[last_of_entry] in left
    assert ids[stale] not in left and ids[old_sibling] not in left
    jobs_left = {r[0] for r in model.Session.query(HarvestJob.id).filter(HarvestJob.source_id == source["id"])}
    assert jobs_left == {job_ids[of_an_entry], job_ids[old_with_current], job_ids[last]}


def test_cli_runs_what_is_due(fresh, cli):
    from ckan.cli.cli import ckan as ckan_cli
    first = cli.invoke(ckan_cli, ["liuzhou", "schedule", "run"])
    assert first.exit_code == 0, first.output
    assert "harvest" in first.output and "prune" in first.output
    again = cli.invoke(ckan_cli, ["liuzhou", "schedule", "run"])
    assert "nothing due" in again.output


# ---------------------------------------------------------------- the last runs: scheduler_status, doctor, the page

def status_as(user: str) -> dict:
    return {s["name"]: s for s in tk.get_action("scheduler_status")({"user": user}, {})}


def token_of(user: str) -> dict:
    return {"Authorization": tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": user}, {"user": user, "name": "t"})["token"]}


def test_scheduler_status_for_the_operator_and_the_authority_only(fresh):
    from tests.conftest import make_user
    operator, authority = make_user(OPERATOR)["name"], make_user("lzsdsjfzj", role="admin")["name"]
    provider = make_user("lzsgaj", role="admin")["name"]
    before = status_as(operator)
    assert set(before) == set(schedule.NAMES)
    assert before["reminders"]["last_run"] is None and before["reminders"]["late"]
    schedule.run(now=T0, only=("mail_retry",))
    after = status_as(authority)["mail_retry"]
    assert after["last_run"] == T0.isoformat() and after["ok"] is True and after["summary"]
    assert after["interval_seconds"] == 600 and after["next_due"] == (T0 + dt.timedelta(minutes=10)).isoformat()
    with pytest.raises(tk.NotAuthorized):
        status_as(provider)


def test_a_task_not_run_for_twice_its_interval_is_late(fresh):
    from ckanext.liuzhou import doctor
    schedule.run(now=T0, only=("reminders",))
    by_task = {s["task"]: s for s in schedule.status(now=T0 + dt.timedelta(minutes=60))}
    assert not by_task["reminders"]["late"] and by_task["reminders"]["due"]
    by_task = {s["task"]: s for s in schedule.status(now=T0 + dt.timedelta(minutes=61))}
    assert by_task["reminders"]["late"]
    lines = {f.message.split()[0]: f for f in doctor.check_schedule(now=T0 + dt.timedelta(minutes=61))}
    assert set(lines) == set(schedule.NAMES)
    assert not lines["reminders"].ok and "twice its interval" in lines["reminders"].message
    lines = {f.message.split()[0]: f for f in doctor.check_schedule(now=T0 + dt.timedelta(minutes=1))}
    assert lines["reminders"].ok and f"last run {T0.isoformat()}" in lines["reminders"].message
    assert not lines["harvest"].ok and "last run never" in lines["harvest"].message


def test_doctor_prints_each_task_s_last_run(fresh, cli):
    from ckanext.liuzhou.cli import liuzhou
    schedule.run(only=("deadlines",))
    result = cli.invoke(liuzhou, ["doctor"])
    assert result.exit_code == 0, result.output  # warnings do not fail it
    lines = result.output.strip().splitlines()
    assert [line.split()[1] for line in lines[:3]] == ["postgres", "solr", "redis"]
    schedule_lines = [line for line in lines if line.split()[1] == "schedule"]
    assert len(schedule_lines) == len(schedule.NAMES)
    deadlines = next(line for line in schedule_lines if line.split()[2] == "deadlines")
    assert deadlines.startswith("OK") and "expiry notices" in deadlines
    assert next(line for line in schedule_lines if line.split()[2] == "prune").startswith("WARN")


def test_the_cascade_page_shows_the_scheduled_tasks(fresh, app):
    from tests.conftest import make_user
    schedule.run(only=("deadlines",))
    page = app.get("/cascade/", headers=token_of(make_user(OPERATOR)["name"]))
    assert page.status_code == 200
    assert "定时任务" in page.body and 'data-task="deadlines"' in page.body and 'data-task="mail_retry"' in page.body
    row = page.body.split('data-task="deadlines"')[1].split("</tr>")[0]
    assert "正常" in row and "expiry notices" in row
    assert "已超过两个周期未运行" in page.body.split('data-task="prune"')[1].split("</tr>")[0]


def test_two_nodes_calling_at_once_run_a_task_once(fresh):
    outs: list[list[str]] = []
    at_once(lambda: outs.append(ran(schedule.run(now=T0, only=("reminders", "deadlines")))), nodes=3)
    assert sorted(task for out in outs for task in out) == ["deadlines", "reminders"]
