"""Validation schemas of the demand actions (navl, CKAN's own validators)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import idempotency
from ..security.validators import boolean_validator
from ..validation import limit, non_empty_list, string_list
from . import states

v = tk.get_validator
not_empty, ignore_missing, unicode_safe = v("not_empty"), v("ignore_missing"), v("unicode_safe")
isodate, one_of, default = v("isodate"), v("one_of"), v("default")
natural_number_validator = v("natural_number_validator")


def _id():
    return [not_empty, unicode_safe]


def create() -> dict:
    return {
        "title": [not_empty, unicode_safe],
        "description": [ignore_missing, unicode_safe],
        "duty": [not_empty, unicode_safe],
        "basis": [not_empty, unicode_safe],
        "information_items": [not_empty, string_list, non_empty_list],
        "needed_by": [not_empty, isodate],
        "valid_until": [ignore_missing, isodate],
        "consumer_org": [ignore_missing, unicode_safe],
        idempotency.FIELD: [ignore_missing, idempotency.key_validator],
    }


def route() -> dict:
    return {"id": _id(), "provider_org": [not_empty, unicode_safe], "note": [ignore_missing, unicode_safe]}


def answer() -> dict:
    return {
        "id": _id(),
        "answer": [not_empty, one_of(list(states.ANSWERS))],
        "package_id": [ignore_missing, unicode_safe],
        "information_items": [ignore_missing, string_list],
        "reason_code": [ignore_missing, one_of(list(states.REASONS))],
        "reason": [ignore_missing, unicode_safe],
    }


def show() -> dict:
    return {"id": _id(), "include_candidates": [default(False), boolean_validator]}


def list_() -> dict:
    return {
        "mine": [default(False), boolean_validator],
        "to_review": [default(False), boolean_validator],
        "overdue": [default(False), boolean_validator],
        "state": [ignore_missing, one_of(list(states.STATES))],
        "limit": [default(50), natural_number_validator, limit],
        "offset": [default(0), natural_number_validator],
    }
