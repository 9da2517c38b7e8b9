"""Validation schemas of the sharing actions (navl, CKAN's own validators)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import idempotency
from ..validation import limit, non_empty_list, string_list  # noqa: F401  (the schemas' validators)
from . import states

v = tk.get_validator
not_empty, ignore_missing, unicode_safe = v("not_empty"), v("ignore_missing"), v("unicode_safe")
isodate, one_of = v("isodate"), v("one_of")
from ..security.validators import boolean_validator  # noqa: E402 — refuses lists, dicts (docs/security.md)
natural_number_validator = v("natural_number_validator")
default = v("default")


def _id():
    return [not_empty, unicode_safe]


def _reason():
    return [not_empty, unicode_safe]


def create() -> dict:
    return {
        "package_id": _id(),
        "consumer_org": [ignore_missing, unicode_safe],
        "resource_ids": [ignore_missing, string_list],
        "information_items": [ignore_missing, string_list],
        "purpose": [not_empty, unicode_safe],
        "basis": [not_empty, unicode_safe],
        "scope_users": [not_empty, string_list, non_empty_list],
        "valid_from": [ignore_missing, isodate],
        "valid_until": [not_empty, isodate],
        "sharing_method": [ignore_missing, one_of(list(states.SHARING_METHODS))],
        "renews": [ignore_missing, unicode_safe],
        idempotency.FIELD: [ignore_missing, idempotency.key_validator],
    }


def show() -> dict:
    return {"id": _id()}


def decide() -> dict:
    return {
        "id": _id(),
        "decision": [not_empty, one_of(["approve", "reject"])],
        "reason_code": [ignore_missing, one_of(list(states.REJECTION_REASONS))],
        "reason": [ignore_missing, unicode_safe],
        "personal_items": [ignore_missing, string_list],
    }


def authority_decide() -> dict:
    return {
        "id": _id(),
        "decision": [not_empty, one_of(["approve", "reject"])],
        "reason_code": [ignore_missing, one_of(list(states.REJECTION_REASONS))],
        "reason": [ignore_missing, unicode_safe],
    }


def with_reason() -> dict:
    return {"id": _id(), "reason": _reason()}


def with_optional_reason() -> dict:
    return {"id": _id(), "reason": [ignore_missing, unicode_safe]}


def coordination_close() -> dict:
    return {
        "id": _id(),
        "meeting_date": [not_empty, isodate],
        "participants": [not_empty, string_list, non_empty_list],
        "outcome": [not_empty, one_of(list(states.COORDINATION_OUTCOMES))],
        "notes": [not_empty, unicode_safe],
    }


def deliver() -> dict:
    return {
        "id": _id(),
        "method": [ignore_missing, one_of(list(states.SHARING_METHODS))],
        "resource_ids": [ignore_missing, string_list],
        "notes": [ignore_missing, unicode_safe],
    }


def quality_issue_create() -> dict:
    return {
        "id": _id(),
        "description": [not_empty, unicode_safe],
        "information_items": [ignore_missing, string_list],
    }


def quality_issue_resolve() -> dict:
    return {"id": _id(), "resolution": [not_empty, unicode_safe]}


def list_() -> dict:
    return {
        "mine": [default(False), boolean_validator],
        "to_review": [default(False), boolean_validator],
        "overdue": [default(False), boolean_validator],
        "state": [ignore_missing, one_of(list(states.STATES))],
        "package_id": [ignore_missing, unicode_safe],
        "limit": [default(50), natural_number_validator, limit],
        "offset": [default(0), natural_number_validator],
    }


def suspension_list() -> dict:
    return {
        "limit": [default(50), natural_number_validator, limit],
        "offset": [default(0), natural_number_validator],
    }
