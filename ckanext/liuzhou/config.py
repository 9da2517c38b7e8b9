"""Typed accessors for the options declared in config_declaration.yaml."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def authority_org() -> str:
    return tk.config["ckanext.liuzhou.authority_org"]


def operator_org() -> str:
    return tk.config["ckanext.liuzhou.operator_org"]


def demo_password() -> str:
    return tk.config["ckanext.liuzhou.demo.password"]


def doctor_timeout() -> int:
    return tk.config["ckanext.liuzhou.doctor.timeout"]


def calendar_warn_days() -> int:
    """Days ahead of an unknown calendar year from which the platform warns (``ckanext.liuzhou.calendar.warn_days``)."""
    return tk.config["ckanext.liuzhou.calendar.warn_days"]


def lead_departments() -> dict[str, list[str]]:
    """``population:lzsgaj licences:lzsxzspj,lzsdsjfzj`` → {"population": ["lzsgaj"], …}."""
    raw = tk.config.get("ckanext.liuzhou.lead_departments") or ""
    result: dict[str, list[str]] = {}
    for pair in raw.split():
        sub, _, names = pair.partition(":")
        if sub and names:
            result[sub] = [n for n in names.split(",") if n]
    return result


def notification_email() -> bool:
    """Whether share request events are e-mailed (``ckanext.liuzhou.notifications.email``)."""
    value = str(tk.config.get("ckanext.liuzhou.notifications.email") or "auto").strip().lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    server = (tk.config.get("smtp.server") or "").strip()
    return bool(server) and server != "localhost"


def audit_csv_max_rows() -> int:
    """Most rows in one CSV download of the reads of data (Art 25)."""
    return tk.config["ckanext.liuzhou.audit.csv_max_rows"]
