"""The platform's scheduler: `ckan liuzhou schedule run` runs each task that is due, then
returns; `ckan liuzhou schedule loop` calls it every minute (``make serve`` and the
``scheduler`` service of docker-compose run the loop; cron may call ``run`` instead)::

    */5 * * * *  ckan -c /etc/ckan/ckan.ini liuzhou schedule run

The cascade's tasks (Art 9, 23) and the workflows' clock (Art 12, 14, 21, 26) share it, so
every deadline runs by itself, once per interval however many nodes call it.

| task | every | does |
|---|---|---|
| ``harvest`` | ``ckanext.liuzhou.schedule.harvest_minutes`` (5) | ``harvest_jobs_run`` (= ``ckan harvester run``): creates the jobs of sources whose frequency says they are due, marks finished jobs, closes jobs idle past ``ckan.harvest.timeout`` |
| ``negative_list`` | ``ckanext.liuzhou.schedule.negative_list_hours`` (24) | the negative list sync, when ``ckanext.liuzhou.cascade.negative_list_url`` is set |
| ``prune`` | ``ckanext.liuzhou.schedule.prune_hours`` (24) | ckanext-harvest's ``clean-harvest-log`` (``ckan.harvest.log_timeframe`` days) and harvest objects and jobs older than ``ckanext.liuzhou.cascade.keep_harvest_days`` (the current and the last object of each entry and the last job of each source are kept); a harvest source's configuration left in old activity records is blanked |
| ``deadlines`` | ``ckanext.liuzhou.schedule.deadlines_minutes`` (30) | = ``ckan liuzhou deadlines``: share requests whose validity ended expire, expiry notices, overdue notices of share decisions and quality fixes (Art 26) |
| ``reminders`` | ``ckanext.liuzhou.schedule.reminders_minutes`` (30) | a reminder one working day before every deadline and the overdue notices of the lifecycle deadlines (Art 12, 14, 21, 26; ``ops/reminders.py``) |
| ``mail_retry`` | ``ckanext.liuzhou.schedule.mail_retry_minutes`` (10) | = ``ckan liuzhou mail-retry``: notices not yet mailed are queued again (``notify/ledger.py``) |
| ``evaluation`` | ``ckanext.liuzhou.schedule.evaluation_minutes`` (10) | the evaluation's aggregates computed again (Art 34, ``evaluation/queries.py`` ``refresh``) |

When each task last ran, and what it reported, is kept in CKAN's ``system_info`` table, so
several web nodes may call it: a task runs once per interval whichever node calls first (a
row lock decides). ``scheduler_status``, ``ckan liuzhou doctor`` and the cascade page show it.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config

log = logging.getLogger(__name__)
KEY = "liuzhou.schedule.{}.last_run"
RESULT_KEY = "liuzhou.schedule.{}.last_result"


@dataclass(frozen=True)
class Task:
    name: str
    every: Callable[[], int]  # its option's accessor (config.py)
    unit: str  # "minutes" / "hours"
    run: Callable[[dt.datetime], str]

    def interval(self) -> dt.timedelta:
        return dt.timedelta(**{self.unit: self.every()})


def _site_context() -> dict:
    return {"model": model, "session": model.Session,
            "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def run_harvest(now: dt.datetime | None = None) -> str:
    tk.get_action("harvest_jobs_run")(_site_context(), {})
    return "harvest jobs checked"


def run_negative_list(now: dt.datetime | None = None) -> str:
    from .negative_list import configured_url
    if not configured_url():
        return "no negative list URL configured"
    r = tk.get_action("negative_list_sync")(_site_context(), {})
    return f"negative list {'changed' if r['changed'] else 'unchanged'}, {r['flags']} entries flagged"


def prune(now: dt.datetime | None = None) -> dict:
    """Delete harvest objects that are not current and jobs older than the retention, keeping
    the last job of each source; ckanext-harvest's log cleaning too."""
    from ckanext.harvest import utils as harvest_utils
    from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                       HarvestObjectError, HarvestObjectExtra)
    now = now or dt.datetime.utcnow()
    cutoff = now - dt.timedelta(days=lz_config.keep_harvest_days())
    s = model.Session
    opts = {"synchronize_session": False}
    last = (sa.select(HarvestJob.id).distinct(HarvestJob.source_id)
            .order_by(HarvestJob.source_id, HarvestJob.created.desc()))
    old_jobs = (sa.select(HarvestJob.id).where(HarvestJob.created < cutoff, HarvestJob.status != "Running",
                                               HarvestJob.id.notin_(last)))
    # each entry's last object stays: it records that the entry came from the harvest
    kept = (sa.select(HarvestObject.id).distinct(HarvestObject.package_id)
            .where(HarvestObject.package_id.isnot(None))
            .order_by(HarvestObject.package_id, HarvestObject.gathered.desc()))
    objects = sa.select(HarvestObject.id).where(HarvestObject.harvest_job_id.in_(old_jobs),
                                                HarvestObject.current.isnot(True),
                                                HarvestObject.id.notin_(kept))
    s.execute(sa.delete(HarvestObjectError).where(HarvestObjectError.harvest_object_id.in_(objects)), execution_options=opts)
    s.execute(sa.delete(HarvestObjectExtra).where(HarvestObjectExtra.harvest_object_id.in_(objects)), execution_options=opts)
    n_objects = s.execute(sa.delete(HarvestObject).where(HarvestObject.id.in_(objects)), execution_options=opts).rowcount
    empty = old_jobs.where(~sa.exists().where(HarvestObject.harvest_job_id == HarvestJob.id))
    s.execute(sa.delete(HarvestGatherError).where(HarvestGatherError.harvest_job_id.in_(empty)), execution_options=opts)
    n_jobs = s.execute(sa.delete(HarvestJob).where(HarvestJob.id.in_(empty)), execution_options=opts).rowcount
    s.commit()
    harvest_utils.clean_harvest_log()
    return {"objects": n_objects, "jobs": n_jobs}


def run_prune(now: dt.datetime | None = None) -> str:
    from .. import idempotency
    from .redact import scrub_stored_activities
    r = prune()
    scrubbed = scrub_stored_activities()
    keys = idempotency.prune(now)
    return (f"pruned {r['objects']} harvest objects and {r['jobs']} jobs; harvest log cleaned; "
            f"{scrubbed} activities of harvest sources cleared of their configuration; "
            f"{keys} idempotency keys older than {idempotency.KEEP.days} days deleted")


def run_deadlines(now: dt.datetime | None = None) -> str:
    """Expiry, expiry notices and overdue notices of share requests (Art 26), as
    ``ckan liuzhou deadlines`` does (it reads the clock itself: expiry is a real transition)."""
    from ..sharing import overdue
    ctx = _site_context()
    ctx["ignore_auth"] = True
    report = overdue.run_deadlines(ctx)
    return report[-1] if report else "nothing to do"


def run_reminders(now: dt.datetime | None = None) -> str:
    from ..ops import reminders
    r = reminders.run(now)
    return (f"{r['reminders']} reminders, {r['overdue']} overdue notices"
            + (f", {len(r['errors'])} could not be sent: {'; '.join(r['errors'][:3])}" if r["errors"] else ""))


def run_mail_retry(now: dt.datetime | None = None) -> str:
    from .. import notify
    if not lz_config.notification_email():
        return "e-mail notices are off (ckanext.liuzhou.notifications.email)"
    found = notify.requeue(dt.timedelta(minutes=10), dt.timedelta(hours=72))
    return f"queued again: {sum(len(v) for v in found.values())} event(s) not yet mailed"


def run_evaluation(now: dt.datetime | None = None) -> str:
    from ..evaluation import queries
    r = queries.refresh()
    return f"evaluation aggregates: {r['row_count']} rows in {r['took_ms']} ms"


TASKS = (
    Task("harvest", lz_config.schedule_harvest_minutes, "minutes", run_harvest),
    Task("negative_list", lz_config.schedule_negative_list_hours, "hours", run_negative_list),
    Task("prune", lz_config.schedule_prune_hours, "hours", run_prune),
    Task("deadlines", lz_config.schedule_deadlines_minutes, "minutes", run_deadlines),
    Task("reminders", lz_config.schedule_reminders_minutes, "minutes", run_reminders),
    Task("mail_retry", lz_config.schedule_mail_retry_minutes, "minutes", run_mail_retry),
    Task("evaluation", lz_config.schedule_evaluation_minutes, "minutes", run_evaluation),
)
NAMES = tuple(t.name for t in TASKS)


def last_run(name: str) -> dt.datetime | None:
    value = model.get_system_info(KEY.format(name))
    return dt.datetime.fromisoformat(value) if value else None


def due(now: dt.datetime | None = None) -> list[Task]:
    now = now or dt.datetime.utcnow()
    return [t for t in TASKS if (last_run(t.name) is None) or now - last_run(t.name) >= t.interval()]


def _claim(task: Task, now: dt.datetime) -> bool:
    """Record the run before running it, under a row lock: True when this caller runs it."""
    key = KEY.format(task.name)
    s = model.Session
    row = s.execute(sa.text("SELECT value FROM system_info WHERE key = :k FOR UPDATE"), {"k": key}).first()
    if row is not None and row[0] and now - dt.datetime.fromisoformat(row[0]) < task.interval():
        s.rollback()
        return False
    if row is None:
        inserted = s.execute(sa.text("INSERT INTO system_info (key, value, state) VALUES (:k, :v, 'active') "
                                     "ON CONFLICT (key) DO NOTHING"), {"k": key, "v": now.isoformat()}).rowcount
        if not inserted:  # another caller claimed it first
            s.rollback()
            return False
    else:
        s.execute(sa.text("UPDATE system_info SET value = :v WHERE key = :k"), {"k": key, "v": now.isoformat()})
    s.commit()
    return True


def run(now: dt.datetime | None = None, only: tuple[str, ...] = (), force: bool = False) -> list[dict]:
    """Run every due task (or those named in ``only``; ``force`` ignores the intervals).
    A failing task is reported and does not stop the others."""
    now = now or dt.datetime.utcnow()
    results = []
    for task in TASKS:
        if only and task.name not in only:
            continue
        if not force and not _claim(task, now):
            continue
        if force:
            model.Session.execute(sa.text("DELETE FROM system_info WHERE key = :k"), {"k": KEY.format(task.name)})
            model.Session.commit()
            _claim(task, now)
        try:
            results.append({"task": task.name, "ok": True, "message": task.run(now)})
        except Exception as e:  # one task's failure is its report, the others still run
            model.Session.rollback()
            log.exception("scheduled task %s failed", task.name)
            model.Session.execute(sa.text("DELETE FROM system_info WHERE key = :k"), {"k": KEY.format(task.name)})
            model.Session.commit()  # due again at the next call
            results.append({"task": task.name, "ok": False, "message": f"{type(e).__name__}: {e}"})
        _remember(task, now, results[-1])
    return results


def _remember(task: Task, now: dt.datetime, result: dict) -> None:
    """Keep the outcome of this run beside its time (what ``scheduler_status`` shows)."""
    value = json.dumps({"at": now.isoformat(), "ok": result["ok"], "message": result["message"][:2000]},
                       ensure_ascii=False)
    model.Session.execute(sa.text("INSERT INTO system_info (key, value, state) VALUES (:k, :v, 'active') "
                                  "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"),
                          {"k": RESULT_KEY.format(task.name), "v": value})
    model.Session.commit()


def last_result(name: str) -> dict | None:
    value = model.get_system_info(RESULT_KEY.format(name))
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def status(now: dt.datetime | None = None) -> list[dict]:
    """Each task: its interval, last run (time, whether it went well, its summary), when it is
    next due, and ``late`` when it has not run for more than twice its interval (nobody runs
    the scheduler, or the task keeps failing)."""
    now = now or dt.datetime.utcnow()
    out = []
    for t in TASKS:
        last, result, every = last_run(t.name), last_result(t.name), t.interval()
        # a failed run clears last_run (due again): its attempt still counts as the last run shown
        shown = last or (dt.datetime.fromisoformat(result["at"]) if result and result.get("at") else None)
        out.append({"task": t.name, "name": t.name, "every": str(every),
                    "interval_seconds": int(every.total_seconds()),
                    "last_run": shown.isoformat() if shown else None,
                    "ok": result.get("ok") if result else None,
                    "summary": result.get("message") if result else None,
                    "next_due": (last + every).isoformat() if last else now.isoformat(),
                    "due": last is None or now - last >= every,
                    "late": last is None or now - last > 2 * every})
    return out
