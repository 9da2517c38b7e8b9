"""The security capability's blueprint: response headers and the page-argument check."""
from __future__ import annotations

from flask import Blueprint

from . import headers


def get_blueprints() -> list[Blueprint]:
    return [headers.blueprint()]
