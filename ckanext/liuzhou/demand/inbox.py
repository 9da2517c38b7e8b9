"""Need events in the 通知 inbox and by e-mail (filed, routed, answered, disputed, reminders
and overdue notices): the demand list's source of notices (:mod:`..notify.sources`),
registered when this module is imported (by the registry, beside the share requests')."""
from __future__ import annotations

from typing import Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import formats, notify
from ..calendar import store as cal
from . import dictize
from . import helpers as labels
from .model import Demand, DemandEvent

SOURCE = "demand"


def items(rows: list[DemandEvent], user: model.User) -> dict[int, dict]:
    """event id → the inbox item of each need event of a page (a few batched queries)."""
    found = {d.id: d for d in model.Session.query(Demand).filter(
        Demand.id.in_({e.demand_id for e in rows}))} if rows else {}
    names = dictize.names_for(list(found.values()), rows)
    out = {}
    for ev in rows:
        item = dictize.event(ev, names)
        d = found.get(ev.demand_id)
        item.update({
            "source": SOURCE,
            "demand_id": ev.demand_id,
            "label": labels.liuzhou_demand_event_label(ev.event),
            "title": d.title if d else None,
            "url": f"/demand/{ev.demand_id}",
        })
        out[ev.id] = item
    return out


def compose(ev: DemandEvent, department: str,
            gettext: Callable[[str], str]) -> Optional[tuple[str, str]]:
    """Subject and plain-text body of one event's notice to one department."""
    _ = gettext
    d = model.Session.get(Demand, ev.demand_id)
    if d is None:
        return None
    consumer = model.Group.get(d.consumer_org_id)
    provider = model.Group.get(d.provider_org_id) if d.provider_org_id else None
    site = tk.config.get("ckan.site_title") or ""
    link = (tk.config.get("ckan.site_url") or "").rstrip("/") + f"/demand/{d.id}"
    what = _(labels.EVENT_LABELS.get(ev.event, ev.event))
    subject = _("[{site}] {event}: {entry}").format(site=site, event=what, entry=d.title)
    lines = [
        _("To {department}:").format(department=department), "",
        _("{event}: {entry}").format(event=what, entry=d.title),
        _("Department that needs the data: {org}").format(org=consumer.title if consumer else d.consumer_org_id),
    ]
    if provider is not None:
        lines.append(_("Department routed to: {org}").format(org=provider.title))
    lines.append(_("Current state: {state}").format(state=_(labels.STATE_LABELS.get(d.state, d.state))))
    detail = ev.detail or {}
    if detail.get("reason_code"):
        lines.append(_("Reason: {text}").format(
            text=_(labels.REASON_LABELS.get(detail["reason_code"], detail["reason_code"]))
            + (f" — {detail['reason']}" if detail.get("reason") else "")))
    if ev.deadline is not None and d.state == "routed":
        lines.append(_("Deadline: {when} (Beijing time)").format(when=formats.local_time(ev.deadline)))
        if cal.provisional(ev.deadline):
            lines.append(_("Provisional: the holiday arrangement of that year is not entered yet; the deadline is "
                           "counted on the statutory holidays and may change when the Operator confirms the year."))
    lines += ["", _("Details: {link}").format(link=link), "",
              _("This message was sent automatically by the platform; do not reply to it.")]
    return subject, "\n".join(lines)


notify.register(notify.Source(SOURCE, DemandEvent, items, compose))
