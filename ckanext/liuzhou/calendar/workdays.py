"""Deadlines in Chinese working days (工作日).

A working day is a day that is not a weekend or a statutory holiday, plus the adjusted
working weekends (调休). The source is ``chinesecalendar``; the Operator can override single
days and declare a year's calendar complete (``liuzhou_holiday_override`` and
``liuzhou_calendar_year``) for years the package does not know yet. A deadline in a year
neither knows raises :class:`UnknownCalendarYear` instead of guessing.

Counting rule (documented in the README): the day of submission is day 0, whatever its time
and whether or not it is a working day; the deadline of "N working days" is the end
(23:59:59.999999, Asia/Shanghai) of the N-th working day after day 0. Submitted on Friday,
3 WD ends on Wednesday (Mon 1, Tue 2, Wed 3) unless a holiday intervenes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping
from zoneinfo import ZoneInfo

import chinese_calendar

TZ = ZoneInfo("Asia/Shanghai")


class UnknownCalendarYear(Exception):
    """The holidays of this year are not known to the platform yet."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"The statutory holidays of {year} are not known to the platform yet: "
            f"the Operator must enter them (holiday overrides) and confirm the year")


@dataclass
class Calendar:
    """A working-day calendar: the package's data, corrected by the Operator's overrides.

    ``overrides`` maps a date to True (working day) or False (day off); ``confirmed_years``
    are years whose calendar the Operator declared complete (weekends off, weekdays on,
    except the overrides).
    """
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self.confirmed_years:
                return day.weekday() < 5
            raise UnknownCalendarYear(day.year) from None

    def knows(self, year: int) -> bool:
        try:
            self.is_workday(dt.date(year, 7, 1))
            return True
        except UnknownCalendarYear:
            return False

    def add_workdays(self, start: dt.datetime, n: int) -> dt.datetime:
        """End of the n-th working day after the (Shanghai) date of ``start``."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = local_date(start)
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return end_of_day(day)

    def workdays_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working days after start's date up to and including end's date (0 if same day)."""
        a, b = local_date(start), local_date(end)
        if b <= a:
            return 0
        count, day = 0, a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def local_date(moment: dt.datetime) -> dt.date:
    """The Shanghai calendar date of a moment (naive datetimes are taken as UTC, as CKAN stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=TZ)
