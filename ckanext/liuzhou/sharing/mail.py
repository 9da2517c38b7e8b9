"""E-mail notices of the sharing workflow (Art 26 deadlines, Art 31 suspensions; docs/sharing.md)
and of the lifecycle workflows (docs/lifecycle.md: Art 14 upkeep notices, Art 20–21 offlining, Art 12
accounts, Art 33.1 flags).

When a transaction that recorded timeline events (share request or lifecycle events) commits,
one background job (``tk.enqueue_job``) is queued with their ids; the jobs worker then e-mails
the admins (those with an address) of every department each event notifies, through ``ckan.lib.mailer``. The
transition has committed before anything is queued, and the job catches each failed mail, so
a mail server that is down or refuses never undoes or breaks a transition.
Whether to send at all: ``ckanext.liuzhou.notifications.email`` (``auto`` = when
``smtp.server`` is configured).

Mails are worded in the site's default language (``ckan.locale_default``), read from the
extension's own catalogue, since the worker and ``ckan liuzhou deadlines`` run outside any
web request.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from babel.support import NullTranslations, Translations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ..ops import mail_ledger as ledger

from .. import config as lz_config
from ..calendar import store as cal
from . import helpers as labels
from ..lifecycle import inbox as lifecycle_inbox
from ..lifecycle.model import LifecycleEvent
from .model import ShareRequest, ShareRequestEvent

log = logging.getLogger(__name__)

PENDING = "liuzhou_mail_events"
PENDING_LIFECYCLE = "liuzhou_mail_lifecycle_events"
I18N = Path(__file__).resolve().parent.parent / "i18n"


# ---------------------------------------------------------------- queueing after commit

@sa.event.listens_for(ShareRequestEvent, "after_insert")
def _remember(mapper, connection, target: ShareRequestEvent) -> None:
    session = sa.orm.object_session(target)
    if session is not None:
        session.info.setdefault(PENDING, []).append(target.id)


@sa.event.listens_for(LifecycleEvent, "after_insert")
def _remember_lifecycle(mapper, connection, target: LifecycleEvent) -> None:
    session = sa.orm.object_session(target)
    if session is not None and target.notify:
        session.info.setdefault(PENDING_LIFECYCLE, []).append(target.id)


@sa.event.listens_for(model.Session, "after_commit")
def _queue(session) -> None:
    ids = session.info.pop(PENDING, None) or []
    lifecycle_ids = session.info.pop(PENDING_LIFECYCLE, None) or []
    if not ids and not lifecycle_ids:
        return
    try:
        if lz_config.notification_email():
            tk.enqueue_job(send_event_mails, [ids, lifecycle_ids],
                           title=f"liuzhou: e-mail {len(ids)} share request and {len(lifecycle_ids)} lifecycle event(s)")
    except Exception:  # Redis unreachable, bad config …: the transition stands; log it
        log.exception("could not queue the e-mail of events %s, lifecycle events %s", ids, lifecycle_ids)


@sa.event.listens_for(model.Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(PENDING_LIFECYCLE, None)


# ---------------------------------------------------------------- the job

@lru_cache(maxsize=4)
def _translations(locale: str) -> NullTranslations:
    return Translations.load(str(I18N), [locale], domain="ckanext-liuzhou")


def recipients(names: list[str], exclude: str | None = None) -> list[tuple[str, model.User]]:
    """(department title, admin) for the active admins with an e-mail address of each named
    department; ``exclude`` (a user id: the one who acted) is left out."""
    if not names:
        return []
    rows = (model.Session.query(model.Group.title, model.Group.name, model.User)
            .join(model.Member, model.Member.group_id == model.Group.id)
            .join(model.User, model.User.id == model.Member.table_id)
            .filter(model.Group.name.in_(names), model.Group.is_organization.is_(True),
                    model.Group.state == "active", model.Member.table_name == "user",
                    model.Member.state == "active", model.Member.capacity == "admin",
                    model.User.state == "active", model.User.email.isnot(None), model.User.email != "")
            .order_by(model.Group.name, model.User.name))
    return [(title or name, user) for title, name, user in rows if user.id != exclude]


def compose(ev: ShareRequestEvent, req: ShareRequest, department: str,
            gettext: Callable[[str], str]) -> tuple[str, str]:
    """Subject and plain-text body of one event's notice to one department."""
    _ = gettext
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
    if ev.deadline is not None and req.state in ("submitted", "quality_issue"):
        lines.append(_("Deadline: {when} (Beijing time)").format(when=labels.liuzhou_local_time(ev.deadline)))
        if cal.provisional(ev.deadline):
            lines.append(_("Provisional: the holiday arrangement of that year is not entered yet; the deadline is "
                           "counted on the statutory holidays and may change when the Operator confirms the year."))
    lines += ["", _("Details: {link}").format(link=link), "",
              _("This message was sent automatically by the platform; do not reply to it.")]
    return subject, "\n".join(lines)


def send_event_mails(event_ids: list[int], lifecycle_event_ids: list[int] | None = None) -> dict[str, Any]:
    """The job: mail each event's notice to the admins of the departments it notifies
    (share request events, then lifecycle events).

    A failed mail is logged and the others still go; returns ``{"sent": n, "failed": n}``.
    """
    gettext = _translations(tk.config.get("ckan.locale_default") or "zh_Hans_CN").gettext
    outbox: list[tuple[Any, Callable[[str], tuple[str, str]]]] = []
    for ev in model.Session.query(ShareRequestEvent).filter(ShareRequestEvent.id.in_(event_ids or [])) \
            .order_by(ShareRequestEvent.id):
        req = model.Session.get(ShareRequest, ev.share_request_id)
        if req is not None:
            outbox.append((ev, lambda department, ev=ev, req=req: compose(ev, req, department, gettext)))
    for ev in model.Session.query(LifecycleEvent).filter(LifecycleEvent.id.in_(lifecycle_event_ids or [])) \
            .order_by(LifecycleEvent.id):
        outbox.append((ev, lambda department, ev=ev: lifecycle_inbox.compose(ev, department, gettext)))
    sent = failed = 0
    for ev, words in outbox:
        for department, user in recipients(list(ev.notify or []), exclude=ev.actor_id):
            subject, body = words(department)
            try:
                if not ledger.send_once(ev, user, lambda: mailer.mail_recipient(  # once (ops/mail_ledger.py)
                        user.display_name, user.email, subject, body)):
                    continue
                sent += 1
            except Exception:  # MailerException, socket errors: the next mail still goes
                failed += 1
                log.exception("could not e-mail %s about %s event %s", user.name, type(ev).__name__, ev.id)
    return {"sent": sent, "failed": failed}
