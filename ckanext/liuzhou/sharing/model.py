"""Tables of the sharing workflow (migration 0004). Times are naive UTC, like CKAN's own.

Every workflow row keeps its state, who acted, when and (where the rules set one) its
deadline; :mod:`.workflow` writes the timeline event and the audit row of each change in the
same transaction.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, UnicodeText)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship

import ckan.model.types as _types
import ckan.plugins.toolkit as tk

from ..timeline import TimelineEvent


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class ShareRequest(tk.BaseModel):
    """共享申请 (Art 26): a department's request for a catalog entry's data."""
    __tablename__ = "liuzhou_share_request"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    kind = Column(UnicodeText, nullable=False)              # share (conditional) | negotiation (not shared)
    package_id = Column(UnicodeText, nullable=False, index=True)
    provider_org_id = Column(UnicodeText, nullable=False, index=True)
    consumer_org_id = Column(UnicodeText, nullable=False, index=True)
    requester_id = Column(UnicodeText, nullable=False)
    resource_ids = Column(JSONB, nullable=False, default=list)
    information_items = Column(JSONB, nullable=False, default=list)
    purpose = Column(UnicodeText, nullable=False)           # 用途
    basis = Column(UnicodeText, nullable=False)             # legal or business basis
    sharing_method = Column(UnicodeText, nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_until = Column(Date, nullable=False)
    renews_id = Column(UnicodeText, ForeignKey("liuzhou_share_request.id"), nullable=True)

    state = Column(UnicodeText, nullable=False, index=True)
    previous_state = Column(UnicodeText)                    # to return to after suspension / coordination
    deadline = Column(DateTime, index=True)                 # of the responsible party, when the rules set one
    state_changed_at = Column(DateTime, nullable=False, default=_utcnow)
    state_changed_by = Column(UnicodeText, nullable=False)

    decided_by = Column(UnicodeText)
    decided_at = Column(DateTime)
    decision_on_time = Column(Boolean)
    reason_code = Column(UnicodeText)
    reason = Column(UnicodeText)
    expiry_notice_at = Column(DateTime)
    # migration 0018: the entry's grade when the request was made; the Authority's approval of
    # a graded entry; the personal items the provider approved the purpose for (unmasked)
    data_grade = Column(UnicodeText)
    personal_items = Column(JSONB, nullable=False, default=list)
    authority_decided_by = Column(UnicodeText)
    authority_decided_at = Column(DateTime)

    created = Column(DateTime, nullable=False, default=_utcnow)
    modified = Column(DateTime, nullable=False, default=_utcnow)

    scope = relationship("ShareScope", cascade="all, delete-orphan", lazy="selectin")


class ShareScope(tk.BaseModel):
    """知悉范围 (Art 25): the named users of the consumer who may read the data."""
    __tablename__ = "liuzhou_share_request_scope"

    share_request_id = Column(UnicodeText, ForeignKey("liuzhou_share_request.id", ondelete="CASCADE"),
                              primary_key=True)
    user_id = Column(UnicodeText, primary_key=True, index=True)


class ShareRequestEvent(TimelineEvent, tk.BaseModel):
    """One entry of a request's timeline: a state change or a notice (actor roles: consumer,
    provider, operator, authority, system)."""
    __tablename__ = "liuzhou_share_request_event"

    share_request_id = Column(UnicodeText, ForeignKey("liuzhou_share_request.id", ondelete="CASCADE"),
                              nullable=False, index=True)


class Coordination(tk.BaseModel):
    """共享协调 (Art 26.3): asked by the consumer, held offline, recorded by the Operator (the
    Authority for a not-shared negotiation)."""
    __tablename__ = "liuzhou_coordination"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    share_request_id = Column(UnicodeText, ForeignKey("liuzhou_share_request.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    state = Column(UnicodeText, nullable=False)             # open | closed
    arbiter = Column(UnicodeText, nullable=False)           # operator | authority
    previous_state = Column(UnicodeText, nullable=False)
    opened_by = Column(UnicodeText, nullable=False)
    opened_at = Column(DateTime, nullable=False, default=_utcnow)
    request_reason = Column(UnicodeText, nullable=False)
    closed_by = Column(UnicodeText)
    closed_at = Column(DateTime)
    meeting_date = Column(Date)
    participants = Column(JSONB)
    outcome = Column(UnicodeText)
    outcome_notes = Column(UnicodeText)


class Delivery(tk.BaseModel):
    """共享对接 (Art 26.4): one push of the data to the consumer by the Operator."""
    __tablename__ = "liuzhou_delivery"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    share_request_id = Column(UnicodeText, ForeignKey("liuzhou_share_request.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    number = Column(Integer, nullable=False)
    delivered_by = Column(UnicodeText, nullable=False)
    delivered_at = Column(DateTime, nullable=False, default=_utcnow)
    method = Column(UnicodeText, nullable=False)
    resource_ids = Column(JSONB, nullable=False, default=list)
    notes = Column(UnicodeText, nullable=False, default="")
    quality_window_ends = Column(DateTime, nullable=False)  # the consumer's 2 WD to raise a quality issue


class QualityIssue(tk.BaseModel):
    """质量检查 (Art 26.5): a consumer's doubt about delivered data, fixed within 2 WD."""
    __tablename__ = "liuzhou_quality_issue"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    share_request_id = Column(UnicodeText, ForeignKey("liuzhou_share_request.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    delivery_id = Column(UnicodeText, ForeignKey("liuzhou_delivery.id", ondelete="CASCADE"), nullable=False)
    state = Column(UnicodeText, nullable=False)             # open | resolved | closed (request expired)
    raised_by = Column(UnicodeText, nullable=False)
    raised_at = Column(DateTime, nullable=False, default=_utcnow)
    description = Column(UnicodeText, nullable=False)
    information_items = Column(JSONB, nullable=False, default=list)
    deadline = Column(DateTime, nullable=False)
    responsible = Column(UnicodeText)                       # provider | operator (who fixed it)
    resolved_by = Column(UnicodeText)
    resolved_at = Column(DateTime)
    resolution = Column(UnicodeText)
    on_time = Column(Boolean)
