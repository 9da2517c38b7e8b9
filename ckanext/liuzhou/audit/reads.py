"""Who read a department's data (Art 25 追溯体系, Art 28 responsibility of whoever provides and
uses data): the ``data.read`` and ``data.refused`` rows of the audit log, by department, as a
list and as CSV, and the last verification of the chain.

Who sees which rows (:func:`provider_scope`): the Authority (and sysadmins) every department's,
a county authority's admins its county's departments', a department's admins their own
department's; everybody their own reads (``mine``). Nothing here writes: the rows are read from
the append-only log, which the database itself refuses to change.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..formats import TZ
from .. import authz
from .model import AuditLog

_ = tk._

READ, REFUSED = "data.read", "data.refused"
KINDS = {"read": READ, "refused": REFUSED}
VERIFY = "audit.verify"  # the row each verification of the chain appends (actions.py, cli.py)
MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


# ---------------------------------------------------------------- who sees what

def provider_scope(user: Optional[model.User]) -> Optional[set[str]]:
    """Names of the departments whose data's reads ``user`` may see; None: every department.

    Art 28 makes the providing department answer for its data, and its admins act for it;
    Art 25 keeps the trace for the Authority, which supervises every department (a county
    authority its county's). Editors and plain members are left out: the rows name other
    departments' staff and their network addresses (need to know; Art 29 protection, Art 31
    behaviour tracing is the provider's control, exercised by its admins)."""
    if user is None:
        return set()
    if user.sysadmin or authz.is_authority(user):
        return None
    ids = authz.county_jurisdiction(user) | {gid for gid, cap in authz.memberships(user).items() if cap == "admin"}
    authz.preload_groups(ids)
    return {n for n in (authz.org_name(gid) for gid in ids) if n}


def record_verification(result, user=None, *, via: str) -> None:
    """Append the outcome of a verification of the chain (:func:`.chain.verify`) as a
    :data:`VERIFY` row (committed by the caller: the action or ``ckan liuzhou audit verify``)."""
    from .log import record

    record(VERIFY, user, object_type="audit_log",
           detail={"ok": result.ok, "rows": result.rows, "broken_id": result.broken_id,
                   "reason": result.reason, "via": via})


def sees_chain(user: Optional[model.User]) -> bool:
    """The chain's verification status is the Authority's (Art 25: it keeps the trace)."""
    return bool(user is not None and (user.sysadmin or authz.is_authority(user)))


def wants_mine(value: Any) -> bool:
    """``mine`` as the auth function reads it, before validation (a bad value is not ``mine``)."""
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on")) \
        or (isinstance(value, int) and not isinstance(value, bool) and value == 1)


# ---------------------------------------------------------------- validators

def plain_text(value: Any, context) -> Any:
    """A short line of text without control characters (a filter, never stored)."""
    if value is None or value == "":
        return value
    if not isinstance(value, str) or len(value) > 200 \
            or any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise tk.Invalid(_("Must be a short line of text"))
    return value.strip()


def department_name(value: Any, context) -> Any:
    """A department named by name or id → its name; an unknown one is refused."""
    if not value:
        return value
    name = authz.org_name(authz.org_id(value))
    if not name:
        raise tk.Invalid(_("Unknown department: {ref}").format(ref=value))
    return name


def package_ref(value: Any, context) -> Any:
    """A catalog entry named by name or id → its id; an unknown one is refused."""
    if not value:
        return value
    pkg = model.Package.get(value)
    if pkg is None:
        raise tk.Invalid(_("Unknown catalog entry: {ref}").format(ref=value))
    return pkg.id


def date_only(value: Any, context) -> Any:
    """An ISO date (a time part, if any, is dropped: the filter counts whole days)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date) and not (1 < value.year < 9999):
        raise tk.Invalid(_("Date out of range"))
    return value


def max_value(limit: int):
    def check(value: Any, context) -> Any:
        if isinstance(value, int) and value > limit:
            raise tk.Invalid(_("Must be at most {n}").format(n=limit))
        return value
    return check


def schema() -> dict:
    v = tk.get_validator
    text = [v("ignore_missing"), plain_text]
    return {
        "department": [*text, department_name],
        "reader_org": [*text, department_name],
        "package_id": [*text, package_ref],
        "resource_id": text,
        "kind": [*text, v("OneOf")(list(KINDS))],
        "from": [v("ignore_missing"), plain_text, v("isodate"), date_only],
        "to": [v("ignore_missing"), plain_text, v("isodate"), date_only],
        "mine": [v("default")(False), v("boolean_validator")],
        "format": [*text, v("OneOf")(["csv"])],
        "limit": [v("default")(50), v("natural_number_validator"), max_value(MAX_LIMIT)],
        "offset": [v("default")(0), v("natural_number_validator"), max_value(MAX_OFFSET)],
    }


# ---------------------------------------------------------------- the query

def _utc_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in Asia/Shanghai as the naive UTC time the log stores."""
    return dt.datetime.combine(day, dt.time(), TZ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def query(data: dict, user: model.User, scope: Optional[set[str]]):
    """The rows ``data``'s filters select, within ``scope`` (None: all departments)."""
    q = model.Session.query(AuditLog).filter(AuditLog.action.in_(
        [KINDS[data["kind"]]] if data.get("kind") else [READ, REFUSED]))
    if data["mine"]:
        q = q.filter(AuditLog.actor_id == user.id)
    elif scope is not None:
        q = q.filter(AuditLog.provider_org.in_(sorted(scope) or [""]))
    if data.get("department"):
        q = q.filter(AuditLog.provider_org == data["department"])
    if data.get("reader_org"):
        # actor_org holds the reader's departments, comma-separated
        q = q.filter(sa.func.concat(",", AuditLog.actor_org, ",").contains(f",{data['reader_org']},", autoescape=True))
    if data.get("package_id"):
        q = q.filter(AuditLog.package_id == data["package_id"])
    if data.get("resource_id"):
        q = q.filter(AuditLog.resource_id == data["resource_id"])
    if data.get("from"):
        q = q.filter(AuditLog.created >= _utc_start(data["from"]))
    if data.get("to"):
        q = q.filter(AuditLog.created < _utc_start(data["to"] + dt.timedelta(days=1)))
    return q.order_by(AuditLog.created.desc(), AuditLog.id.desc())


def dictize(rows: list[AuditLog]) -> list[dict[str, Any]]:
    """The rows for the page and the API, with titles read in three queries for all of them."""
    pkg_ids = {r.package_id for r in rows if r.package_id}
    res_ids = {r.resource_id for r in rows if r.resource_id}
    pkgs = {p.id: (p.name, p.title) for p in model.Session.query(
        model.Package.id, model.Package.name, model.Package.title).filter(model.Package.id.in_(pkg_ids))} if pkg_ids else {}
    res = {r.id: r.name for r in model.Session.query(
        model.Resource.id, model.Resource.name).filter(model.Resource.id.in_(res_ids))} if res_ids else {}
    orgs = {n for r in rows for n in (r.actor_org or "").split(",") if n} | {r.provider_org for r in rows if r.provider_org}
    authz.preload_groups(orgs)
    out = []
    for r in rows:
        reader_orgs = [n for n in (r.actor_org or "").split(",") if n]
        pkg = pkgs.get(r.package_id or "")
        local = r.created.replace(tzinfo=dt.timezone.utc).astimezone(TZ)
        out.append({
            "id": r.id, "created": r.created.isoformat(), "time": local.strftime("%Y-%m-%d %H:%M:%S"),
            "kind": "read" if r.action == READ else "refused",
            "reader": r.actor_name, "reader_orgs": reader_orgs,
            "reader_org_titles": [authz.org_title(n) or n for n in reader_orgs],
            "provider_org": r.provider_org, "provider_org_title": authz.org_title(r.provider_org) or r.provider_org,
            "package_id": r.package_id, "package_name": pkg[0] if pkg else None,
            "package_title": pkg[1] if pkg else None,
            "resource_id": r.resource_id, "resource_name": res.get(r.resource_id or ""),
            "share_request_id": r.share_request_id, "purpose": r.purpose, "remote_addr": r.remote_addr,
        })
    return out


def last_verification() -> Optional[dict[str, Any]]:
    """The last check of the chain (``audit_log_verify`` or ``ckan liuzhou audit verify``)."""
    row = (model.Session.query(AuditLog).filter(AuditLog.action == VERIFY)
           .order_by(AuditLog.id.desc()).first())
    if row is None:
        return None
    d = row.detail or {}
    local = row.created.replace(tzinfo=dt.timezone.utc).astimezone(TZ)
    return {"checked": row.created.isoformat(), "time": local.strftime("%Y-%m-%d %H:%M:%S"),
            "ok": bool(d.get("ok")), "rows": d.get("rows"), "broken_id": d.get("broken_id"),
            "reason": d.get("reason") or "", "by": row.actor_name or d.get("via") or ""}


# ---------------------------------------------------------------- CSV

def csv_columns() -> list[str]:
    return [_("Time"), _("Kind"), _("Reader"), _("Reader's department"), _("Providing department"),
            _("Catalog entry"), _("Resource"), _("Share request"), _("Purpose"), _("From address")]


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """UTF-8 text with a BOM (so spreadsheet programs read the Chinese), headings in the user's
    language; a cell that starts like a formula is quoted with a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_columns())
    kinds = {"read": _("Read"), "refused": _("Refused")}
    for r in rows:
        writer.writerow([_cell(v) for v in (
            r["time"], kinds[r["kind"]], r["reader"], "、".join(r["reader_org_titles"]), r["provider_org_title"],
            r["package_title"] or r["package_id"], r["resource_name"] or r["resource_id"],
            r["share_request_id"], r["purpose"], r["remote_addr"])])
    return "\ufeff" + out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
