"""Deadlines in Chinese working days (工作日).

A working day is a day that is not a weekend or a statutory holiday, plus the adjusted
working weekends (调休). The source is ``chinesecalendar``; the Operator can override single
days and confirm a year's calendar (``liuzhou_holiday_override`` and ``liuzhou_calendar_year``)
for years the package does not know yet. A year neither knows is never refused: it is counted
provisionally (暂定) on the statutory holidays of :mod:`.statutory` (weekends off, the seven
holidays off, no 调休); the Operator's overrides of such a year take effect when the year is
confirmed, and every open deadline is counted again then (:mod:`.recount`).

Counting rule (docs/calendar.md): the day of submission is day 0, whatever its time
and whether or not it is a working day; the deadline of "N working days" is the end
(23:59:59.999999, Asia/Shanghai) of the N-th working day after day 0. Submitted on Friday,
3 WD ends on Wednesday (Mon 1, Tue 2, Wed 3) unless a holiday intervenes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

import chinese_calendar

from ..formats import TZ  # noqa: F401  (the calendar's time zone; importers read it here too)
from . import statutory



class UnknownCalendarYear(Exception):
    """The holidays of this year are not known to the platform yet (no longer raised by
    :class:`Calendar`: unknown years are counted provisionally; kept for callers that catch it)."""

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
        if day.year in self.confirmed_years or self._package_knows(day.year):
            if day in self.overrides:
                return self.overrides[day]
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:
                return day.weekday() < 5
        return statutory.is_provisional_workday(day)

    @staticmethod
    def _package_knows(year: int) -> bool:
        return year in _package_years()

    def knows(self, year: int) -> bool:
        """Whether the State Council's arrangement of ``year`` is known (chinesecalendar or confirmed)."""
        return year in self.confirmed_years or self._package_knows(year)

    def provisional(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether counting from ``start`` to ``end`` crossed a year nobody knows (a 暂定 deadline)."""
        a, b = local_date(start), local_date(end)
        return any(not self.knows(y) for y in range(min(a, b).year, max(a, b).year + 1))

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


_PACKAGE_YEARS: frozenset[int] = frozenset()


def _package_years() -> frozenset[int]:
    """Years chinesecalendar ships the State Council's arrangement of."""
    global _PACKAGE_YEARS
    if not _PACKAGE_YEARS:
        _PACKAGE_YEARS = frozenset({d.year for d in chinese_calendar.holidays}
                                   | {d.year for d in chinese_calendar.workdays})
    return _PACKAGE_YEARS


def local_date(moment: dt.datetime) -> dt.date:
    """The Shanghai calendar date of a moment (naive datetimes are taken as UTC, as CKAN stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=TZ)
