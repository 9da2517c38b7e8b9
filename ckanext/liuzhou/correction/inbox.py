"""Error report events in the 通知 inbox and by e-mail (national regulation Art 26): the
correction capability's source of notices (:mod:`..notify.sources`), registered when this
module is imported. A report notifies the providing department; an answer, the reporting
department (and the Authority of a dispute); a settlement, both; the scheduler's reminders
and overdue notices, the providing department."""
from __future__ import annotations

from typing import Callable

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import formats, notify
from ..formats import Names
from . import dictize, states
from .model import CorrectionEvent, CorrectionReport

SOURCE = "correction"


def _page(report_id: str) -> str:
    return f"/correction/{report_id}"


def items(rows: list[CorrectionEvent], user: model.User) -> dict[int, dict]:
    """event id → the inbox item of each event of a page (a few batched queries)."""
    reports = {r.id: r for r in model.Session.query(CorrectionReport).filter(
        CorrectionReport.id.in_({e.correction_id for e in rows}))} if rows else {}
    names = Names([e.actor_id for e in rows],
                  [e.actor_org_id for e in rows] + [o for r in reports.values()
                                                    for o in (r.provider_org_id, r.reporter_org_id)])
    pkgs = dictize.packages(r.package_id for r in reports.values())
    out = {}
    for ev in rows:
        item = dictize.event(ev, names)
        report = reports.get(ev.correction_id)
        title = pkgs.get(report.package_id, (None, None))[1] if report else None
        item.update({
            "source": SOURCE, "object_type": "correction", "object_id": ev.correction_id,
            "kind_label": tk._("Error report"),
            "label": tk._("{kind}: {event}").format(kind=tk._("Error report"),
                                                   event=states.label(states.EVENT_LABELS, ev.event)),
            "title": title, "url": _page(ev.correction_id),
            "package_id": report.package_id if report else None,
            "provider_org": names.org(report.provider_org_id) if report else None,
            "provider_org_title": names.org_title(report.provider_org_id) if report else None,
        })
        out[ev.id] = item
    return out


def compose(ev: CorrectionEvent, department: str, gettext: Callable[[str], str]) -> tuple[str, str]:
    """Subject and plain-text body of one event's notice to one department."""
    _ = gettext
    report = model.Session.get(CorrectionReport, ev.correction_id)
    pkg = model.Package.get(report.package_id) if report is not None else None
    entry = pkg.title if pkg is not None else ev.correction_id
    what = _("{kind}: {event}").format(kind=_("Error report"), event=_(states.EVENT_LABELS.get(ev.event, ev.event)))
    site = tk.config.get("ckan.site_title") or ""
    link = (tk.config.get("ckan.site_url") or "").rstrip("/") + _page(ev.correction_id)
    lines = [_("To {department}:").format(department=department), "", _("{event}: {entry}").format(event=what, entry=entry)]
    if report is not None:
        provider, reporter = model.Group.get(report.provider_org_id), model.Group.get(report.reporter_org_id)
        lines.append(_("Providing department: {org}").format(org=provider.title if provider else report.provider_org_id))
        lines.append(_("Reporting department: {org}").format(org=reporter.title if reporter else report.reporter_org_id))
        lines.append(_("Current state: {state}").format(state=_(states.STATE_LABELS.get(report.state, report.state))))
    detail = ev.detail or {}
    for key, text in (("description", _("Description: {text}")), ("reason", _("Reason: {text}")),
                      ("correction", _("Correction: {text}")), ("settlement", _("Notes: {text}"))):
        if detail.get(key):
            lines.append(text.format(text=detail[key]))
    if ev.deadline is not None:
        lines.append(_("Deadline: {when} (Beijing time)").format(when=formats.local_time(ev.deadline)))
    lines += ["", _("Details: {link}").format(link=link), "",
              _("This message was sent automatically by the platform; do not reply to it.")]
    subject = _("[{site}] {event}: {entry}").format(site=site, event=what, entry=entry)
    return subject, "\n".join(lines)


notify.register(notify.Source(SOURCE, CorrectionEvent, items, compose, mailed=lambda ev: bool(ev.notify)))
