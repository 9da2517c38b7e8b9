"""An import from its upload to its report: read, plan, judge, save; at once or as a job.

A dry run (the default, always first on the pages) judges every row and writes nothing but its
own record (the file and the report). The real import saves the rows the schema accepts in one
``save_many`` call (Art 13–22 judged again as they are saved); a refused row is reported and
not saved. A file the reader refuses (:mod:`.reader`) leaves no record at all.

More rows than ``ckanext.liuzhou.import.job_rows``: the work runs as a background job (CKAN's
``jobs worker``); the record's ``done``/``total`` and ``heartbeat`` are written on a connection
of their own, so the page's progress bar moves while the import's own transaction is open. A
running import whose heartbeat is older than ``…import.stale_seconds`` is shown as interrupted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from .. import config as lz_config
from . import reader, rows
from .model import DONE, FAILED, INTERRUPTED, QUEUED, RUNNING, CatalogImport

log = logging.getLogger(__name__)


def now() -> dt.datetime:
    return dt.datetime.utcnow()


def record(user_id: str, dept_id: str, file_name: str, content: bytes, dry_run: bool,
           total: int, source_id: Optional[str] = None) -> CatalogImport:
    """A new import record in the session (flushed, not committed)."""
    row = CatalogImport(id=str(uuid.uuid4()), user_id=user_id, department_id=dept_id,
                        file_name=file_name[:255] or "upload", sha256=hashlib.sha256(content).hexdigest(),
                        content=content, dry_run=dry_run, state=QUEUED, done=0, total=total,
                        source_id=source_id, created=now())
    model.Session.add(row)
    model.Session.flush()
    return row


def _write_progress(import_id: str, **values) -> None:
    """State, progress and heartbeat, committed on a connection of their own (visible to the
    status action while the import's transaction is still open)."""
    values["heartbeat"] = now()
    with model.meta.engine.begin() as conn:
        conn.execute(sa.update(CatalogImport.__table__).where(CatalogImport.__table__.c.id == import_id)
                     .values(**values))


class Progress:
    """``save_many``'s progress callback: at most one write a second."""

    def __init__(self, import_id: str, echo: Optional[Callable[[int, int], Any]] = None):
        self.import_id, self.echo, self.last = import_id, echo, 0.0

    def __call__(self, done: int, total: int) -> None:
        if self.echo is not None:
            self.echo(done, total)
        t = time.monotonic()
        if t - self.last >= 1.0 or done == total:
            self.last = t
            _write_progress(self.import_id, done=done, total=total)


def save_context(user: model.User, dept) -> dict:
    """Who the entries are saved as: the user when they edit the department's catalog, else
    (the Authority, a county authority, allowed by ``catalog_import``) the site user."""
    if authz.provider_editor(user, dept.id) or user.sysadmin:
        return {"user": user.name}
    return {"user": authz.site_user().name}


def run(imp: CatalogImport, echo: Optional[Callable[[int, int], Any]] = None,
        workbook: Optional[reader.Workbook] = None) -> dict:
    """Judge (dry run) or import the record's file; the report is stored on the record and
    committed. On any failure the import's writes are rolled back and the record says failed.
    ``workbook``: the record's file as the caller has just read it (the action and the command
    read it before making the record), not read a second time."""
    import_id = imp.id
    _write_progress(import_id, state=RUNNING, started=now())
    try:
        dept = model.Group.get(imp.department_id)
        user = model.User.get(imp.user_id)
        if workbook is None:
            workbook = reader.read(imp.content, imp.file_name)
        plan, problems = rows.plan(workbook, dept)
        rows.judge(save_context(user, dept), plan, dry_run=imp.dry_run, progress=Progress(import_id, echo))
        result = rows.report(plan, problems, workbook.main.ignored, dry_run=imp.dry_run)
    except Exception as e:  # the job records what went wrong; nothing of the import is kept
        model.Session.rollback()
        message = str(e) if isinstance(e, reader.ReadError) else f"导入失败，未写入任何目录：{type(e).__name__}"
        log.exception("catalog import %s failed", import_id)
        _write_progress(import_id, state=FAILED, error=message, finished=now())
        raise
    imp = model.Session.get(CatalogImport, import_id)
    imp.report, imp.state, imp.finished = result, DONE, now()
    imp.done = imp.total = result["total"]
    imp.heartbeat = now()
    if not imp.dry_run:
        imp.content = None   # imported: the file is not needed again
    model.Session.commit()
    return result


def run_job(import_id: str) -> None:
    """The background job (``tk.enqueue_job``)."""
    imp = model.Session.get(CatalogImport, import_id)
    if imp is None or imp.state != QUEUED:
        return
    try:
        run(imp)   # a failure is recorded on the import by run(), and raised for the jobs' log
    finally:
        model.Session.remove()


def enqueue(imp: CatalogImport) -> None:
    tk.enqueue_job(run_job, [imp.id], title=f"liuzhou: catalog import {imp.file_name} ({imp.total} rows)",
                   rq_kwargs={"timeout": 6 * 3600})


def shown_state(imp: CatalogImport) -> str:
    """The state as shown: a running import without a recent heartbeat was interrupted."""
    if imp.state == RUNNING:
        beat = imp.heartbeat or imp.started or imp.created
        if now() - beat > dt.timedelta(seconds=lz_config.import_stale_seconds()):
            return INTERRUPTED
    return imp.state


def as_dict(imp: CatalogImport, with_report: bool = True) -> dict:
    from ..formats import local_iso
    out = {"id": imp.id, "state": shown_state(imp), "dry_run": imp.dry_run, "file_name": imp.file_name,
           "sha256": imp.sha256, "department": authz.org_name(imp.department_id),
           "user": getattr(model.User.get(imp.user_id), "name", None),
           "done": imp.done, "total": imp.total, "error": imp.error, "source_id": imp.source_id,
           "created": local_iso(imp.created), "finished": local_iso(imp.finished),
           "counts": (imp.report or {}).get("counts"),
           "can_import": bool(imp.dry_run and imp.state == DONE and imp.content is not None
                              and ((imp.report or {}).get("counts") or {}).get("create", 0)
                              + ((imp.report or {}).get("counts") or {}).get("update", 0) > 0)}
    if with_report:
        out["report"] = imp.report
    return out
