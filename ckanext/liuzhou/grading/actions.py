"""Actions of grading: the Operator's list of data grades (分级分类, 《政务数据共享条例》 on the
security of shared data; the grade decides whether sharing needs the Authority's approval).

``data_grade_list`` reads the list (the shipped defaults until the Operator saves one);
``data_grade_list_update`` replaces it, or resets it to the defaults. Each change writes an
audit row.
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit, authz
from . import grades
from ..validation import commit_unless_deferred
from .model import DataGrade, _utcnow

_ = tk._
VALUE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_GRADES = 20


def _in_use() -> dict[str, int]:
    """grade → number of active catalog entries stored with it."""
    rows = (model.Session.query(model.PackageExtra.value, sa.func.count())
            .join(model.Package, model.Package.id == model.PackageExtra.package_id)
            .filter(model.PackageExtra.key == "data_grade", model.PackageExtra.state == "active",
                    model.Package.state == "active", model.Package.type == "catalog")
            .group_by(model.PackageExtra.value))
    return {value: n for value, n in rows}


@tk.side_effect_free
def data_grade_list(context, data_dict) -> dict[str, Any]:
    """The grades of catalog entries in order, with the number of entries of each (an entry
    without a grade counts as ``general``).

    :returns: ``{"grades": [{"value", "label_zh", "label_en", "authority_approval",
        "entries"}], "customized": bool}``
    """
    tk.check_access("data_grade_list", context, data_dict)
    used = _in_use()
    total = (model.Session.query(sa.func.count(model.Package.id))
             .filter(model.Package.state == "active", model.Package.type == "catalog").scalar())
    used[grades.GENERAL] = used.get(grades.GENERAL, 0) + total - sum(used.values())
    customized = model.Session.query(DataGrade).count() > 0
    return {"grades": [dict(g, entries=used.get(g["value"], 0)) for g in grades.grades()],
            "customized": customized}


def _parse(value: Any) -> tuple[list[dict], list[str]]:
    if not isinstance(value, list) or not value:
        return [], [_("Give the grades as a non-empty list")]
    out, errors, seen = [], [], set()
    for n, row in enumerate(value[:MAX_GRADES + 1], 1):
        if not isinstance(row, dict):
            errors.append(_("Row {n}: not a grade").format(n=n))
            continue
        code = row.get("value")
        zh, en = row.get("label_zh"), row.get("label_en")
        if not isinstance(code, str) or not VALUE_RE.match(code.strip()):
            errors.append(_("Row {n}: the code must be lower-case letters, digits or _").format(n=n))
            continue
        code = code.strip()
        if code in seen:
            errors.append(_("Row {n}: the code {value} is given twice").format(n=n, value=code))
        seen.add(code)
        if not isinstance(zh, str) or not zh.strip() or len(zh) > 40:
            errors.append(_("Row {n}: a Chinese label of at most 40 characters is needed").format(n=n))
        if en is not None and (not isinstance(en, str) or len(en) > 60):
            errors.append(_("Row {n}: the English label must be text of at most 60 characters").format(n=n))
        approval = row.get("authority_approval", False)
        if isinstance(approval, str):
            approval = approval.lower() in ("true", "1", "yes", "on")
        if not isinstance(approval, bool):
            errors.append(_("Row {n}: authority_approval must be true or false").format(n=n))
            approval = False
        out.append({"value": code, "label_zh": (zh or "").strip() if isinstance(zh, str) else "",
                    "label_en": ((en or "").strip() or code) if isinstance(en, str) or en is None else code,
                    "authority_approval": approval})
    if len(value) > MAX_GRADES:
        errors.append(_("At most {n} grades").format(n=MAX_GRADES))
    missing = [c for c in grades.CONTRACT if c not in seen]
    if missing:
        errors.append(_("The grades general, important and core cannot be removed: {codes}").format(
            codes=", ".join(missing)))
    return out, errors


def data_grade_list_update(context, data_dict) -> dict[str, Any]:
    """The Operator replaces the list of grades (relabels, adds a grade, says which grades need
    the Authority's approval before sharing), or resets it to the shipped defaults.

    The contract grades ``general``, ``important`` and ``core`` stay; a grade that entries
    still carry cannot be removed. Written to the audit log.

    :param grades: list of ``{"value", "label_zh", "label_en", "authority_approval"}`` in order
    :param reset: true: back to the defaults (一般; 重要 and 核心 need the Authority's approval)
    """
    tk.check_access("data_grade_list_update", context, data_dict)
    data_dict = data_dict if isinstance(data_dict, dict) else {}
    reset = data_dict.get("reset")
    if reset is not None and not isinstance(reset, bool) and not (isinstance(reset, str) and reset in ("true", "false", "", "on")):
        raise tk.ValidationError({"reset": [_("reset must be true or false")]})   # not 1, not a list
    reset = reset is True or reset in ("true", "on")
    if reset:
        new = [dict(g) for g in grades.DEFAULTS]
    else:
        new, errors = _parse(data_dict.get("grades"))
        if errors:
            raise tk.ValidationError({"grades": errors})
    used = _in_use()
    removed = [v for v in used if v not in {g["value"] for g in new} and used[v]]
    if removed:
        raise tk.ValidationError({"grades": [_("Entries still carry these grades: {codes}").format(
            codes=", ".join(sorted(removed)))]})
    before = grades.grades()
    user = authz.context_user(context)
    model.Session.query(DataGrade).delete()
    if not reset:
        now = _utcnow()
        for position, g in enumerate(new):
            model.Session.add(DataGrade(position=position, modified_by=user.id, modified_at=now, **g))
    model.Session.flush()
    audit.record("data_grade.list_update", user, object_type="data_grade_list", object_id="data_grade",
                 detail={"reset": reset, "before": before, "after": new})
    commit_unless_deferred(context)
    return data_grade_list(dict(context, ignore_auth=True), {})


def get_actions() -> dict[str, Any]:
    return {"data_grade_list": data_grade_list, "data_grade_list_update": data_grade_list_update}
