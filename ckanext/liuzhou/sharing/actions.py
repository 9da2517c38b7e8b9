"""Actions of the sharing capability."""
from __future__ import annotations


def get_actions() -> dict:
    return {}
