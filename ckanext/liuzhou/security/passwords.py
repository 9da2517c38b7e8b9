"""Password rules for a government system, chained onto CKAN's ``user_password_validator``
(so ``user_create``, ``user_update``, the sign-up, reset and account forms all apply them).

At least ``ckanext.liuzhou.security.password_min_length`` characters (12) from at least
``password_min_classes`` (3) of: upper-case letters, lower-case letters, digits, other
characters; not the user's name; not a common password. The demo password ``Liuzhou@2026``
passes.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validators as core

from .. import config as lz_config

_ = tk._

COMMON = {"password", "12345678", "123456789", "1234567890", "qwertyuiop", "11111111", "admin123",
          "password123", "iloveyou", "abc123456", "a123456789", "p@ssw0rd", "passw0rd", "welcome1",
          "qwerty123", "1qaz2wsx", "1q2w3e4r", "zaq12wsx", "000000000000", "123456123456"}
CLASSES = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]"), re.compile(r"[^A-Za-z0-9]"))


def problems(password: str, user_name: str | None = None) -> list[str]:
    """The rules ``password`` breaks, as messages (empty: it is acceptable)."""
    out = []
    length = lz_config.password_min_length()
    if len(password) < length:
        out.append(_("Your password must be {n} characters or longer").format(n=length))
    wanted = lz_config.password_min_classes()
    if sum(1 for c in CLASSES if c.search(password)) < wanted:
        out.append(_("Your password must mix at least {n} of: upper-case letters, lower-case letters, "
                     "digits and other characters").format(n=wanted))
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        out.append(_("This password is too common"))
    if user_name and len(user_name) >= 3 and user_name.lower() in lowered:
        out.append(_("Your password must not contain your user name"))
    return out


def user_password_validator(key, data, errors, context) -> Any:
    """CKAN's check (a string, 8 characters), then the portal's rules."""
    core.user_password_validator(key, data, errors, context)
    value = data[key]
    if not isinstance(value, str) or value == "" or errors.get(("password",)):
        return
    name = data.get(("name",))
    for message in problems(value, name if isinstance(name, str) else None):
        errors[("password",)].append(message)
