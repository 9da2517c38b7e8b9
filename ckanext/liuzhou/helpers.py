"""Core template helpers."""
from __future__ import annotations

import uuid

from . import config as lz_config


def liuzhou_authority_org() -> str:
    return lz_config.authority_org()


def liuzhou_operator_org() -> str:
    return lz_config.operator_org()


def liuzhou_form_key() -> str:
    """A new idempotency key for a create form (see :mod:`.idempotency`)."""
    return uuid.uuid4().hex


def get_helpers() -> dict:
    return {"liuzhou_authority_org": liuzhou_authority_org, "liuzhou_operator_org": liuzhou_operator_org,
            "liuzhou_form_key": liuzhou_form_key}
