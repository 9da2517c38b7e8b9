"""Deadlines in Chinese working days: weekends and holidays off, 调休 weekends on, day 0 = submission."""
import datetime as dt

from ckanext.liuzhou.calendar.workdays import TZ, Calendar, local_date

cal = Calendar()


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def test_friday_plus_three_working_days_is_wednesday_end_of_day():
    deadline = cal.add_workdays(at(2026, 11, 20), 3)  # Friday
    assert deadline.date() == dt.date(2026, 11, 25)
    assert (deadline.hour, deadline.minute) == (23, 59)
    assert deadline.tzinfo == TZ


def test_national_day_holiday_is_skipped():
    # 2026-09-30 (Wed) + 2 WD: 1–7 Oct are off, Oct 8 is the first working day after
    deadline = cal.add_workdays(at(2026, 9, 30), 2)
    assert deadline.date() > dt.date(2026, 10, 7)
    assert not cal.is_workday(dt.date(2026, 10, 1))


def test_adjusted_working_weekend_counts():
    # Saturday 14 Feb 2026 is a 调休 working day before the Spring Festival
    assert cal.is_workday(dt.date(2026, 2, 14))
    assert cal.add_workdays(at(2026, 2, 13), 1).date() == dt.date(2026, 2, 14)


def test_submission_day_is_day_zero_even_on_a_weekend():
    assert cal.add_workdays(at(2026, 11, 21), 1).date() == dt.date(2026, 11, 23)  # Sat → Mon
    assert cal.add_workdays(at(2026, 11, 23), 0).date() == dt.date(2026, 11, 23)


def test_late_evening_utc_is_the_next_day_in_shanghai():
    # 2026-11-20 17:00 UTC is Saturday 01:00 in Shanghai
    assert local_date(dt.datetime(2026, 11, 20, 17, 0)) == dt.date(2026, 11, 21)


def test_unknown_year_is_counted_on_its_statutory_holidays_not_refused():
    # WD1 Thu 31 Dec; 1 Jan 2027 (元旦) off by law; 2–3 weekend; WD2–5 Mon 4 – Thu 7 Jan
    deadline = cal.add_workdays(at(2026, 12, 30), 5)
    assert deadline.date() == dt.date(2027, 1, 7)
    assert cal.provisional(at(2026, 12, 30), deadline)
    assert not cal.provisional(at(2026, 12, 1), cal.add_workdays(at(2026, 12, 1), 5))
    # 2027's Spring Festival by law: 除夕 Fri 5 Feb to 初三 Mon 8 Feb; nothing else is guessed
    assert [d.day for d in (dt.date(2027, 2, i) for i in range(4, 10)) if cal.is_workday(d)] == [4, 9]


def test_operator_overrides_and_confirmed_year():
    operator_cal = Calendar(overrides={dt.date(2027, 1, 1): False}, confirmed_years=frozenset({2027}))
    # 2026-12-31 (Thu) + 1 WD: 1 Jan 2027 is off (override), so Monday 4 Jan
    assert operator_cal.add_workdays(at(2026, 12, 31), 1).date() == dt.date(2027, 1, 4)
    assert operator_cal.knows(2027) and not cal.knows(2027)


def test_workdays_between_counts_elapsed_working_days():
    assert cal.workdays_between(at(2026, 11, 20), at(2026, 11, 25)) == 3
    assert cal.workdays_between(at(2026, 11, 20), at(2026, 11, 20, 23)) == 0
