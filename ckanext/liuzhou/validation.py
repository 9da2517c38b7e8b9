"""Validation, the acting user and the commit, shared by the capabilities' actions."""
from __future__ import annotations

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
