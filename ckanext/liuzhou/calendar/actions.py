"""Calendar actions: the Operator's holiday overrides and year confirmations (deadlines of Art 12, 14, 21, 26).

chinesecalendar knows the State Council's holidays up to the year it was released for; for a
later year the Operator enters that year's holidays and adjusted working days (overrides) and
then confirms the year. Until then a deadline falling in it is refused, not guessed.
Every change is written to the audit log.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit
from ..sharing import roles
from . import store
from .model import CalendarYear, HolidayOverride
from ..validation import validate_or_raise as _validate

v = tk.get_validator
_ = tk._




def _date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _actor(context) -> model.User:
    return roles.context_user(context)


def _commit(context) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()


def _override_dict(o: HolidayOverride) -> dict[str, Any]:
    user = model.User.get(o.set_by)
    return {"day": o.day.isoformat(), "workday": o.workday, "note": o.note,
            "set_by": user.name if user else o.set_by, "set_at": o.set_at.isoformat()}


def holiday_override_set(context, data_dict) -> dict:
    """Declare one day a working day or a day off (e.g. next year's Spring Festival, 调休 Sundays),
    for the working-day deadlines of Art 12, 14, 21 and 26.

    :param day: ISO date :param workday: true (working day) / false (day off) :param note:
    """
    tk.check_access("holiday_override_set", context, data_dict)
    data = _validate(data_dict, {
        "day": [v("not_empty"), v("isodate")],
        "workday": [v("not_missing"), v("boolean_validator")],
        "note": [v("ignore_missing"), v("unicode_safe")],
    }, context)
    actor = _actor(context)
    day = _date(data["day"])
    row = model.Session.get(HolidayOverride, day) or HolidayOverride(day=day)
    before = None if row.set_by is None else row.workday
    row.workday, row.note = data["workday"], data.get("note") or ""
    row.set_by, row.set_at = actor.id, store.utcnow()
    model.Session.add(row)
    model.Session.flush()
    audit.record("calendar.override_set", actor, object_type="holiday_override", object_id=day.isoformat(),
                 detail={"day": day, "workday": row.workday, "before": before, "note": row.note})
    _commit(context)
    return _override_dict(row)


def holiday_override_delete(context, data_dict) -> dict:
    """Remove an override (Art 12, 14, 21, 26 deadlines): the day goes back to chinesecalendar's
    (or the plain weekday rule). :param day:"""
    tk.check_access("holiday_override_delete", context, data_dict)
    data = _validate(data_dict, {"day": [v("not_empty"), v("isodate")]}, context)
    day = _date(data["day"])
    row = model.Session.get(HolidayOverride, day)
    if row is None:
        raise tk.ObjectNotFound(_("No override for this day"))
    gone = _override_dict(row)
    model.Session.delete(row)
    audit.record("calendar.override_delete", _actor(context), object_type="holiday_override",
                 object_id=day.isoformat(), detail={"day": day, "workday": row.workday})
    _commit(context)
    return gone


@tk.side_effect_free
def holiday_override_list(context, data_dict) -> list[dict]:
    """The Operator's overrides of the working-day calendar (Art 26 deadlines), by date. :param year:"""
    tk.check_access("holiday_override_list", context, data_dict)
    data = _validate(data_dict, {"year": [v("ignore_missing"), v("natural_number_validator")]}, context)
    query = model.Session.query(HolidayOverride).order_by(HolidayOverride.day)
    if data.get("year"):
        year = int(data["year"])
        query = query.filter(HolidayOverride.day >= dt.date(year, 1, 1), HolidayOverride.day <= dt.date(year, 12, 31))
    return [_override_dict(o) for o in query]


def calendar_year_confirm(context, data_dict) -> dict:
    """Declare a year's calendar complete (its holidays entered as overrides), so deadlines
    (Art 12, 14, 21, 26) may fall in it; ``confirmed=false`` withdraws the confirmation.

    :param year: :param confirmed: (default true) :param note:
    """
    tk.check_access("calendar_year_confirm", context, data_dict)
    data = _validate(data_dict, {
        "year": [v("not_empty"), v("natural_number_validator")],
        "confirmed": [v("default")(True), v("boolean_validator")],
        "note": [v("ignore_missing"), v("unicode_safe")],
    }, context)
    year, actor = int(data["year"]), _actor(context)
    row = model.Session.get(CalendarYear, year)
    if data["confirmed"]:
        row = row or CalendarYear(year=year)
        row.confirmed_by, row.confirmed_at, row.note = actor.id, store.utcnow(), data.get("note") or ""
        model.Session.add(row)
    elif row is not None:
        model.Session.delete(row)
    model.Session.flush()
    audit.record("calendar.year_confirm" if data["confirmed"] else "calendar.year_unconfirm", actor,
                 object_type="calendar_year", object_id=str(year),
                 detail={"year": year, "confirmed": data["confirmed"], "note": data.get("note")})
    _commit(context)
    return _year_status(year, store.load())


def _package_years() -> set[int]:
    return {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}


def _year_status(year: int, calendar) -> dict[str, Any]:
    by_package = year in _package_years()
    confirmed = year in calendar.confirmed_years
    overrides = sum(1 for d in calendar.overrides if d.year == year)
    return {"year": year, "known": by_package or confirmed,
            "source": "chinesecalendar" if by_package else ("operator" if confirmed else "unknown"),
            "confirmed": confirmed, "overrides": overrides}


@tk.side_effect_free
def calendar_year_list(context, data_dict) -> list[dict]:
    """Which years the platform can count working days in (Art 26 deadlines), and from what source."""
    tk.check_access("calendar_year_list", context, data_dict)
    calendar = store.load()
    this_year = store.local_date(store.utcnow()).year
    years = {this_year - 1, this_year, this_year + 1, this_year + 2}
    years |= set(calendar.confirmed_years) | {d.year for d in calendar.overrides}
    return [_year_status(y, calendar) for y in sorted(years)]


def get_actions() -> dict:
    return {
        "holiday_override_set": holiday_override_set,
        "holiday_override_delete": holiday_override_delete,
        "holiday_override_list": holiday_override_list,
        "calendar_year_confirm": calendar_year_confirm,
        "calendar_year_list": calendar_year_list,
    }
