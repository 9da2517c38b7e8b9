"""Pages of the catalog capability (Flask blueprints)."""
from __future__ import annotations

from flask import Blueprint

catalog = Blueprint("liuzhou_catalog", __name__)


def get_blueprints() -> list[Blueprint]:
    return [catalog]
