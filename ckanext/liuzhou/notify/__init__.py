"""Notices: timeline events → the 通知 inbox → e-mail, for every capability.

A capability whose events notify departments registers a :class:`Source` (its event table,
how a page of its events reads in the inbox, how one is worded in a mail); the rest is here:
the ``notification_list`` / ``notification_mark_read`` actions (:mod:`.actions`, :mod:`.auth`),
the listeners that queue the mail job once a transaction commits and the job itself
(:mod:`.mail`), and the ledger that sends each mail once (:mod:`.ledger`).
"""
from __future__ import annotations

from .mail import requeue, send_event_mails
from .recipients import recipients
from .sources import Source, register, sources

__all__ = ["Source", "recipients", "register", "requeue", "send_event_mails", "sources"]
