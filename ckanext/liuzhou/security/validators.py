"""Validators that refuse hostile input with a field message instead of a server error.

CKAN's ``boolean_validator`` calls ``value.lower()``: a list, a dict or a number sent by an
API client raised AttributeError (HTTP 500; found by tests/hardening/test_hostile_input.py).
:func:`boolean_validator` keeps its meaning for booleans, strings and None, takes 0 and 1,
and refuses anything else with "Must be true or false". It replaces CKAN's (IValidators), and
the schemas that bind their validators at import use it directly.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validators as core
from ckan.lib.navl.dictization_functions import missing


def boolean_validator(value: Any, context) -> Any:
    if value is missing or value is None or isinstance(value, (bool, str)):
        return core.boolean_validator(value, context)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise tk.Invalid(tk._("Must be true or false"))


def get_validators() -> dict[str, Any]:
    return {"boolean_validator": boolean_validator}
