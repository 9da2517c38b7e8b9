"""SQL conditions on share requests shared by the actions, the access rule and the scheduled run."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from . import states
from .model import ShareRequest


def overdue(now: dt.datetime):
    """Open in a state with a deadline, and past it."""
    return sa.and_(ShareRequest.state.in_(list(states.DEADLINE_WORKDAYS)),
                   ShareRequest.deadline.isnot(None), ShareRequest.deadline < now)


def giving_access():
    """In a state in which the scoped users may read (see :func:`states.has_access`)."""
    return sa.or_(ShareRequest.state.in_(list(states.ACCESS)),
                  sa.and_(ShareRequest.state == states.COORDINATING,
                          ShareRequest.previous_state.in_(list(states.ACCESS))))


def valid_on(day: dt.date):
    return sa.and_(ShareRequest.valid_from <= day, ShareRequest.valid_until >= day)
