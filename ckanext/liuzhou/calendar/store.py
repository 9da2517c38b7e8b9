"""The platform's calendar: chinesecalendar corrected by the Operator's rows, and deadlines from it.

Times in the database are naive UTC (as CKAN stores them); a deadline is the end of the N-th
working day in Asia/Shanghai, converted to UTC.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .model import CalendarYear, HolidayOverride
from .workdays import Calendar, UnknownCalendarYear, local_date  # noqa: F401 (re-exported)


def utcnow() -> dt.datetime:
    """Now, naive UTC (the form CKAN stores)."""
    return dt.datetime.utcnow()


def to_utc_naive(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def load(session=None) -> Calendar:
    """The calendar in force: two small queries (overrides and confirmed years)."""
    session = session or model.Session
    overrides = {d: w for d, w in session.query(HolidayOverride.day, HolidayOverride.workday)}
    years = frozenset(y for (y,) in session.query(CalendarYear.year))
    return Calendar(overrides=overrides, confirmed_years=years)


def deadline(start: dt.datetime, workdays: int, calendar: Optional[Calendar] = None) -> dt.datetime:
    """End (Shanghai) of the ``workdays``-th working day after ``start``'s date, as naive UTC.

    Raises :class:`UnknownCalendarYear` when the count reaches a year nobody knows.
    """
    calendar = calendar or load()
    return to_utc_naive(calendar.add_workdays(start, workdays))


def deadline_or_error(start: dt.datetime, workdays: int, field: str = "deadline") -> dt.datetime:
    """:func:`deadline`, with an unknown year turned into a ValidationError (so nothing is saved)."""
    try:
        return deadline(start, workdays)
    except UnknownCalendarYear as e:
        raise tk.ValidationError({field: [tk._(
            "The deadline falls in {year}, whose statutory holidays the platform does not know "
            "yet: the Operator must enter that year's holidays and confirm the year first"
        ).format(year=e.year)]})
