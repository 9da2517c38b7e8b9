"""The sources of notices: each capability whose timeline events notify departments registers
its event table here, with how a page of its events reads in the 通知 inbox and how one of
them is worded in an e-mail (Art 26, 31 for share requests; Art 12, 14, 20, 21, 33 for the
lifecycle workflows).

An event table has ``id``, ``created``, ``event``, ``actor_id`` and ``notify`` (a JSONB list
of the department names it notifies). Registering a source installs the listener that
remembers its new events, so that they are e-mailed once the transaction commits
(:mod:`.mail`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.model as model

# (events of a page, the user reading them) → event id → the inbox item of each
Items = Callable[[list, model.User], "dict[int, dict]"]
# (an event, the department mailed, gettext) → (subject, plain-text body)
Compose = Callable[[Any, str, Callable[[str], str]], "tuple[str, str]"]


@dataclass(frozen=True)
class Source:
    """One kind of timeline event that reaches the inbox and the mail."""
    name: str                   # the inbox item's ``source`` ("share_request", "lifecycle")
    model: Any                  # the event table's declarative class
    items: Items
    compose: Compose
    # whether a new event is mailed (its ``notify`` list may be empty)
    mailed: Callable[[Any], bool] = lambda ev: True

    @property
    def table(self) -> str:
        return self.model.__tablename__


_SOURCES: dict[str, Source] = {}
PENDING = "liuzhou_mail_pending"  # session.info key: table name → ids of new events


def register(source: Source) -> Source:
    """Add a source of notices; a second source under a taken name or table raises
    ``ValueError`` (the same source registered again, as on a module reload, replaces it)."""
    for other in _SOURCES.values():
        if (other.name == source.name or other.table == source.table) and other.model is not source.model:
            raise ValueError(f"notify: a source named {source.name!r} or on {source.table!r} is already registered")
    _SOURCES[source.name] = source
    if not sa.event.contains(source.model, "after_insert", _remember):
        sa.event.listen(source.model, "after_insert", _remember)
    return source


def sources() -> list[Source]:
    """The registered sources, in the order they registered."""
    return list(_SOURCES.values())


def by_table(table: str) -> Optional[Source]:
    return next((s for s in _SOURCES.values() if s.table == table), None)


def _remember(mapper, connection, target) -> None:
    source = by_table(type(target).__tablename__)
    session = sa.orm.object_session(target)
    if source is not None and session is not None and source.mailed(target):
        session.info.setdefault(PENDING, {}).setdefault(source.table, []).append(target.id)
