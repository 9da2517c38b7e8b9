"""Idempotency keys of the create actions: one sent form (or one API call, however often it is
retried) makes one object.

A create action given ``idempotency_key`` claims the key for its user and itself just before
it makes anything (after its checks: a refused call claims nothing). The same user sending the
same key to the same action again gets the object the first call made: a double click, a
resent POST, a retried API call. A concurrent twin waits on the key's row (its primary key)
until the first call's transaction ends: committed, the twin returns the first call's object;
rolled back, the twin makes the object. A key is its user's own: another user's same key is
another key. Table ``liuzhou_idempotency_key`` (migration 0012); the scheduler's prune task
deletes keys older than :data:`KEEP` (:func:`prune`).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from sqlalchemy import Column, DateTime, UnicodeText
from sqlalchemy.exc import IntegrityError

import ckan.model as model
import ckan.plugins.toolkit as tk

FIELD = "idempotency_key"
_KEY = re.compile(r"[A-Za-z0-9._:-]{1,100}")
REPLAYED = "liuzhou_idempotent_replay"   # set in the context when a call returned an earlier object
# How long a key is kept: far beyond any double click, resent form or client's retry.
KEEP = dt.timedelta(days=7)


class IdempotencyKey(tk.BaseModel):
    """A key a user sent to a create action, and the object that call made."""
    __tablename__ = "liuzhou_idempotency_key"

    user_id = Column(UnicodeText, primary_key=True)
    action = Column(UnicodeText, primary_key=True)
    key = Column(UnicodeText, primary_key=True)
    object_id = Column(UnicodeText)
    created = Column(DateTime, nullable=False, default=dt.datetime.utcnow)


def key_validator(value: Any, context) -> str:
    """Up to 100 letters, digits and ``. _ : -`` (a UUID, a form's token)."""
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise tk.Invalid(tk._("An idempotency key is up to 100 letters, digits, dots, colons, "
                              "hyphens or underscores"))
    return value


def _row(user_id: str, action: str, key: str) -> Optional[IdempotencyKey]:
    return (model.Session.query(IdempotencyKey).populate_existing()
            .filter_by(user_id=user_id, action=action, key=key).one_or_none())


def claim(context: dict, user_id: str, action: str, key: Optional[str]) -> Optional[str]:
    """Claim ``key`` for this call. None: the call goes on to make its object (then
    :func:`bind`); otherwise the id of the object an earlier call with the key made (and
    ``context[REPLAYED]`` is set, so a page can tell a resent form from a new one)."""
    if not key:
        return None
    row = _row(user_id, action, key)
    if row is None:
        try:
            with model.Session.begin_nested():   # waits here while a twin's transaction holds the key
                model.Session.add(IdempotencyKey(user_id=user_id, action=action, key=key))
        except IntegrityError:
            row = _row(user_id, action, key)     # the twin committed: its object
            if row is None or not row.object_id:
                raise tk.ValidationError({FIELD: [tk._("This form is being sent already")]})
    if row is not None and row.object_id:
        context[REPLAYED] = True
        return row.object_id
    return None


def bind(user_id: str, action: str, key: Optional[str], object_id: str) -> None:
    """Record the object the call that claimed ``key`` made (in the call's transaction)."""
    if not key:
        return
    row = _row(user_id, action, key)
    if row is None:
        row = IdempotencyKey(user_id=user_id, action=action, key=key)
        model.Session.add(row)
    row.object_id = object_id


def prune(now: Optional[dt.datetime] = None) -> int:
    """Delete the keys older than :data:`KEEP` (committed); how many were deleted."""
    cutoff = (now or dt.datetime.utcnow()) - KEEP
    n = (model.Session.query(IdempotencyKey).filter(IdempotencyKey.created < cutoff)
         .delete(synchronize_session=False))
    model.Session.commit()
    return n
