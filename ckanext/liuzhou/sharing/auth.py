"""Auth functions of the sharing capability."""
from __future__ import annotations


def get_auth_functions() -> dict:
    return {}
