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

from . import passwords


def boolean_validator(value: Any, context) -> Any:
    if value is missing or value is None or isinstance(value, (bool, str)):
        return core.boolean_validator(value, context)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise tk.Invalid(tk._("Must be true or false"))


def get_validators() -> dict[str, Any]:
    return {"boolean_validator": boolean_validator, "user_password_validator": passwords.user_password_validator}


def require_text(data_dict: dict, *keys: str) -> None:
    """ValidationError when one of ``keys`` is given but is not text: CKAN's core validators
    and lookups (``owner_org_validator``, ``Session.get``) fail with a server error on a number
    or a list used as an id (found by tests/hardening/test_hostile_input.py)."""
    errors = {k: [tk._("Must be text")] for k in keys
              if k in (data_dict or {}) and data_dict[k] is not None and not isinstance(data_dict[k], str)}
    if errors:
        raise tk.ValidationError(errors)


def require_search_terms(data_dict: dict) -> None:
    """``resource_search``: ``query`` is text or a list of texts, ``fields`` a dict of texts."""
    query, fields = (data_dict or {}).get("query"), (data_dict or {}).get("fields")
    errors = {}
    if query is not None and not (isinstance(query, str)
                                  or isinstance(query, list) and all(isinstance(q, str) for q in query)):
        errors["query"] = [tk._("Must be text or a list of texts")]
    if fields is not None and not (isinstance(fields, dict)
                                   and all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())):
        errors["fields"] = [tk._("Must be a dictionary of texts")]
    if errors:
        raise tk.ValidationError(errors)
