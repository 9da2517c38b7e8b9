"""The operations capability's blueprint: the service pages of :mod:`.services`."""
from __future__ import annotations

from flask import Blueprint

from . import services


def get_blueprints() -> list[Blueprint]:
    return [services.ops]
