"""The State Council's notice pasted as published becomes the year's days off and adjusted working
days; checked against chinesecalendar for 2025 and 2026, the two notices since the 2024
revision of 全国年节及纪念日放假办法. A year is confirmed only with its seven holidays in."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from ckanext.liuzhou.calendar import notice, statutory

FIXTURES = Path(__file__).parent / "fixtures"


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def entries(parsed: dict) -> dict[dt.date, bool]:
    return {d: False for d in parsed["days_off"]} | {d: True for d in parsed["workdays"]}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_published_notice_matches_chinesecalendar(year):
    parsed = notice.parse(text(f"notice-{year}.txt"))
    assert parsed["year"] == year and parsed["errors"] == []
    mine = entries(parsed)
    day, wrong = dt.date(year, 1, 1), []
    while day.year == year:
        workday = mine.get(day, day.weekday() < 5)
        if workday != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []
    assert parsed["workdays"] == sorted(d for d in chinese_calendar.workdays if d.year == year)
    assert notice.check(year, mine)["ok"]


def test_the_2026_lines_read_as_published():
    parsed = notice.parse(text("notice-2026.txt"))
    by_name = {h["name"]: h["days"] for h in parsed["holidays"]}
    assert list(by_name) == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    # 「2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天」
    assert by_name["春节"] == [dt.date(2026, 2, d) for d in range(15, 24)]
    assert [d for d in parsed["workdays"] if d.month == 2] == [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]


def test_2025_names_two_holidays_on_one_line_and_a_range_across_months():
    parsed = notice.parse(text("notice-2025.txt"))
    by_name = {h["name"]: h["days"] for h in parsed["holidays"]}
    assert by_name["国庆节"] == by_name["中秋节"] == [dt.date(2025, 10, d) for d in range(1, 9)]
    assert by_name["端午节"] == [dt.date(2025, 5, 31), dt.date(2025, 6, 1), dt.date(2025, 6, 2)]
    assert by_name["元旦"] == [dt.date(2025, 1, 1)]


def test_a_year_written_out_and_a_wrong_weekday():
    parsed = notice.parse("一、元旦：2022年12月31日（周六）至2023年1月2日（周一）放假调休，共3天。", year=2023)
    assert parsed["holidays"][0]["days"] == [dt.date(2022, 12, 31), dt.date(2023, 1, 1), dt.date(2023, 1, 2)]
    wrong = notice.parse("一、元旦：1月1日（周一）放假1天。", year=2027)  # 1 Jan 2027 is a Friday
    assert wrong["errors"] and "2027-01-01" in wrong["errors"][0]


def test_statutory_holidays_follow_the_2024_revision():
    assert statutory.holidays(2027) == {
        "new_year": (dt.date(2027, 1, 1),),
        "spring_festival": tuple(dt.date(2027, 2, d) for d in (5, 6, 7, 8)),  # 除夕 to 正月初三
        "qingming": (dt.date(2027, 4, 5),),
        "labour_day": (dt.date(2027, 5, 1), dt.date(2027, 5, 2)),
        "dragon_boat": (dt.date(2027, 6, 9),),
        "mid_autumn": (dt.date(2027, 9, 15),),
        "national_day": (dt.date(2027, 10, 1), dt.date(2027, 10, 2), dt.date(2027, 10, 3)),
    }
    for year in (2025, 2026):  # every statutory day is off in the State Council's arrangement
        assert [d for d in statutory.days_off(year) if chinese_calendar.is_workday(d)] == []


def test_a_year_with_only_new_year_entered_cannot_be_confirmed():
    check = notice.check(2027, {dt.date(2027, 1, 1): False})
    assert not check["ok"]
    assert check["missing"] == ["spring_festival", "qingming", "labour_day", "dragon_boat",
                                "mid_autumn", "national_day"]
    full = entries(notice.parse(text("notice-2027-test.txt")))
    assert notice.check(2027, full)["ok"]
    weekday = notice.check(2027, full | {dt.date(2027, 2, 8): True})  # Monday 8 Feb: 正月初三, by law off
    assert weekday["weekday_workdays"] == [dt.date(2027, 2, 8)]
    assert "spring_festival" in weekday["missing"] and not weekday["ok"]
