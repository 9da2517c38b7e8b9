"""Validation schemas of the lifecycle actions (navl, CKAN's own validators)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import idempotency
from ..validation import limit, string_list
from . import states

v = tk.get_validator
not_empty, ignore_missing, unicode_safe = v("not_empty"), v("ignore_missing"), v("unicode_safe")
isodate, one_of = v("isodate"), v("one_of")
from ..security.validators import boolean_validator  # noqa: E402 — refuses lists, dicts (docs/security.md)
natural_number_validator, default, email_validator = v("natural_number_validator"), v("default"), v("email_validator")


def strip(value: Any, context) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text():
    return [not_empty, unicode_safe, strip, not_empty]


def _optional_text():
    return [ignore_missing, unicode_safe, strip]


def _key() -> dict:
    """The idempotency key of a create action (:mod:`ckanext.liuzhou.idempotency`)."""
    return {idempotency.FIELD: [ignore_missing, idempotency.key_validator]}


def _paging() -> dict:
    return {"limit": [default(50), natural_number_validator, limit],
            "offset": [default(0), natural_number_validator]}


def show() -> dict:
    return {"id": [not_empty, unicode_safe]}


# --- Art 20
def catalog_offline_apply() -> dict:
    """The signed and stamped form (``attachment_upload``) is checked by the action."""
    return {"package_id": [not_empty, unicode_safe], "reason": _text(), **_key()}


def catalog_offline_review() -> dict:
    return {
        "id": [not_empty, unicode_safe],
        "decision": [not_empty, one_of(list(states.CATALOG_REVIEW + states.CATALOG_OUTCOMES))],
        "notes": _optional_text(),
        "meeting_date": [ignore_missing, isodate],
        "participants": [ignore_missing, string_list],
    }


def catalog_offline_list() -> dict:
    return {"state": [ignore_missing, one_of(list(states.CATALOG_STATES))],
            "filed": [default(False), boolean_validator],
            "package_id": _optional_text(), "org": _optional_text(), **_paging()}


# --- Art 21
def resource_offline_apply() -> dict:
    return {"package_id": [not_empty, unicode_safe], "resource_id": [not_empty, unicode_safe],
            "reason": _text(), "legal_basis": _text(), **_key()}


def decide() -> dict:
    return {"id": [not_empty, unicode_safe], "decision": [not_empty, one_of(list(states.DECISIONS))],
            "notes": _optional_text()}


def resource_offline_list() -> dict:
    return {"state": [ignore_missing, one_of(list(states.RESOURCE_STATES))],
            "overdue": [default(False), boolean_validator], "to_review": [default(False), boolean_validator],
            "package_id": _optional_text(), "org": _optional_text(), **_paging()}


def public_notice_list() -> dict:
    return {"include_ended": [default(False), boolean_validator], "package_id": _optional_text(), **_paging()}


# --- Art 14
def upkeep_notice_create() -> dict:
    return {
        "title": _text(),
        "cause": [not_empty, one_of(list(states.UPKEEP_CAUSES))],
        "basis": _text(),
        "changed_on": [ignore_missing, isodate],
        "description": _optional_text(),
        "departments": [ignore_missing, string_list],
        "packages": [ignore_missing, string_list],
        **_key(),
    }


def upkeep_notice_list() -> dict:
    return {"org": _optional_text(),
            "status": [default("all"), one_of(["all", "open", "overdue", "done"])], **_paging()}


def upkeep_notice_respond() -> dict:
    return {"target_id": [not_empty, unicode_safe], "response": _text()}


# --- Art 12
def account_request_create() -> dict:
    return {
        "kind": [not_empty, one_of(list(states.ACCOUNT_KINDS))],
        "org": _optional_text(),
        "user_name": [not_empty, unicode_safe, strip, not_empty],
        "fullname": _optional_text(),
        "email": [ignore_missing, unicode_safe, strip, email_validator],
        "role": [ignore_missing, one_of(list(states.ACCOUNT_ROLES))],
        "reason": _text(),
        **_key(),
    }


def account_request_list() -> dict:
    return {"state": [ignore_missing, one_of(list(states.ACCOUNT_STATES))],
            "overdue": [default(False), boolean_validator], "org": _optional_text(), **_paging()}


# --- Art 16
def information_system_create() -> dict:
    return {
        "name": _text(),
        "org": _optional_text(),
        "stage": [default("approval"), one_of(list(states.STAGES))],
        "project_code": _optional_text(),
        "description": _optional_text(),
        "package_ids": [ignore_missing, string_list],
        **_key(),
    }


def information_system_update() -> dict:
    return {
        "id": [not_empty, unicode_safe],
        "name": [ignore_missing, unicode_safe, strip, not_empty],
        "stage": [ignore_missing, one_of(list(states.STAGES))],
        "project_code": _optional_text(),
        "description": _optional_text(),
        "package_ids": [ignore_missing, string_list],
    }


def information_system_list() -> dict:
    return {"org": _optional_text(), "stage": [ignore_missing, one_of(list(states.STAGES))],
            "mismatched": [default(False), boolean_validator], **_paging()}


# --- Art 17
def duplicate_check() -> dict:
    return {"information_items": [ignore_missing], "owner_org": _optional_text(),
            "package_id": _optional_text()}


def duplicate_warning_list() -> dict:
    return {"state": [default("open"), one_of(["open", "cleared", "all"])],
            "org": _optional_text(), **_paging()}


# --- Art 33
def violation_list() -> dict:
    return {"state": [ignore_missing, one_of(list(states.VIOLATION_STATES))],
            "kind": [ignore_missing, one_of(list(states.VIOLATION_KINDS))],
            "org": _optional_text(), **_paging()}


def violation_review() -> dict:
    return {"id": [not_empty, unicode_safe], "decision": [not_empty, one_of(list(states.VIOLATION_REVIEW))],
            "notes": _text()}
