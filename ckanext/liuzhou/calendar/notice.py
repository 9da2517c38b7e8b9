"""Reading the State Council's notice of a year's holidays (国务院办公厅关于20XX年部分节假日安排的通知)
and checking a year's entries before it is confirmed (deadlines of Art 12, 14, 21, 26).

Each numbered line of the notice follows one pattern::

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。

— the holiday (or two, 「六、国庆节、中秋节：」), the days off (one day or a range, the end's month
omitted when it is the start's, a year written out when it is not the notice's: 「2022年12月31日
至2023年1月2日」) and, after them, the adjusted working days (上班). The weekday in brackets
is checked against the date, so a notice pasted under the wrong year is caught.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping, Optional

from . import statutory

_NUMERAL = "一二三四五六七八九十"
_LINE = re.compile(rf"[{_NUMERAL}]+\s*[、.．]\s*([^：:\n]{{2,20}}?)\s*[：:]\s*(.+)")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*[（(]([^）)]*)[）)])?")
_YEAR = re.compile(r"关于\s*(\d{4})\s*年[^，。\n]{0,12}节假日安排|现将\s*(\d{4})\s*年")
_WEEKDAYS = "一二三四五六日"


def _weekday_stated(bracket: Optional[str]) -> Optional[int]:
    m = re.search(r"(?:周|星期)([一二三四五六日天])", bracket or "")
    if not m:
        return None
    return 6 if m.group(1) == "天" else _WEEKDAYS.index(m.group(1))


def _dates(text: str, year: int, errors: list[str], line_no: str) -> list[tuple[dt.date, str]]:
    """Every date written in ``text`` (with the separator before it), month carried forward."""
    out: list[tuple[dt.date, str]] = []
    month: Optional[int] = None
    pos = 0
    for m in _DATE.finditer(text):
        y = int(m.group(1)) if m.group(1) else (out[-1][0].year if out and not m.group(2) else year)
        month = int(m.group(2)) if m.group(2) else month
        if month is None:
            errors.append(f"{line_no}: {m.group(0)}")
            continue
        try:
            day = dt.date(y, month, int(m.group(3)))
        except ValueError:
            errors.append(f"{line_no}: {m.group(0)}")
            continue
        stated = _weekday_stated(m.group(4))
        if stated is not None and stated != day.weekday():
            errors.append(f"{line_no}: {m.group(0)} ≠ {day.isoformat()} ({_WEEKDAYS[day.weekday()]})")
        out.append((day, text[pos:m.start()]))
        pos = m.end()
    return out


def parse(text: str, year: Optional[int] = None) -> dict[str, Any]:
    """The holidays and adjusted working days written in a notice.

    :returns: ``{"year", "holidays": [{"key", "name", "days"}], "days_off", "workdays",
        "errors"}`` (dates as :class:`datetime.date`; ``errors`` lists what could not be read).
    """
    errors: list[str] = []
    text = (text or "").replace("\u3000", " ")
    if year is None:
        m = _YEAR.search(text)
        year = int(m.group(1) or m.group(2)) if m else None
    if year is None:
        return {"year": None, "holidays": [], "days_off": [], "workdays": [],
                "errors": ["year"]}
    holidays: list[dict[str, Any]] = []
    off: set[dt.date] = set()
    work: set[dt.date] = set()
    for raw in text.splitlines():
        m = _LINE.match(raw.strip())
        if not m:
            continue
        names, body = m.group(1), m.group(2)
        keys = [statutory.BY_CHINESE[n] for n in (p.strip() for p in re.split(r"[、和及]", names))
                if n in statutory.BY_CHINESE]
        if not keys:
            continue
        line_no = names
        days: list[dt.date] = []
        for sentence in re.split(r"[。；;]", body):
            if "放假" in sentence:
                found = _dates(sentence.split("放假")[0], year, errors, line_no)
                for i, (day, sep) in enumerate(found):
                    if i and "至" in sep:  # a range: every day from the previous date to this one
                        d = found[i - 1][0]
                        while d < day:
                            d += dt.timedelta(days=1)
                            days.append(d)
                    else:
                        days.append(day)
            elif "上班" in sentence:
                work.update(day for day, _sep in _dates(sentence, year, errors, line_no))
        if not days:
            errors.append(f"{line_no}: 放假")
        for key in keys:
            holidays.append({"key": key, "name": statutory.CHINESE[key], "days": sorted(set(days))})
        off.update(days)
    clash = off & work
    if clash:
        errors.extend(f"{d.isoformat()}: 放假/上班" for d in sorted(clash))
    return {"year": year, "holidays": holidays, "days_off": sorted(off), "workdays": sorted(work),
            "errors": errors}


def check(year: int, overrides: Mapping[dt.date, bool]) -> dict[str, Any]:
    """What keeps ``year``'s entries from being confirmed (Art 26 deadlines are counted on them):

    - ``missing``: holidays of the law (全国年节及纪念日放假办法 Art 2) whose statutory days are
      not all days off, or none of which the Operator entered;
    - ``weekday_workdays``: adjusted working days (调休) entered on a Monday–Friday, which can
      only be weekend days.
    """
    mine = {d: w for d, w in overrides.items() if d.year == year}
    missing = []
    for key, days in statutory.holidays(year).items():
        days = [d for d in days if d.year == year]
        off = all(not mine.get(d, d.weekday() < 5) for d in days)
        entered = any(mine.get(d) is False for d in days)
        if not (off and entered):
            missing.append(key)
    weekday_workdays = sorted(d for d, w in mine.items() if w and d.weekday() < 5)
    return {"year": year, "missing": missing, "weekday_workdays": weekday_workdays,
            "ok": not missing and not weekday_workdays}


def month_grid(year: int, is_workday, overrides: Mapping[dt.date, bool]) -> list[dict[str, Any]]:
    """The year month by month, Monday first: each day with its status for the preview page."""
    holiday_of = {d: statutory.CHINESE[k] for k, days in statutory.holidays(year).items() for d in days}
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        weeks, week = [], [None] * first.weekday()
        day = first
        while day.month == month:
            work = is_workday(day)
            kind = ("adjusted_workday" if work and day.weekday() >= 5 else
                    "workday" if work else
                    "holiday" if day.weekday() < 5 or day in overrides or day in holiday_of else "weekend")
            week.append({"day": day, "kind": kind, "statutory": holiday_of.get(day)})
            if len(week) == 7:
                weeks.append(week)
                week = []
            day += dt.timedelta(days=1)
        if week:
            weeks.append(week + [None] * (7 - len(week)))
        months.append({"month": month, "weeks": weeks})
    return months
