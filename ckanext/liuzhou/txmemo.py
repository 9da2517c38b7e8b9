"""Values remembered for one database transaction.

A request asks the same questions many times (a user's memberships, a department's title, an
entry's offline state). A :class:`TransactionMemo` keeps the answers in the SQLAlchemy
session's ``info`` and forgets them when the transaction ends, or as soon as an instance of
one of the ``watched`` models is added, changed or deleted in the session (before the flush
and while it is pending), so no answer outlives the data it was read from.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy import event

import ckan.model as model


class TransactionMemo:
    """``relevant(obj, session)``, when given, narrows ``watched``: a change of a watched
    instance for which it answers False does not make the memo forget."""

    def __init__(self, name: str, watched: tuple[type, ...],
                 relevant: Optional[Callable[[Any, Any], bool]] = None):
        self.name = name
        self.watched = watched
        self.relevant = relevant
        event.listen(sa.orm.Session, "before_flush", self._forget_on_change)
        event.listen(sa.orm.Session, "after_transaction_end", self._forget_at_end)

    def changing(self, session) -> bool:
        """An instance of a watched model changed in the session and is not flushed yet."""
        return any(isinstance(o, self.watched) and (self.relevant is None or self.relevant(o, session))
                   for o in (*session.new, *session.dirty, *session.deleted))

    def _forget_on_change(self, session, flush_context, instances) -> None:
        if self.name in session.info and self.changing(session):
            session.info.pop(self.name, None)

    def _forget_at_end(self, session, transaction) -> None:
        if transaction.parent is None:
            session.info.pop(self.name, None)

    def store(self) -> dict | None:
        """The memo's dict for the current session (None while a watched change is pending)."""
        session = model.Session()
        if self.changing(session):
            session.info.pop(self.name, None)
            return None
        return session.info.setdefault(self.name, {})

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        """``load()``, remembered under ``key``."""
        memo = self.store()
        if memo is None:
            return load()
        if key not in memo:
            memo[key] = load()
        return memo[key]
