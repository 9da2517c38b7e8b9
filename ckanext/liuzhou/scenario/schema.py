"""Validation schemas of the scenario actions (navl, CKAN's own validators)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import idempotency
from ..validation import limit, string_list

v = tk.get_validator
not_empty, ignore_missing, unicode_safe = v("not_empty"), v("ignore_missing"), v("unicode_safe")
natural_number_validator, default = v("natural_number_validator"), v("default")
NAME_MAX, SERVES_MAX = 200, 2000


def strip(value: Any, context) -> Any:
    return value.strip() if isinstance(value, str) else value


def _at_most(n: int):
    def check(value: Any, context) -> Any:
        if isinstance(value, str) and len(value) > n:
            raise tk.Invalid(tk._("At most {n} characters").format(n=n))
        return value
    return check


def _text(n: int) -> list:
    return [not_empty, unicode_safe, strip, not_empty, _at_most(n)]


def create() -> dict:
    return {"org": [ignore_missing, unicode_safe, strip], "name": _text(NAME_MAX), "serves": _text(SERVES_MAX),
            "entries": [string_list], "requests": [string_list],
            idempotency.FIELD: [ignore_missing, idempotency.key_validator]}


def update() -> dict:
    return {"id": [not_empty, unicode_safe], "name": [ignore_missing, *_text(NAME_MAX)],
            "serves": [ignore_missing, *_text(SERVES_MAX)], "entries": [string_list], "requests": [string_list]}


def show() -> dict:
    return {"id": [not_empty, unicode_safe]}


def list_() -> dict:
    return {"org": [ignore_missing, unicode_safe], "provider": [ignore_missing, unicode_safe],
            "limit": [default(50), natural_number_validator, limit],
            "offset": [default(0), natural_number_validator]}
