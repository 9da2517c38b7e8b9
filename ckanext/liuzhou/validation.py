"""Validation, the acting user and the commit, shared by the capabilities' actions, and the
validators of lists and page sizes their schemas share."""
from __future__ import annotations

import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import authz


def validate_or_raise(data_dict: dict | None, schema: dict, context: dict) -> dict[str, Any]:
    """The data converted by ``schema``, or a ValidationError with every field's message."""
    data, errors = tk.navl_validate(dict(data_dict or {}), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def acting_user(context: dict) -> model.User:
    """The signed-in user an action runs for; NotAuthorized for anonymous callers."""
    user = authz.context_user(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Sign in first"))
    return user


def commit_unless_deferred(context: dict) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()


def string_list(value: Any, context) -> list[str]:
    """A list of strings, from a list, a JSON list or a comma/newline-separated string."""
    if value is None or value is tk.missing:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise tk.Invalid(tk._("Not a valid JSON list"))
        else:
            value = [p for p in text.replace("\n", ",").split(",")]
    if not isinstance(value, (list, tuple)):
        raise tk.Invalid(tk._("Must be a list"))
    out = []
    for item in value:
        if isinstance(item, dict):  # e.g. {"identifier": "xm"} or a user dict
            item = item.get("id") or item.get("identifier") or item.get("name")
        item = str(item).strip() if item is not None else ""
        if item and item not in out:
            out.append(item)
    return out


def non_empty_list(value: list, context) -> list:
    if not value:
        raise tk.Invalid(tk._("Missing value"))
    return value


def limit(value: Any, context) -> int:
    value = int(value)
    return max(1, min(value, 1000))
