"""E-mail notices of the timeline events (Art 26 deadlines, Art 31 suspensions of share
requests; Art 14 upkeep notices, Art 20–21 offlining, Art 12 accounts, Art 33.1 flags of the
lifecycle workflows), for every registered source (:mod:`.sources`).

When a transaction that recorded timeline events commits, one background job
(``tk.enqueue_job``) is queued with their ids; the jobs worker then e-mails the admins (those
with an address) of every department each event notifies, through ``ckan.lib.mailer``. The
transition has committed before anything is queued, and the job catches each failed mail, so
a mail server that is down or refuses never undoes or breaks a transition. Each mail is sent
once (:mod:`.ledger`). Whether to send at all: ``ckanext.liuzhou.notifications.email``
(``auto`` = when ``smtp.server`` is configured).

Mails are worded in the site's default language (``ckan.locale_default``), read from the
extension's own catalogue, since the worker and ``ckan liuzhou deadlines`` run outside any
web request.
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from babel.support import NullTranslations, Translations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from .. import config as lz_config
from . import ledger
from .recipients import recipients
from .sources import PENDING, sources

log = logging.getLogger(__name__)

I18N = Path(__file__).resolve().parent.parent / "i18n"


# ---------------------------------------------------------------- queueing after commit

@sa.event.listens_for(model.Session, "after_commit")
def _queue(session) -> None:
    pending: dict[str, list] = session.info.pop(PENDING, None) or {}
    if not any(pending.values()):
        return
    try:
        if lz_config.notification_email():
            counts = ", ".join(f"{len(ids)} {table}" for table, ids in pending.items())
            tk.enqueue_job(send_event_mails, [pending], title=f"liuzhou: e-mail event(s): {counts}")
    except Exception:  # Redis unreachable, bad config …: the transition stands; log it
        log.exception("could not queue the e-mail of events %s", pending)


@sa.event.listens_for(model.Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(PENDING, None)


# ---------------------------------------------------------------- the job

@lru_cache(maxsize=4)
def _translations(locale: str) -> NullTranslations:
    return Translations.load(str(I18N), [locale], domain="ckanext-liuzhou")


def send_event_mails(events: dict[str, list[int]]) -> dict[str, Any]:
    """The job: mail each event's notice to the admins of the departments it notifies.

    ``events``: event table name → ids (the sources in the order they registered). A failed
    mail is logged and the others still go; returns ``{"sent": n, "failed": n}``.
    """
    gettext = _translations(tk.config.get("ckan.locale_default") or "zh_Hans_CN").gettext
    sent = failed = 0
    for source in sources():
        ids = (events or {}).get(source.table) or []
        if not ids:
            continue
        for ev in model.Session.query(source.model).filter(source.model.id.in_(ids)).order_by(source.model.id):
            for department, user in recipients(list(ev.notify or []), exclude=ev.actor_id):
                words = source.compose(ev, department, gettext)
                if words is None:  # nothing to say (its object is gone)
                    break
                subject, body = words
                try:
                    if not ledger.send_once(ev, user, lambda: mailer.mail_recipient(
                            user.display_name, user.email, subject, body)):
                        continue
                    sent += 1
                except Exception:  # MailerException, socket errors: the next mail still goes
                    failed += 1
                    log.exception("could not e-mail %s about %s event %s", user.name, type(ev).__name__, ev.id)
    return {"sent": sent, "failed": failed}


def requeue(min_age: dt.timedelta, max_age: dt.timedelta) -> dict[str, list]:
    """Queue one mail job for every event not yet mailed to all its recipients
    (:func:`.ledger.pending`); returns them by event table."""
    found = ledger.pending(min_age, max_age)
    n = sum(len(ids) for ids in found.values())
    if n:
        tk.enqueue_job(send_event_mails, [found], title=f"liuzhou: e-mail again {n} event(s) not yet mailed")
    return found
