"""The platform's calendar: chinesecalendar corrected by the Operator's rows, and deadlines from it.

Times in the database are naive UTC (as CKAN stores them); a deadline is the end of the N-th
working day in Asia/Shanghai, converted to UTC.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model

from .model import CalendarYear, HolidayOverride
from .workdays import Calendar, UnknownCalendarYear, _package_years, local_date  # noqa: F401 (re-exported)


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

    Never refused: a year nobody knows is counted on its statutory holidays, and the deadline
    is provisional (暂定, :func:`provisional`) until the Operator confirms that year.
    """
    calendar = calendar or load()
    return to_utc_naive(calendar.add_workdays(start, workdays))


def deadline_or_error(start: dt.datetime, workdays: int, field: str = "deadline") -> dt.datetime:
    """:func:`deadline` (kept under its old name: an unknown year no longer refuses anything)."""
    return deadline(start, workdays)


def confirmed_years(session=None) -> frozenset[int]:
    session = session or model.Session
    return frozenset(y for (y,) in session.query(CalendarYear.year))


def provisional(deadline_utc: Optional[dt.datetime], years: Optional[frozenset[int]] = None) -> bool:
    """Whether a stored (naive UTC) deadline falls in a year whose arrangement is unknown (暂定).

    No query when the year is one chinesecalendar ships; ``years`` (the confirmed years) may be
    passed by a caller that dictizes many rows.
    """
    if deadline_utc is None:
        return False
    year = local_date(deadline_utc).year
    if year in _package_years():
        return False
    return year not in (confirmed_years() if years is None else years)
