"""The columns every workflow's timeline row has in common (share requests, the lifecycle's
objects, the demand list, error reports): what happened, from which state to which, who did it in which role for which
department, when, the deadline then in force, the details and the departments notified.

A capability's event table names itself and its parent's key, then takes the rest from
:class:`TimelineEvent`; its migration creates the same columns. Times are naive UTC, like CKAN's.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Integer, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB


def utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class TimelineEvent:
    """Mixin of the shared columns; ``actor_role`` is the workflow's own vocabulary (consumer,
    provider, reporter, operator, authority, system)."""

    id = Column(Integer, primary_key=True, autoincrement=True)
    event = Column(UnicodeText, nullable=False)
    from_state = Column(UnicodeText)
    to_state = Column(UnicodeText)
    actor_id = Column(UnicodeText)
    actor_role = Column(UnicodeText)
    actor_org_id = Column(UnicodeText)
    created = Column(DateTime, nullable=False, default=utcnow)
    deadline = Column(DateTime)
    detail = Column(JSONB, nullable=False, default=dict)
    notify = Column(JSONB, nullable=False, default=list)    # names of the departments notified
