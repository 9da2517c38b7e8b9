"""Core template helpers."""
from __future__ import annotations

from . import config as lz_config


def liuzhou_authority_org() -> str:
    return lz_config.authority_org()


def liuzhou_operator_org() -> str:
    return lz_config.operator_org()


def get_helpers() -> dict:
    return {"liuzhou_authority_org": liuzhou_authority_org, "liuzhou_operator_org": liuzhou_operator_org}
