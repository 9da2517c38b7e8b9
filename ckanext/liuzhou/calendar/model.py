"""The Operator's corrections to the statutory calendar (tables of migration 0002)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, UnicodeText

import ckan.plugins.toolkit as tk


def _utcnow() -> dt.datetime:
    return dt.datetime.utcnow()


class HolidayOverride(tk.BaseModel):
    """One day whose status the Operator fixes: a working day (True) or a day off (False)."""
    __tablename__ = "liuzhou_holiday_override"

    day = Column(Date, primary_key=True)
    workday = Column(Boolean, nullable=False)
    note = Column(UnicodeText, nullable=False, default="")
    set_by = Column(UnicodeText, nullable=False)
    set_at = Column(DateTime, nullable=False, default=_utcnow)


class CalendarYear(tk.BaseModel):
    """A year whose calendar the Operator declared complete (overrides entered for every holiday)."""
    __tablename__ = "liuzhou_calendar_year"

    year = Column(Integer, primary_key=True, autoincrement=False)
    confirmed_by = Column(UnicodeText, nullable=False)
    confirmed_at = Column(DateTime, nullable=False, default=_utcnow)
    note = Column(UnicodeText, nullable=False, default="")
