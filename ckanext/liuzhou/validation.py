"""Validation shared by the capabilities' actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def validate_or_raise(data_dict: dict | None, schema: dict, context: dict) -> dict[str, Any]:
    """The data converted by ``schema``, or a ValidationError with every field's message."""
    data, errors = tk.navl_validate(dict(data_dict or {}), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data
