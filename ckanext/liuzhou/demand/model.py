"""Tables of the demand list (migration 0016). Times are naive UTC, like CKAN's own.

Every state change writes a :class:`DemandEvent` (the need's timeline, the notices) and an
audit row in the same transaction (:mod:`.workflow`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model.types as _types
import ckan.plugins.toolkit as tk

from ..timeline import TimelineEvent


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class Demand(tk.BaseModel):
    """共享需求 (《政务数据共享条例》, sharing chapter): a department's need for data the catalog lacks."""
    __tablename__ = "liuzhou_demand"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    title = Column(UnicodeText, nullable=False)             # what data
    description = Column(UnicodeText, nullable=False, default="")
    duty = Column(UnicodeText, nullable=False)              # for which duty (履职事项)
    basis = Column(UnicodeText, nullable=False)             # legal basis
    information_items = Column(JSONB, nullable=False, default=list)   # the items wanted (names)
    needed_by = Column(Date, nullable=False)                # by when
    valid_until = Column(Date)                              # the use asked for ends (share request)
    consumer_org_id = Column(UnicodeText, nullable=False, index=True)
    requester_id = Column(UnicodeText, nullable=False)

    state = Column(UnicodeText, nullable=False, index=True)
    provider_org_id = Column(UnicodeText, index=True)       # routed to
    deadline = Column(DateTime, index=True)                 # the provider's answer
    assigned = Column(Boolean, nullable=False, default=False)  # named by the Authority: must answer
    disclaimed = Column(JSONB, nullable=False, default=list)   # departments that said: not our duty
    state_changed_at = Column(DateTime, nullable=False, default=_utcnow)
    state_changed_by = Column(UnicodeText, nullable=False)
    routed_at = Column(DateTime)
    routed_by = Column(UnicodeText)

    answer = Column(UnicodeText)                            # entry | refuse
    reason_code = Column(UnicodeText)
    reason = Column(UnicodeText)
    package_id = Column(UnicodeText, index=True)            # the entry that meets the need
    share_request_id = Column(UnicodeText)                  # filed on it in the same step
    answered_by = Column(UnicodeText)
    answered_at = Column(DateTime)
    answered_on_time = Column(Boolean)

    created = Column(DateTime, nullable=False, default=_utcnow, index=True)
    modified = Column(DateTime, nullable=False, default=_utcnow)


class DemandEvent(TimelineEvent, tk.BaseModel):
    """One entry of a need's timeline: a state change or a notice (actor roles: consumer,
    provider, operator, authority, system)."""
    __tablename__ = "liuzhou_demand_event"

    demand_id = Column(UnicodeText, ForeignKey("liuzhou_demand.id", ondelete="CASCADE"),
                       nullable=False, index=True)
