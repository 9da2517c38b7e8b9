"""The scheduler's record of the deadline reminders and overdue notices it sent (migration 0010)."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, UnicodeText

import ckan.plugins.toolkit as tk


class DeadlineNotice(tk.BaseModel):
    """One reminder or overdue notice about one deadline of one object: the primary key makes
    it once (Art 12, 14, 21, 26)."""
    __tablename__ = "liuzhou_deadline_notice"

    object_type = Column(UnicodeText, primary_key=True)   # share_request | account_request | resource_offline | upkeep_notice
    object_id = Column(UnicodeText, primary_key=True)
    kind = Column(UnicodeText, primary_key=True)          # reminder | overdue
    deadline = Column(DateTime, primary_key=True)
    sent_at = Column(DateTime, nullable=False)
    event_id = Column(Integer)
    notified = Column(UnicodeText, nullable=False, default="")  # department names, comma-separated
