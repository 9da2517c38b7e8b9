"""Actions of the catalog capability."""
from __future__ import annotations


def get_actions() -> dict:
    return {}
