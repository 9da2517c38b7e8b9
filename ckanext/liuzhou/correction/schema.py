"""Validation schemas of the correction actions (navl, CKAN's own validators)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import idempotency
from ..security.validators import boolean_validator
from ..validation import limit, string_list
from . import states

v = tk.get_validator
not_empty, ignore_missing, unicode_safe = v("not_empty"), v("ignore_missing"), v("unicode_safe")
one_of, default, natural_number_validator = v("one_of"), v("default"), v("natural_number_validator")


def _text_max(n: int):
    def check(value, context):
        if isinstance(value, str) and len(value) > n:
            raise tk.Invalid(tk._("At most {n} characters").format(n=n))
        return value
    return check


def create() -> dict:
    return {
        "package_id": [not_empty, unicode_safe],
        "target": [default(states.ENTRY), one_of(list(states.TARGETS))],
        "resource_id": [ignore_missing, unicode_safe],
        "field": [ignore_missing, one_of(list(states.FIELDS))],
        "rows": [ignore_missing, unicode_safe, _text_max(2000)],
        "columns": [ignore_missing, string_list],
        "description": [not_empty, unicode_safe, _text_max(5000)],
        "reporter_org": [ignore_missing, unicode_safe],
        idempotency.FIELD: [ignore_missing, idempotency.key_validator],
    }


def show() -> dict:
    return {"id": [not_empty, unicode_safe]}


def respond() -> dict:
    return {
        "id": [not_empty, unicode_safe],
        "response": [not_empty, one_of(list(states.RESPONSES))],
        "correction": [ignore_missing, unicode_safe, _text_max(5000)],
        "reason": [ignore_missing, unicode_safe, _text_max(5000)],
    }


def settle() -> dict:
    return {
        "id": [not_empty, unicode_safe],
        "outcome": [not_empty, one_of(list(states.OUTCOMES))],
        "settlement": [not_empty, unicode_safe, _text_max(5000)],
    }


def list_() -> dict:
    return {
        "package_id": [ignore_missing, unicode_safe],
        "state": [ignore_missing, one_of(list(states.STATES))],
        "open": [default(False), boolean_validator],
        "overdue": [default(False), boolean_validator],
        "mine": [default(False), boolean_validator],
        "to_answer": [default(False), boolean_validator],
        "limit": [default(50), natural_number_validator, limit],
        "offset": [default(0), natural_number_validator],
    }
