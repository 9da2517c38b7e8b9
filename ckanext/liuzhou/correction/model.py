"""Tables of error reports (migration 0017). Times are naive UTC, like CKAN's own.

A report is never deleted: its row keeps the last state, and its events the whole history
(校核纠错, national regulation Art 26).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model.types as _types
import ckan.plugins.toolkit as tk

from ..timeline import TimelineEvent


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class CorrectionReport(tk.BaseModel):
    """纠错: a department user's report of an error in a catalog entry or in delivered data."""
    __tablename__ = "liuzhou_correction"

    id = Column(UnicodeText, primary_key=True, default=_types.make_uuid)
    target = Column(UnicodeText, nullable=False)            # entry | data
    package_id = Column(UnicodeText, nullable=False, index=True)
    resource_id = Column(UnicodeText)                       # the resource, for delivered data
    provider_org_id = Column(UnicodeText, nullable=False, index=True)
    reporter_id = Column(UnicodeText, nullable=False)
    reporter_org_id = Column(UnicodeText, nullable=False, index=True)
    field = Column(UnicodeText)                             # the entry's field (entry reports)
    rows = Column(UnicodeText)                              # which rows (data reports), as the reporter puts it
    columns = Column(JSONB, nullable=False, default=list)   # which columns (data reports)
    description = Column(UnicodeText, nullable=False)       # what is wrong
    evidence = Column(UnicodeText)                          # stored file name (uploads/liuzhou_correction)
    evidence_name = Column(UnicodeText)                     # the name it was uploaded under

    state = Column(UnicodeText, nullable=False, index=True)
    deadline = Column(DateTime, index=True)                 # the provider's, while its clock runs
    state_changed_at = Column(DateTime, nullable=False, default=_utcnow)
    state_changed_by = Column(UnicodeText, nullable=False)

    dispute_reason = Column(UnicodeText)
    disputed_by = Column(UnicodeText)
    disputed_at = Column(DateTime)
    outcome = Column(UnicodeText)                           # upheld | dismissed
    settlement = Column(UnicodeText)
    settled_by = Column(UnicodeText)
    settled_at = Column(DateTime)
    correction = Column(UnicodeText)                        # what the provider corrected
    corrected_by = Column(UnicodeText)
    corrected_at = Column(DateTime)
    on_time = Column(Boolean)                               # corrected by the deadline in force

    created = Column(DateTime, nullable=False, default=_utcnow, index=True)
    modified = Column(DateTime, nullable=False, default=_utcnow)


class CorrectionEvent(TimelineEvent, tk.BaseModel):
    """One entry of a report's history: a state change or a notice (actor roles: reporter,
    provider, authority, system)."""
    __tablename__ = "liuzhou_correction_event"

    correction_id = Column(UnicodeText, ForeignKey("liuzhou_correction.id", ondelete="CASCADE"),
                           nullable=False, index=True)
