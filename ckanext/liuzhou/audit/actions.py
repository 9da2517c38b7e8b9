"""Reading and verifying the audit log (Art 25 追溯体系, Art 31 behaviour tracing)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from .. import authz
from . import chain, reads
from .model import AuditLog
from ..validation import validate_or_raise as _validate

v = tk.get_validator




def _row(r: AuditLog) -> dict[str, Any]:
    return {"id": r.id, "created": r.created.isoformat(), "actor": r.actor_name, "actor_id": r.actor_id,
            "actor_org": r.actor_org, "action": r.action, "object_type": r.object_type,
            "object_id": r.object_id, "package_id": r.package_id, "resource_id": r.resource_id,
            "share_request_id": r.share_request_id, "provider_org": r.provider_org,
            "purpose": r.purpose, "remote_addr": r.remote_addr, "detail": r.detail,
            "prev_hash": r.prev_hash, "hash": r.hash}


@tk.side_effect_free
def audit_log_list(context, data_dict) -> dict:
    """Audit rows, newest first (Art 25, 31): every data read and every decision.

    The Authority and the Operator see all; a county authority the rows of its county's
    departments; a provider's admin the rows about its own data.
    :param package_id: :param share_request_id: :param actor: user name :param action: prefix
        (e.g. ``share_request.`` or ``data.read``) :param since: :param until: ISO dates
    :param limit: (default 50, at most 1000) :param offset:
    """
    tk.check_access("audit_log_list", context, data_dict)
    data = _validate(data_dict, {
        "package_id": [v("ignore_missing"), v("unicode_safe")],
        "share_request_id": [v("ignore_missing"), v("unicode_safe")],
        "actor": [v("ignore_missing"), v("unicode_safe")],
        "action": [v("ignore_missing"), v("unicode_safe")],
        "since": [v("ignore_missing"), v("isodate")],
        "until": [v("ignore_missing"), v("isodate")],
        "limit": [v("default")(50), v("natural_number_validator")],
        "offset": [v("default")(0), v("natural_number_validator")],
    }, context)
    user = authz.context_user(context)
    query = model.Session.query(AuditLog)
    if not (authz.is_authority(user) or authz.is_operator(user)):
        org_ids = authz.county_jurisdiction(user) | {
            gid for gid, cap in authz.memberships(user).items() if cap == "admin"}
        names = [n for (n,) in model.Session.query(model.Group.name).filter(model.Group.id.in_(org_ids))] or [""]
        query = query.filter(AuditLog.provider_org.in_(names))
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        query = query.filter(AuditLog.package_id == (pkg.id if pkg else data["package_id"]))
    if data.get("share_request_id"):
        query = query.filter(AuditLog.share_request_id == data["share_request_id"])
    if data.get("actor"):
        query = query.filter(AuditLog.actor_name == data["actor"])
    if data.get("action"):
        query = query.filter(AuditLog.action.startswith(data["action"], autoescape=True))
    if data.get("since"):
        query = query.filter(AuditLog.created >= data["since"])
    if data.get("until"):
        query = query.filter(AuditLog.created < data["until"] + dt.timedelta(days=1))
    count = query.count()
    rows = (query.order_by(AuditLog.id.desc()).limit(max(1, min(int(data["limit"]), 1000)))
            .offset(int(data["offset"])).all())
    return {"count": count, "results": [_row(r) for r in rows]}


@tk.side_effect_free
def audit_log_verify(context, data_dict) -> dict:
    """Recompute the hash chain (Art 25): ``{ok, rows, broken_id, reason}``.

    The check itself is traced: it appends an ``audit.verify`` row with its result (the only
    write; the rows checked are never touched), which the Authority's 读取记录 page shows as the
    time and outcome of the last verification.
    """
    tk.check_access("audit_log_verify", context, data_dict)
    result = chain.verify()
    reads.record_verification(result, authz.context_user(context), via="api")
    if not context.get("defer_commit"):
        model.Session.commit()
    return {"ok": result.ok, "rows": result.rows, "broken_id": result.broken_id, "reason": result.reason}


@tk.side_effect_free
def audit_read_list(context, data_dict) -> dict:
    """Who read a department's data, and who was refused (Art 25 追溯体系, Art 28).

    The ``data.read`` / ``data.refused`` rows of the audit log, newest first: who, from which
    department, when (Asia/Shanghai), which entry and resource, under which share request,
    from which address. A department's admins see their department's data, a county
    authority its county's departments', the Authority every department's (with the chain's
    last verification); with ``mine`` any signed-in user sees their own reads. Read-only.

    :param department: the providing department (name or id); an unknown one is refused
    :param mine: the caller's own reads instead (default false)
    :param from: :param to: ISO dates, inclusive, in Asia/Shanghai
    :param kind: ``read`` or ``refused`` (default both)
    :param reader_org: the reader's department (name or id)
    :param package_id: an entry (name or id) :param resource_id:
    :param limit: (default 50, at most 500) :param offset:
    :param format: ``csv``: the matching rows (at most ``ckanext.liuzhou.audit.csv_max_rows``)
        as ``csv``, UTF-8 text with a BOM and headings in the user's language, with ``filename``
    :returns: ``{count, results, verification?}`` or ``{count, csv, filename, truncated}``
    """
    tk.check_access("audit_read_list", context, data_dict)
    data = _validate(data_dict, reads.schema(), context)
    user = authz.context_user(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Sign in first"))
    scope = None if data["mine"] else reads.provider_scope(user)
    if not data["mine"] and data.get("department") and scope is not None and data["department"] not in scope:
        raise tk.NotAuthorized(tk._("You may not see the reads of this department's data"))
    query = reads.query(data, user, scope)
    count = query.count()
    if data.get("format") == "csv":
        cap = lz_config.audit_csv_max_rows()
        rows = reads.dictize(query.limit(cap).all())
        name = "-".join(filter(None, ["reads", "mine" if data["mine"] else data.get("department"),
                                      str(data.get("from") or ""), str(data.get("to") or "")]))
        return {"count": count, "truncated": count > cap, "filename": f"{name}.csv", "csv": reads.to_csv(rows)}
    rows = query.limit(max(1, int(data["limit"]))).offset(int(data["offset"])).all()
    out = {"count": count, "limit": int(data["limit"]), "offset": int(data["offset"]),
           "results": reads.dictize(rows)}
    if not data["mine"] and reads.sees_chain(user):
        out["verification"] = reads.last_verification()
    return out


def get_actions() -> dict:
    return {"audit_log_list": audit_log_list, "audit_log_verify": audit_log_verify,
            "audit_read_list": audit_read_list}
