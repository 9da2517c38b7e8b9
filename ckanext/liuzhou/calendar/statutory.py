"""The statutory holidays of any year, as the law fixes them (全国年节及纪念日放假办法, revised 2024, Art 2).

元旦 1 day (1 January), 春节 4 days (除夕 to 正月初三), 清明节 1 day (the day of the solar term
清明), 劳动节 2 days (1–2 May), 端午节 1 day (五月初五), 中秋节 1 day (八月十五), 国庆节 3 days
(1–3 October). The lunar dates and the solar term come from ``lunar-python`` (6tail's
astronomical calendar, valid far beyond any year chinesecalendar ships).

These are the days off that no State Council arrangement can take away; the arrangement of a
year only adds bridging days and adjusted working weekends (调休). A year nobody has entered is
counted provisionally (暂定) on these days alone.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar

# the seven holidays in the order of the State Council's notice (一、元旦 … 七、国庆节)
HOLIDAYS = ("new_year", "spring_festival", "qingming", "labour_day", "dragon_boat",
            "mid_autumn", "national_day")
CHINESE = {"new_year": "元旦", "spring_festival": "春节", "qingming": "清明节", "labour_day": "劳动节",
           "dragon_boat": "端午节", "mid_autumn": "中秋节", "national_day": "国庆节"}
BY_CHINESE = {v: k for k, v in CHINESE.items()} | {"清明": "qingming", "端午": "dragon_boat",
                                                   "中秋": "mid_autumn", "国庆": "national_day",
                                                   "劳动": "labour_day"}


def _solar(lunar: Lunar) -> dt.date:
    s = lunar.getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[str, tuple[dt.date, ...]]:
    """The statutory days off of ``year`` by holiday (Art 2 of the 2024 revision)."""
    new_year_day = _solar(Lunar.fromYmd(year, 1, 1))
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return {
        "new_year": (dt.date(year, 1, 1),),
        "spring_festival": tuple(new_year_day + dt.timedelta(days=i) for i in range(-1, 3)),
        "qingming": (dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),),
        "labour_day": (dt.date(year, 5, 1), dt.date(year, 5, 2)),
        "dragon_boat": (_solar(Lunar.fromYmd(year, 5, 5)),),
        "mid_autumn": (_solar(Lunar.fromYmd(year, 8, 15)),),
        "national_day": (dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3)),
    }


@lru_cache(maxsize=64)
def days_off(year: int) -> frozenset[dt.date]:
    """Every statutory day off of ``year`` (除夕 of the next year's festival may fall in it too)."""
    days = {d for group in holidays(year).values() for d in group}
    days |= {d for d in holidays(year + 1)["spring_festival"] if d.year == year}
    return frozenset(d for d in days if d.year == year)


def is_provisional_workday(day: dt.date) -> bool:
    """The provisional rule of a year nobody has entered: weekdays, except the statutory days off."""
    return day.weekday() < 5 and day not in days_off(day.year)
