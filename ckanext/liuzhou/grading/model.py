"""The Operator's list of data grades (table of migration 0018). Without a row, the shipped
defaults of :data:`ckanext.liuzhou.grades.DEFAULTS` apply; a save replaces every row."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, Integer, UnicodeText

import ckan.plugins.toolkit as tk


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class DataGrade(tk.BaseModel):
    """One grade of the list: its code (stored in ``data_grade``), labels, and whether sharing
    an entry of this grade needs the Authority's approval."""
    __tablename__ = "liuzhou_data_grade"

    value = Column(UnicodeText, primary_key=True)
    position = Column(Integer, nullable=False)
    label_zh = Column(UnicodeText, nullable=False)
    label_en = Column(UnicodeText, nullable=False)
    authority_approval = Column(Boolean, nullable=False)
    modified_by = Column(UnicodeText, nullable=False)
    modified_at = Column(DateTime, nullable=False, default=_utcnow)
