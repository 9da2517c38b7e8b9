"""Warning ahead of a year whose holiday arrangement nobody has entered (deadlines of Art 12,
14, 21, 26 falling in it are provisional, 暂定): the banner of the Operator and the Authority,
the line of ``ckan liuzhou doctor`` and one notice to the Operator (``ckan liuzhou deadlines``,
recorded on the lifecycle timeline: :func:`..lifecycle.events.notify_operator_of_unknown_years`)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from .. import config as lz_config
from . import store
from .recount import unknown_years_ahead

NOTICE_EVENT = "calendar_year_unknown"


def years(today: Optional[dt.date] = None, days: Optional[int] = None) -> list[int]:
    today = today or store.local_date(store.utcnow())
    return unknown_years_ahead(today, lz_config.calendar_warn_days() if days is None else days)


def doctor_line(today: Optional[dt.date] = None) -> tuple[bool, str]:
    """(fine, message) for ``ckan liuzhou doctor``: a warning naming each unknown year ahead."""
    today = today or store.local_date(store.utcnow())
    days = lz_config.calendar_warn_days()
    unknown = years(today, days)
    if not unknown:
        return True, f"every day of the next {days} days is in a known holiday arrangement"
    return False, (f"the State Council's holiday arrangement of {', '.join(map(str, unknown))} is not "
                   f"known (within {days} days of {today.isoformat()}): deadlines in it are provisional "
                   f"(暂定) — paste the notice on /calendar/ and confirm the year")
