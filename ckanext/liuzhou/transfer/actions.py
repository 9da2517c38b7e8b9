"""Actions of the catalog's import and export in the national template.

| action | what it does |
|---|---|
| ``catalog_import`` | judge (``dry_run``, the default) or import an uploaded workbook or CSV for a department; the report, or the job's id for a long one |
| ``catalog_import_status`` | an import's state, progress and report |
| ``catalog_import_list`` | a department's import history |
| ``catalog_export`` | a department's catalog (the city's or a county's for their authorities) as the template |
"""
from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from ..validation import acting_user
from . import imports, reader, rows, writer
from .auth import department
from .model import DONE, CatalogImport

_ = tk._


def _flag(value: Any, default: bool) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "yes", "on"):
        return True
    if str(value).strip().lower() in ("false", "0", "no", "off"):
        return False
    raise tk.ValidationError({"dry_run": [_("Must be true or false")]})


def _upload(data_dict: dict) -> tuple[bytes, str]:
    """The uploaded bytes and file name (a multipart ``upload``, or bytes from Python), read no
    further than the size limit."""
    upload = data_dict.get("upload")
    limit = lz_config.import_max_bytes()
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload), str(data_dict.get("file_name") or "upload.xlsx")
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    if stream is None:
        raise tk.ValidationError({"upload": [_("Upload a workbook (.xlsx) or a CSV file in the national template")]})
    content = stream.read(limit + 1)
    return content, str(getattr(upload, "filename", None) or data_dict.get("file_name") or "upload")


def catalog_import(context, data_dict):
    """Art 13–22: import a department's catalog entries from the national template.

    ``department`` (name or id), ``upload`` (the file) or ``id`` (an earlier dry run, whose
    file is then imported for real), ``dry_run`` (default true: judge and report, write no
    entry). Every row is judged by the form's schema and rules (Art 13 information items, Art 15
    lead department, Art 17 one data one source, Art 22 sharing, credit codes); an entry the
    department already has (same 信息资源代码, else same 信息资源名称) is updated, or left alone
    when nothing changed. Returns the import with its report, or, for more rows than
    ``ckanext.liuzhou.import.job_rows``, the queued import (poll ``catalog_import_status``)."""
    data_dict = dict(data_dict or {})
    tk.check_access("catalog_import", context, data_dict)
    user = acting_user(context)
    dry_run = _flag(data_dict.get("dry_run"), True)
    source = None
    if data_dict.get("id"):
        source = model.Session.get(CatalogImport, str(data_dict["id"]))
        if source is None:
            raise tk.ObjectNotFound(_("Not found"))
        if source.content is None or not source.dry_run or source.state != DONE:
            raise tk.ValidationError({"id": [_("Only a finished dry run can be imported")]})
        dept = model.Group.get(source.department_id)
        content, file_name = source.content, source.file_name
    else:
        dept = department(data_dict.get("department"))
        if dept is None:
            raise tk.ValidationError({"department": [_("No such department")]})
        content, file_name = _upload(data_dict)
    try:
        workbook = reader.read(content, file_name)   # a hostile file stops here: nothing stored
    except reader.ReadError as e:
        raise tk.ValidationError({"upload": [str(e)]})
    total = len(workbook.main.rows)
    imp = imports.record(user.id, dept.id, file_name, content, dry_run, total,
                         source_id=source.id if source is not None else None)
    if total > lz_config.import_job_rows():
        model.Session.commit()
        imports.enqueue(imp)
        return imports.as_dict(imp, with_report=False)
    model.Session.commit()
    imports.run(imp, workbook=workbook)
    return imports.as_dict(model.Session.get(CatalogImport, imp.id))


@tk.side_effect_free
def catalog_import_status(context, data_dict):
    """An import's state (queued, running, done, failed, or interrupted: its worker died and
    its writes were rolled back), progress ``done``/``total`` and, once done, its report."""
    tk.check_access("catalog_import_status", context, data_dict)
    imp = model.Session.get(CatalogImport, str((data_dict or {}).get("id")))
    return imports.as_dict(imp)


@tk.side_effect_free
def catalog_import_list(context, data_dict):
    """A department's imports, newest first (``limit``, default 20), without their reports."""
    tk.check_access("catalog_import_list", context, data_dict)
    dept = department((data_dict or {}).get("department"))
    try:
        limit = max(1, min(int((data_dict or {}).get("limit") or 20), 200))
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [_("Must be a whole number")]})
    found = (model.Session.query(CatalogImport).filter(CatalogImport.department_id == dept.id)
             .order_by(CatalogImport.created.desc()).limit(limit).all())
    return [imports.as_dict(i, with_report=False) for i in found]


def _export_orgs(data_dict: dict) -> tuple[list[str], str]:
    scope = data_dict.get("scope") or "department"
    if scope == "city":
        ids = [gid for gid, in model.Session.query(model.Group.id).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active")]
        return ids, "柳州市"
    dept = department(data_dict.get("department"))
    if dept is None:
        raise tk.ValidationError({"department": [_("No such department")]})
    if scope == "county":
        from .. import tree
        names = tree.subtree_names(dept.name)
        ids = [gid for gid, in model.Session.query(model.Group.id).filter(model.Group.name.in_(names or [dept.name]))]
        return ids, dept.title
    if scope != "department":
        raise tk.ValidationError({"scope": [_("One of: department, county, city")]})
    return [dept.id], dept.title


@tk.side_effect_free
def catalog_export(context, data_dict):
    """A department's published catalog in the national template (``scope``: ``department``,
    the default; ``county``: the department and the departments under it, for the county
    authority; ``city``: every department, for the Authority). ``shared_only``: the shared list
    the region asks for (共享目录: entries whose sharing type is not 不予共享). ``format``:
    ``xlsx`` (default) or ``csv``. Returns ``file_name``, ``content_base64`` and ``count``."""
    data_dict = dict(data_dict or {})
    tk.check_access("catalog_export", context, data_dict)
    fmt = (data_dict.get("format") or "xlsx").lower()
    if fmt not in ("xlsx", "csv"):
        raise tk.ValidationError({"format": [_("One of: xlsx, csv")]})
    shared_only = _flag(data_dict.get("shared_only"), False)
    org_ids, what = _export_orgs(data_dict)
    found = rows.stored_entries(org_ids, states=("active",))
    if shared_only:
        found = [s for s in found if s.fields.get("sharing_type") != "not_shared"]
    orgs = {gid: (title, None) for gid, title in model.Session.query(model.Group.id, model.Group.title)
            .filter(model.Group.id.in_({s.owner_org for s in found}))} if found else {}
    leads = dict(model.Session.query(model.Group.name, model.Group.title).filter(
        model.Group.is_organization.is_(True)))
    main, items = writer.export_rows(found, orgs, leads, items_in_cell=(fmt == "csv"))
    content = writer.csv_bytes(main) if fmt == "csv" else writer.xlsx(main, items)
    stamp = dt.date.today().strftime("%Y%m%d")
    name = f"{what}{'共享目录' if shared_only else '政务信息资源目录'}-{stamp}.{fmt}"
    return {"file_name": name, "count": len(found), "format": fmt,
            "content_base64": base64.b64encode(content).decode("ascii")}


def get_actions() -> dict:
    return {
        "catalog_import": catalog_import,
        "catalog_import_status": catalog_import_status,
        "catalog_import_list": catalog_import_list,
        "catalog_export": catalog_export,
    }
