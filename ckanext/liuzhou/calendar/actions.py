"""Calendar actions: the Operator's holiday overrides and year confirmations (deadlines of Art 12, 14, 21, 26).

chinesecalendar knows the State Council's holidays up to the year it was released for; for a
later year the Operator pastes the State Council's notice (or enters single days) and confirms
the year once the seven holidays of the law are in. Until then a deadline falling in it is
counted provisionally (暂定) on the statutory holidays, never refused; confirming (or
withdrawing a confirmation) counts every open deadline again. Every change is audited.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit
from .. import authz
from .. import config as lz_config
from . import notice as notice_text
from . import recount, statutory, store
from .model import CalendarYear, HolidayOverride
from ..validation import validate_or_raise as _validate

v = tk.get_validator
_ = tk._




def _date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _actor(context) -> model.User:
    return authz.context_user(context)


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
    counted = _recount_known(day, actor)
    audit.record("calendar.override_set", actor, object_type="holiday_override", object_id=day.isoformat(),
                 detail={"day": day, "workday": row.workday, "before": before, "note": row.note,
                         "recounted": counted})
    _commit(context)
    return _override_dict(row)


def _recount_known(day: dt.date, actor: model.User) -> dict[str, int] | None:
    """A day changed in a year whose calendar is in force (chinesecalendar's or confirmed): the
    open deadlines it moves are counted again. In a year not confirmed yet the overrides wait
    for the confirmation (deadlines there are provisional on the statutory holidays)."""
    if not store.load().knows(day.year):
        return None
    return recount.recount_open_deadlines(day.year, actor, True, "override")


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
    model.Session.flush()
    counted = _recount_known(day, _actor(context))
    audit.record("calendar.override_delete", _actor(context), object_type="holiday_override",
                 object_id=day.isoformat(), detail={"day": day, "workday": row.workday, "recounted": counted})
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


def _refusal(check: dict) -> dict:
    """The confirmation's refusal, naming what is missing (in the user's language)."""
    errors = {}
    if check["missing"]:
        errors["holidays"] = [_("Missing holidays: {names}. Every statutory holiday (全国年节及纪念日放假办法 "
                                "Art 2) must be entered as days off before the year is confirmed.").format(
            names="、".join(statutory.CHINESE[k] for k in check["missing"]))]
    if check["weekday_workdays"]:
        errors["workdays"] = [_("Adjusted working days must fall on a Saturday or Sunday: {days}").format(
            days=", ".join(d.isoformat() for d in check["weekday_workdays"]))]
    return errors


def calendar_year_confirm(context, data_dict) -> dict:
    """Declare a year's calendar complete, so deadlines (Art 12, 14, 21, 26) falling in it are
    final; ``confirmed=false`` withdraws the confirmation (they are provisional again).

    Refused unless the seven holidays of 全国年节及纪念日放假办法 (Art 2) are entered as days off
    and every adjusted working day (调休) is a weekend day. Every open deadline from that year
    on is counted again, with an event on its item's timeline.

    :param year: :param confirmed: (default true) :param note:
    """
    tk.check_access("calendar_year_confirm", context, data_dict)
    data = _validate(data_dict, {
        "year": [v("not_empty"), v("natural_number_validator")],
        "confirmed": [v("default")(True), v("boolean_validator")],
        "note": [v("ignore_missing"), v("unicode_safe")],
    }, context)
    year, actor = int(data["year"]), _actor(context)
    if not 1900 < year < 2200:
        raise tk.ValidationError({"year": [_("Not a year the platform can count")]})
    row = model.Session.get(CalendarYear, year)
    if data["confirmed"]:
        check = notice_text.check(year, store.load().overrides)
        if not check["ok"]:
            raise tk.ValidationError(_refusal(check))
        row = row or CalendarYear(year=year)
        row.confirmed_by, row.confirmed_at, row.note = actor.id, store.utcnow(), data.get("note") or ""
        model.Session.add(row)
    elif row is not None:
        model.Session.delete(row)
    model.Session.flush()
    counted = recount.recount_open_deadlines(year, actor, data["confirmed"],
                                             "confirm" if data["confirmed"] else "unconfirm")
    audit.record("calendar.year_confirm" if data["confirmed"] else "calendar.year_unconfirm", actor,
                 object_type="calendar_year", object_id=str(year),
                 detail={"year": year, "confirmed": data["confirmed"], "note": data.get("note"),
                         "recounted": counted})
    _commit(context)
    return _year_status(year, store.load()) | {"recounted": counted}


def _parsed_dict(parsed: dict, check: dict | None) -> dict[str, Any]:
    iso = lambda days: [d.isoformat() for d in days]  # noqa: E731
    out = {"year": parsed["year"], "errors": parsed["errors"],
           "holidays": [{"key": h["key"], "name": h["name"], "days": iso(h["days"])} for h in parsed["holidays"]],
           "days_off": iso(parsed["days_off"]), "workdays": iso(parsed["workdays"])}
    if check is not None:
        out["check"] = {"ok": check["ok"], "missing": check["missing"],
                        "missing_names": [statutory.CHINESE[k] for k in check["missing"]],
                        "weekday_workdays": iso(check["weekday_workdays"])}
    return out


def _parse_or_error(data: dict) -> dict:
    parsed = notice_text.parse(data["text"], int(data["year"]) if data.get("year") else None)
    if parsed["year"] is None:
        raise tk.ValidationError({"year": [_("The notice does not say which year it arranges: give the year")]})
    if not 1900 < parsed["year"] < 2200:
        raise tk.ValidationError({"year": [_("Not a year the platform can count")]})
    return parsed


def _notice_schema() -> dict:
    return {"text": [v("not_empty"), v("unicode_safe")],
            "year": [v("ignore_missing"), v("natural_number_validator")]}


@tk.side_effect_free
def calendar_notice_parse(context, data_dict) -> dict:
    """Read the State Council's notice of a year's holidays (国务院办公厅关于20XX年部分节假日安排的通知)
    into days off and adjusted working days, and check them as a confirmation would (deadlines of
    Art 12, 14, 21, 26). Nothing is saved.

    :param text: the notice as published :param year: (optional: read from the notice's title)
    :returns: ``{year, holidays: [{key, name, days}], days_off, workdays, errors (what could not
        be read), check: {ok, missing, missing_names, weekday_workdays}}``
    """
    tk.check_access("calendar_notice_parse", context, data_dict)
    data = _validate(data_dict, _notice_schema(), context)
    parsed = _parse_or_error(data)
    entries = {d: False for d in parsed["days_off"]} | {d: True for d in parsed["workdays"]}
    return _parsed_dict(parsed, notice_text.check(parsed["year"], entries))


def calendar_notice_apply(context, data_dict) -> dict:
    """Enter a year from the State Council's notice (deadlines of Art 12, 14, 21, 26): the year's
    overrides are replaced by the notice's days off and adjusted working days; with
    ``confirm=true`` the year is confirmed in the same transaction (refused, and nothing saved,
    if the notice lacks a holiday of 全国年节及纪念日放假办法 Art 2).

    :param text: :param year: (optional) :param confirm: (default false) :param note:
    """
    tk.check_access("calendar_notice_apply", context, data_dict)
    schema = _notice_schema() | {"confirm": [v("default")(False), v("boolean_validator")],
                                 "note": [v("ignore_missing"), v("unicode_safe")]}
    data = _validate(data_dict, schema, context)
    parsed = _parse_or_error(data)
    if parsed["errors"]:
        raise tk.ValidationError({"text": [_("Some lines of the notice could not be read: {lines}").format(
            lines="; ".join(parsed["errors"]))]})
    year, actor = parsed["year"], _actor(context)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    removed = (model.Session.query(HolidayOverride)
               .filter(HolidayOverride.day >= first, HolidayOverride.day <= last).delete())
    names = {d: h["name"] for h in reversed(parsed["holidays"]) for d in h["days"]}
    now = store.utcnow()
    for day in parsed["days_off"]:
        model.Session.add(HolidayOverride(day=day, workday=False, note=names.get(day, ""), set_by=actor.id, set_at=now))
    for day in parsed["workdays"]:
        model.Session.add(HolidayOverride(day=day, workday=True, note="调休上班", set_by=actor.id, set_at=now))
    model.Session.flush()
    audit.record("calendar.notice_apply", actor, object_type="calendar_year", object_id=str(year),
                 detail={"year": year, "removed": removed, "days_off": parsed["days_off"],
                         "workdays": parsed["workdays"], "note": data.get("note")})
    result = _parsed_dict(parsed, None)
    if data["confirm"]:
        try:
            status = calendar_year_confirm(dict(context, defer_commit=True),
                                           {"year": year, "note": data.get("note") or ""})
        except tk.ValidationError:
            model.Session.rollback()
            raise
        result["status"] = status
    _commit(context)
    result.setdefault("status", _year_status(year, store.load()))
    return result


def _package_years() -> set[int]:
    return {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}


def _year_status(year: int, calendar) -> dict[str, Any]:
    by_package = year in _package_years()
    confirmed = year in calendar.confirmed_years
    overrides = sum(1 for d in calendar.overrides if d.year == year)
    status = {"year": year, "known": by_package or confirmed,
              "source": "chinesecalendar" if by_package else ("operator" if confirmed else "unknown"),
              "confirmed": confirmed, "overrides": overrides, "provisional": not (by_package or confirmed)}
    if not by_package:
        check = notice_text.check(year, calendar.overrides)
        status["can_confirm"] = check["ok"]
        status["missing"] = [statutory.CHINESE[k] for k in check["missing"]]
    return status


@tk.side_effect_free
def calendar_year_list(context, data_dict) -> list[dict]:
    """Which years the platform can count working days in (Art 26 deadlines), and from what source."""
    tk.check_access("calendar_year_list", context, data_dict)
    calendar = store.load()
    this_year = store.local_date(store.utcnow()).year
    years = {this_year - 1, this_year, this_year + 1, this_year + 2}
    years |= set(calendar.confirmed_years) | {d.year for d in calendar.overrides}
    return [_year_status(y, calendar) for y in sorted(years)]


@tk.side_effect_free
def calendar_unknown_years(context, data_dict) -> dict:
    """Years within the next ``days`` (default ``ckanext.liuzhou.calendar.warn_days``, 60) whose
    holiday arrangement the platform does not know: deadlines in them are provisional (Art 26).

    :param days: (optional) :returns: ``{"days", "today", "years": [...]}``
    """
    tk.check_access("calendar_unknown_years", context, data_dict)
    data = _validate(data_dict, {"days": [v("ignore_missing"), v("natural_number_validator")]}, context)
    days = int(data["days"]) if data.get("days") not in (None, "") else lz_config.calendar_warn_days()
    today = store.local_date(store.utcnow())
    return {"days": days, "today": today.isoformat(),
            "years": recount.unknown_years_ahead(today, min(days, 3660))}


def get_actions() -> dict:
    return {
        "holiday_override_set": holiday_override_set,
        "holiday_override_delete": holiday_override_delete,
        "holiday_override_list": holiday_override_list,
        "calendar_year_confirm": calendar_year_confirm,
        "calendar_year_list": calendar_year_list,
        "calendar_notice_parse": calendar_notice_parse,
        "calendar_notice_apply": calendar_notice_apply,
        "calendar_unknown_years": calendar_unknown_years,
    }
