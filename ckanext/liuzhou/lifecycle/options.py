"""Typed accessors for the lifecycle options declared in config_declaration.yaml."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def duplicate_threshold() -> int:
    """Per cent of an entry's information items another provider's entry must share (Art 17)."""
    return int(tk.config["ckanext.liuzhou.lifecycle.duplicate_threshold"])


def duplicate_min_items() -> int:
    return int(tk.config["ckanext.liuzhou.lifecycle.duplicate_min_items"])


def duplicate_common_providers() -> int:
    """Item names used by at least this many providers are identifiers, not duplicated data."""
    return int(tk.config["ckanext.liuzhou.lifecycle.duplicate_common_providers"])


def recent_read_days() -> int:
    """How far back the Art 20 review looks for departments reading the entry."""
    return int(tk.config["ckanext.liuzhou.lifecycle.recent_read_days"])


def attachment_max_mb() -> int:
    return int(tk.config["ckanext.liuzhou.lifecycle.attachment_max_mb"])
