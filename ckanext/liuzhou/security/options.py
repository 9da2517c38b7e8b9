"""Typed accessors for the ``ckanext.liuzhou.security.*`` options (config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.liuzhou.security."


def headers_enabled() -> bool:
    return tk.asbool(tk.config.get(PREFIX + "headers"))


def csp() -> str:
    return " ".join(str(tk.config.get(PREFIX + "csp") or "").split())


def frame_options() -> str:
    return str(tk.config.get(PREFIX + "frame_options") or "").strip()


def login_max_failures() -> int:
    return int(tk.config.get(PREFIX + "login_max_failures") or 0)


def login_lock_minutes() -> int:
    return max(1, int(tk.config.get(PREFIX + "login_lock_minutes") or 15))


def password_min_length() -> int:
    return int(tk.config.get(PREFIX + "password_min_length") or 0)


def password_min_classes() -> int:
    return min(4, max(1, int(tk.config.get(PREFIX + "password_min_classes") or 1)))
