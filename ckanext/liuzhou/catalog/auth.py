"""Auth functions of the catalog capability."""
from __future__ import annotations


def get_auth_functions() -> dict:
    return {}
