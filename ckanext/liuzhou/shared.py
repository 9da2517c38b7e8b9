"""The public Python API of ckanext-liuzhou: what code outside a capability (another capability,
another extension, a script) may use of it, as DataShades' ckanext-files has its ``shared``.

    from ckanext.liuzhou import shared

    if shared.authz.is_operator(user): ...
    due = shared.deadline(shared.utcnow(), 15)           # 15 working days (Art 26)
    shared.audit_record("thing.done", user, detail={...})  # in the caller's transaction

What it names:

- ``authz``: who a user is and what role their department holds (Art 4–8);
- ``notify``: timeline events → the 通知 inbox → e-mail (register a ``notify.Source``);
- the working-day calendar (Art 12, 14, 21, 26 deadlines): ``utcnow``, ``local_date``,
  ``deadline``, ``provisional``, ``load_calendar``, ``Calendar``, ``register_deadline_counter``,
  ``unknown_calendar_years``;
- the audit chain (Art 25 traceability): ``audit_record``, ``audit_record_read``, ``audit_verify``;
- ``formats`` (ISO and Beijing times, JSON-safe details, ``Names``) and ``tree`` (the
  department tree, Art 9);
- what every action and page does the same way: ``validate_or_raise``, ``acting_user``,
  ``commit_unless_deferred``, the list validators, ``action_context``, ``call_or_abort``;
- ``grades``: the data grades of catalog entries (分级分类) and which need the Authority's
  approval before sharing;
- the guards against hostile input (docs/security.md): ``boolean_validator``,
  ``require_text``, ``require_search_terms`` and ``search_guards`` (search parameters, stored
  copies).

Inside the extension, a capability may import another capability's modules only where this
module imports them (and any ``model`` module: the tables); ``tests/test_imports.py`` checks it.
Everything else is internal and may change without notice.
"""
from __future__ import annotations

from . import authz, formats, notify, tree
from .audit import record as audit_record
from .audit import record_read as audit_record_read
from .audit import verify as audit_verify
from .calendar.ahead import NOTICE_EVENT as CALENDAR_NOTICE_EVENT
from .calendar.ahead import years as unknown_calendar_years
from .calendar.recount import register as register_deadline_counter
from .calendar.store import deadline, load as load_calendar, local_date, provisional, to_utc_naive, utcnow
from .calendar.workdays import TZ, Calendar, UnknownCalendarYear
from .grading import grades
from .security import search as search_guards
from .security.validators import boolean_validator, require_search_terms, require_text
from .validation import (acting_user, commit_unless_deferred, limit, non_empty_list, string_list,
                         validate_or_raise)
from .web import action_context, call_or_abort

__all__ = [
    "authz", "formats", "notify", "tree",
    "audit_record", "audit_record_read", "audit_verify",
    "CALENDAR_NOTICE_EVENT", "unknown_calendar_years", "register_deadline_counter", "deadline", "load_calendar", "local_date", "provisional", "to_utc_naive",
    "utcnow", "TZ", "Calendar", "UnknownCalendarYear",
    "grades",
    "search_guards", "boolean_validator", "require_search_terms", "require_text",
    "acting_user", "commit_unless_deferred", "limit", "non_empty_list", "string_list", "validate_or_raise",
    "action_context", "call_or_abort",
]
