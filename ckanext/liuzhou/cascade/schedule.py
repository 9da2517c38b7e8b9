"""What the cascade runs on a schedule (Art 9, 23): `ckan liuzhou schedule run` runs each task
that is due, then returns. Cron (or the loop `make serve` starts) calls it every few minutes::

    */5 * * * *  ckan -c /etc/ckan/ckan.ini liuzhou schedule run

| task | every | does |
|---|---|---|
| ``harvest`` | ``ckanext.liuzhou.schedule.harvest_minutes`` (5) | ``harvest_jobs_run`` (= ``ckan harvester run``): creates the jobs of sources whose frequency says they are due, marks finished jobs, closes jobs idle past ``ckan.harvest.timeout`` |
| ``negative_list`` | ``ckanext.liuzhou.schedule.negative_list_hours`` (24) | the negative list sync, when ``ckanext.liuzhou.cascade.negative_list_url`` is set |
| ``prune`` | ``ckanext.liuzhou.schedule.prune_hours`` (24) | ckanext-harvest's ``clean-harvest-log`` (``ckan.harvest.log_timeframe`` days) and harvest objects and jobs older than ``ckanext.liuzhou.cascade.keep_harvest_days`` (the current and the last object of each entry and the last job of each source are kept); a harvest source's configuration left in old activity records is blanked |

When each task last ran is kept in CKAN's ``system_info`` table, so several web nodes may
call it: a task runs once per interval whichever node calls first (a row lock decides).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)
KEY = "liuzhou.schedule.{}.last_run"


@dataclass(frozen=True)
class Task:
    name: str
    option: str
    unit: str  # "minutes" / "hours"
    default: int
    run: Callable[[], str]

    def interval(self) -> dt.timedelta:
        return dt.timedelta(**{self.unit: tk.asint(tk.config.get(self.option) or self.default)})


def _site_context() -> dict:
    return {"model": model, "session": model.Session,
            "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def run_harvest() -> str:
    tk.get_action("harvest_jobs_run")(_site_context(), {})
    return "harvest jobs checked"


def run_negative_list() -> str:
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
    cutoff = now - dt.timedelta(days=tk.asint(tk.config.get("ckanext.liuzhou.cascade.keep_harvest_days") or 30))
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


def run_prune() -> str:
    from .redact import scrub_stored_activities
    r = prune()
    scrubbed = scrub_stored_activities()
    return (f"pruned {r['objects']} harvest objects and {r['jobs']} jobs; harvest log cleaned; "
            f"{scrubbed} activities of harvest sources cleared of their configuration")


TASKS = (
    Task("harvest", "ckanext.liuzhou.schedule.harvest_minutes", "minutes", 5, run_harvest),
    Task("negative_list", "ckanext.liuzhou.schedule.negative_list_hours", "hours", 24, run_negative_list),
    Task("prune", "ckanext.liuzhou.schedule.prune_hours", "hours", 24, run_prune),
)


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
            results.append({"task": task.name, "ok": True, "message": task.run()})
        except Exception as e:  # one task's failure is its report, the others still run
            model.Session.rollback()
            log.exception("scheduled task %s failed", task.name)
            model.Session.execute(sa.text("DELETE FROM system_info WHERE key = :k"), {"k": KEY.format(task.name)})
            model.Session.commit()  # due again at the next call
            results.append({"task": task.name, "ok": False, "message": f"{type(e).__name__}: {e}"})
    return results


def status(now: dt.datetime | None = None) -> list[dict]:
    now = now or dt.datetime.utcnow()
    out = []
    for t in TASKS:
        last = last_run(t.name)
        out.append({"task": t.name, "every": str(t.interval()), "last_run": last.isoformat() if last else None,
                    "due": last is None or now - last >= t.interval()})
    return out
