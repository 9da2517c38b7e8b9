"""Lifecycle notices in the 通知 inbox and by e-mail (Art 14, 20, 21, 33).

Each lifecycle event names the departments it notifies (``notify``, set by the step that
records it, :func:`.events.record`): the Operator of an offlining application, the provider
of a decision, the departments named by an upkeep notice, the Authority of an Art 33.1 flag …
This is the lifecycle workflows' source of notices (:mod:`..notify.sources`), registered when
the module is imported: ``notification_list`` lists them beside the share request events. It
turns a page of them into notices (a label, the object's title, a link) with a few batched
queries, and words their e-mails. Consumers hear of a resource's public notice on
their share requests' timelines (:func:`.notices.tell_consumers`), which reach the inbox too.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz, formats, notify
from .. import config as lz_config
from ..formats import Names
from . import dictize, labels
from .model import (AccountRequest, CatalogOffline, InformationSystem, LifecycleEvent, ResourceOffline,
                    UpkeepNotice, Violation)

MODELS = {"catalog_offline": CatalogOffline, "resource_offline": ResourceOffline,
          "upkeep_notice": UpkeepNotice, "account_request": AccountRequest,
          "information_system": InformationSystem, "violation": Violation}

# each object's page (the routes of :mod:`.views`)
PAGES = {"catalog_offline": "/lifecycle/catalog-offline/{id}",
         "resource_offline": "/lifecycle/resource-offline/{id}",
         "upkeep_notice": "/lifecycle/upkeep/{id}",
         "account_request": "/lifecycle/accounts/{id}",
         "information_system": "/lifecycle/systems/{id}",
         "calendar_year": "/calendar/?year={id}"}


def kind_labels(_: Callable[[str], str] = tk._) -> dict[str, str]:
    return {"catalog_offline": _("Catalog offlining"), "resource_offline": _("Resource offlining"),
            "upkeep_notice": _("Upkeep notice"), "account_request": _("Account request"),
            "information_system": _("Information system"), "violation": _("Unauthorised stop"),
            "calendar_year": _("Working-day calendar")}


def label(ev: LifecycleEvent, gettext: Callable[[str], str] = tk._) -> str:
    """``目录下线：已同意``: what the object is and what happened to it."""
    kind = kind_labels(gettext).get(ev.object_type, ev.object_type)
    what = labels.lifecycle_labels(gettext).get("event", {}).get(ev.event, ev.event)
    return gettext("{kind}: {event}").format(kind=kind, event=what)


def _objects(evs: Iterable[LifecycleEvent]) -> dict[tuple[str, str], Any]:
    """(object type, id) → row, one query per type present."""
    wanted: dict[str, set[str]] = {}
    for ev in evs:
        wanted.setdefault(ev.object_type, set()).add(ev.object_id)
    out: dict[tuple[str, str], Any] = {}
    for kind, ids in wanted.items():
        cls = MODELS.get(kind)
        if cls is not None:
            out.update({(kind, row.id): row for row in model.Session.query(cls).filter(cls.id.in_(ids))})
    return out


def _title(kind: str, obj: Any, pkgs: dict) -> Optional[str]:
    if kind == "calendar_year":
        return None
    if obj is None:
        return None
    entry = (pkgs.get(getattr(obj, "package_id", None)) or {}).get("title")
    if kind == "resource_offline":
        return f"{entry}：{obj.resource_name}" if entry else obj.resource_name
    if kind == "upkeep_notice":
        return obj.title
    if kind == "account_request":
        return obj.user_name
    if kind == "information_system":
        return obj.name
    return entry


def _provider(kind: str, obj: Any) -> Optional[str]:
    return getattr(obj, "provider_org_id", None) or getattr(obj, "org_id", None)


def path(ev: LifecycleEvent, obj: Any = None, pkgs: Optional[dict] = None,
         viewer_orgs: Optional[set[str]] = None, oversees: bool = True) -> str:
    """The page a notice links to: the object's page, or the entry's page for a department
    that may not open the object (a consumer in an offlining coordination, the provider of a
    reviewed violation)."""
    package_id = getattr(obj, "package_id", None)
    package = (pkgs or {}).get(package_id) or {}
    entry = f"/catalog/{package.get('name') or package_id}" if package_id else None
    if ev.object_type == "violation":
        return "/lifecycle/violations" if oversees or not entry else entry
    if ev.object_type == "catalog_offline" and not oversees and entry \
            and _provider(ev.object_type, obj) not in (viewer_orgs or set()):
        return entry
    page = PAGES.get(ev.object_type)
    return page.format(id=ev.object_id) if page else "/lifecycle/"


def notices(evs: list[LifecycleEvent], user: model.User, gettext: Callable[[str], str] = tk._) -> dict[int, dict]:
    """event id → the notice's fields for the inbox (a page of events: a query per table)."""
    objects = _objects(evs)
    pkgs = dictize.packages(getattr(o, "package_id", None) for o in objects.values())
    names = Names([e.actor_id for e in evs], [e.actor_org_id for e in evs]
                  + [_provider(k, o) for (k, _i), o in objects.items()])
    mine = set(authz.memberships(user))
    authority, operator = authz.org_id(lz_config.authority_org()), authz.org_id(lz_config.operator_org())
    oversees = bool(mine & {authority, operator}) or bool(user.sysadmin)
    out = {}
    for ev in evs:
        obj = objects.get((ev.object_type, ev.object_id))
        provider = _provider(ev.object_type, obj)
        item = dictize.event(ev, names)
        item.update({
            "object_type": ev.object_type, "object_id": ev.object_id,
            "label": label(ev, gettext), "kind_label": kind_labels(gettext).get(ev.object_type, ev.object_type),
            "title": _title(ev.object_type, obj, pkgs) or (ev.object_id if ev.object_type == "calendar_year" else None),
            "package_id": getattr(obj, "package_id", None),
            "provider_org": names.org(provider), "provider_org_title": names.org_title(provider),
            "url": path(ev, obj, pkgs, mine, oversees),
        })
        out[ev.id] = item
    return out


# ---------------------------------------------------------------- e-mail

def compose(ev: LifecycleEvent, department: str, gettext: Callable[[str], str]) -> tuple[str, str]:
    """Subject and plain-text body of one lifecycle notice to one department."""
    _ = gettext
    obj = _objects([ev]).get((ev.object_type, ev.object_id))
    pkgs = dictize.packages([getattr(obj, "package_id", None)])
    title = _title(ev.object_type, obj, pkgs) or ev.object_id
    what = label(ev, gettext)
    site = tk.config.get("ckan.site_title") or ""
    link = (tk.config.get("ckan.site_url") or "").rstrip("/") + path(ev, obj, pkgs)
    provider = model.Group.get(_provider(ev.object_type, obj)) if obj is not None and _provider(ev.object_type, obj) else None
    lines = [_("To {department}:").format(department=department), "",
             _("{event}: {entry}").format(event=what, entry=title)]
    if provider is not None:
        lines.append(_("Providing department: {org}").format(org=provider.title or provider.name))
    detail = ev.detail or {}
    kind = detail.get("kind")
    if ev.object_type == "violation" and kind:
        lines.append(labels.lifecycle_labels(gettext).get("violation_kind", {}).get(kind, kind))
    for key, text in (("reason", _("Reason: {text}")), ("legal_basis", _("Legal basis: {text}")),
                      ("basis", _("Legal basis: {text}")), ("notes", _("Notes: {text}")),
                      ("response", _("Notes: {text}"))):
        if detail.get(key):
            lines.append(text.format(text=detail[key]))
    if ev.deadline is not None:
        lines.append(_("Deadline: {when} (Beijing time)").format(when=formats.local_time(ev.deadline)))
    lines += ["", _("Details: {link}").format(link=link), "",
              _("This message was sent automatically by the platform; do not reply to it.")]
    subject = _("[{site}] {event}: {entry}").format(site=site, event=what, entry=title)
    return subject, "\n".join(lines)


notify.register(notify.Source("lifecycle", LifecycleEvent, notices, compose, mailed=lambda ev: bool(ev.notify)))
