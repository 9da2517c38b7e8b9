"""One place that gathers each capability's actions, auth, validators, helpers and hooks."""
from __future__ import annotations

from typing import Any

from . import helpers as core_helpers
from .catalog import helpers as catalog_helpers
from .catalog import indexing as catalog_indexing
from .catalog import validators as catalog_validators


def helpers() -> dict[str, Any]:
    return {**core_helpers.get_helpers(), **catalog_helpers.get_helpers()}


def validators() -> dict[str, Any]:
    return catalog_validators.get_validators()


def before_dataset_index(pkg_dict: dict) -> dict:
    return catalog_indexing.before_dataset_index(pkg_dict)
