"""Share request events in the 通知 inbox and by e-mail (Art 26 decisions, deliveries and
deadlines, Art 31 suspensions): the sharing capability's source of notices
(:mod:`..notify.sources`), registered when this module is imported."""
from __future__ import annotations

from typing import Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import notify
from ..calendar import store as cal
from . import dictize
from . import helpers as labels
from .model import ShareRequest, ShareRequestEvent

SOURCE = "share_request"


def items(rows: list[ShareRequestEvent], user: model.User) -> dict[int, dict]:
    """event id → the inbox item of each share request event of a page (a few batched queries)."""
    reqs = {r.id: r for r in model.Session.query(ShareRequest).filter(
        ShareRequest.id.in_({e.share_request_id for e in rows}))} if rows else {}
    lookup = dictize.Names([e.actor_id for e in rows],
                           [e.actor_org_id for e in rows]
                           + [o for r in reqs.values() for o in (r.consumer_org_id, r.provider_org_id)])
    packages = dictize.packages_for(list(reqs.values()))
    out = {}
    for ev in rows:
        item = dictize.event(ev, lookup)
        req = reqs.get(ev.share_request_id)
        pkg_name, pkg_title = packages.get(req.package_id, (None, None)) if req else (None, None)
        item.update({
            "source": SOURCE,
            "share_request_id": ev.share_request_id,
            "label": labels.liuzhou_share_event_label(ev.event),
            "title": pkg_title,
            "url": f"/sharing/request/{ev.share_request_id}",
            "share_request": None if req is None else {
                "id": req.id, "kind": req.kind, "state": req.state,
                "package_name": pkg_name, "package_title": pkg_title,
                "consumer_org": lookup.org(req.consumer_org_id),
                "consumer_org_title": lookup.org_title(req.consumer_org_id),
                "provider_org": lookup.org(req.provider_org_id),
                "provider_org_title": lookup.org_title(req.provider_org_id),
            },
        })
        out[ev.id] = item
    return out


def compose(ev: ShareRequestEvent, department: str,
            gettext: Callable[[str], str]) -> Optional[tuple[str, str]]:
    """Subject and plain-text body of one event's notice to one department (None when its
    request is gone)."""
    _ = gettext
    req = model.Session.get(ShareRequest, ev.share_request_id)
    if req is None:
        return None
    pkg = model.Package.get(req.package_id)
    entry = pkg.title if pkg is not None else req.package_id
    consumer, provider = model.Group.get(req.consumer_org_id), model.Group.get(req.provider_org_id)
    site = tk.config.get("ckan.site_title") or ""
    link = (tk.config.get("ckan.site_url") or "").rstrip("/") + f"/sharing/request/{req.id}"
    what = _(labels.EVENT_LABELS.get(ev.event, ev.event))
    subject = _("[{site}] {event}: {entry}").format(site=site, event=what, entry=entry)
    lines = [
        _("To {department}:").format(department=department),
        "",
        _("{event}: {entry}").format(event=what, entry=entry),
        _("Requesting department: {org}").format(org=consumer.title if consumer else req.consumer_org_id),
        _("Providing department: {org}").format(org=provider.title if provider else req.provider_org_id),
        _("Current state: {state}").format(state=_(labels.STATE_LABELS.get(req.state, req.state))),
    ]
    detail = ev.detail or {}
    for key, label in (("reason", _("Reason: {text}")), ("notes", _("Notes: {text}")),
                       ("resolution", _("Resolution: {text}")), ("description", _("Description: {text}"))):
        if detail.get(key):
            lines.append(label.format(text=detail[key]))
    if detail.get("resource_name"):  # a resource of the request goes offline (Art 21)
        lines.append(_("Resource: {name}").format(name=detail["resource_name"]))
    if detail.get("notice_ends") and ev.event == "resource_offline_notice":
        lines.append(_("Public notice until {when} (Beijing time)").format(
            when=labels.liuzhou_local_time(detail["notice_ends"])))
    if ev.deadline is not None and req.state in ("submitted", "quality_issue", "authority_review"):
        lines.append(_("Deadline: {when} (Beijing time)").format(when=labels.liuzhou_local_time(ev.deadline)))
        if cal.provisional(ev.deadline):
            lines.append(_("Provisional: the holiday arrangement of that year is not entered yet; the deadline is "
                           "counted on the statutory holidays and may change when the Operator confirms the year."))
    lines += ["", _("Details: {link}").format(link=link), "",
              _("This message was sent automatically by the platform; do not reply to it.")]
    return subject, "\n".join(lines)


notify.register(notify.Source(SOURCE, ShareRequestEvent, items, compose))
