"""The one home of the portal's options: a typed accessor for each one.

Every ``ckanext.liuzhou.*`` option is declared once, with its type, default and description, in
``config_declaration.yaml``; CKAN puts the declared default in the config when a site leaves the
option out, so no accessor repeats a default. Code elsewhere calls these functions and never reads
a ``ckanext.liuzhou.*`` key itself (``tests/test_config.py`` checks both). The values are coerced
here, because a test's ``ckan_config`` mark or an environment variable gives a string.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def _text(key: str) -> str:
    value = tk.config.get(key)
    return "" if value is None else str(value).strip()


def _int(key: str) -> int:
    return tk.asint(tk.config.get(key))


def _bool(key: str) -> bool:
    return tk.asbool(tk.config.get(key))


# ---------------------------------------------------------------- designated organizations (Art 4–8)

def authority_org() -> str:
    return _text("ckanext.liuzhou.authority_org")


def operator_org() -> str:
    return _text("ckanext.liuzhou.operator_org")


# ---------------------------------------------------------------- demo data and operations

def demo_password() -> str:
    return _text("ckanext.liuzhou.demo.password")


def doctor_timeout() -> int:
    return _int("ckanext.liuzhou.doctor.timeout")


# ---------------------------------------------------------------- catalog (Art 13–22)

def lead_departments() -> dict[str, list[str]]:
    """``population:lzsgaj licences:lzsxzspj,lzsdsjfzj`` → {"population": ["lzsgaj"], …}."""
    result: dict[str, list[str]] = {}
    for pair in _text("ckanext.liuzhou.lead_departments").split():
        sub, _, names = pair.partition(":")
        if sub and names:
            result[sub] = [n for n in names.split(",") if n]
    return result


# ---------------------------------------------------------------- search

def search_vocabulary_refresh() -> int:
    """Seconds a process keeps its copy of the search vocabulary."""
    return _int("ckanext.liuzhou.search.vocabulary_refresh")


def search_suggest_limit() -> int:
    return _int("ckanext.liuzhou.search.suggest_limit")


def search_index_retry_seconds() -> int:
    return max(0, _int("ckanext.liuzhou.search.index_retry_seconds"))


# ---------------------------------------------------------------- working-day calendar

def calendar_warn_days() -> int:
    """Days ahead of an unknown calendar year from which the platform warns."""
    return _int("ckanext.liuzhou.calendar.warn_days")


# ---------------------------------------------------------------- audit log (Art 25, 28)

def audit_csv_max_rows() -> int:
    """Most rows in one CSV download of the reads of data (Art 25)."""
    return _int("ckanext.liuzhou.audit.csv_max_rows")


# ---------------------------------------------------------------- sharing (Art 25–26, 31)

def expiry_notice_workdays() -> int:
    """Working days before the end of validity when the consumer is told."""
    return _int("ckanext.liuzhou.sharing.expiry_notice_workdays")


def notification_email() -> bool:
    """Whether share request events are e-mailed (``auto``: when ``smtp.server`` is set to
    anything but CKAN's ``localhost``)."""
    value = _text("ckanext.liuzhou.notifications.email").lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    server = (tk.config.get("smtp.server") or "").strip()
    return bool(server) and server != "localhost"


# ---------------------------------------------------------------- access to data (Art 10–11, 25–28)

def anonymous_access() -> bool:
    """Whether visitors who have not signed in may see the catalog (metadata only)."""
    return _bool("ckanext.liuzhou.anonymous_access")


def download_allowed_hosts() -> set[str]:
    return {h.lower() for h in _text("ckanext.liuzhou.download.allowed_hosts").split()}


def download_timeout() -> int:
    return _int("ckanext.liuzhou.download.timeout")


# ---------------------------------------------------------------- lifecycle (Art 12, 14, 16, 17, 20, 21, 33)

def duplicate_threshold() -> int:
    """Per cent of an entry's information items another provider's entry must share (Art 17)."""
    return _int("ckanext.liuzhou.lifecycle.duplicate_threshold")


def duplicate_min_items() -> int:
    return _int("ckanext.liuzhou.lifecycle.duplicate_min_items")


def duplicate_common_providers() -> int:
    """Item names used by at least this many providers are identifiers, not duplicated data."""
    return _int("ckanext.liuzhou.lifecycle.duplicate_common_providers")


def recent_read_days() -> int:
    """How far back the Art 20 review looks for departments reading the entry."""
    return _int("ckanext.liuzhou.lifecycle.recent_read_days")


def attachment_max_mb() -> int:
    return _int("ckanext.liuzhou.lifecycle.attachment_max_mb")


# ---------------------------------------------------------------- cascade (Art 23) and its schedule

def negative_list_url() -> str:
    return _text("ckanext.liuzhou.cascade.negative_list_url")


def negative_list_api_key() -> str:
    return _text("ckanext.liuzhou.cascade.negative_list_api_key")


def region_user() -> str:
    """The regional platform's harvesting account (empty: none)."""
    return _text("ckanext.liuzhou.cascade.region_user")


def keep_harvest_days() -> int:
    return _int("ckanext.liuzhou.cascade.keep_harvest_days")


def schedule_harvest_minutes() -> int:
    return _int("ckanext.liuzhou.schedule.harvest_minutes")


def schedule_negative_list_hours() -> int:
    return _int("ckanext.liuzhou.schedule.negative_list_hours")


def schedule_prune_hours() -> int:
    return _int("ckanext.liuzhou.schedule.prune_hours")


def schedule_deadlines_minutes() -> int:
    return _int("ckanext.liuzhou.schedule.deadlines_minutes")


def schedule_reminders_minutes() -> int:
    return _int("ckanext.liuzhou.schedule.reminders_minutes")


def schedule_mail_retry_minutes() -> int:
    return _int("ckanext.liuzhou.schedule.mail_retry_minutes")


def schedule_evaluation_minutes() -> int:
    return _int("ckanext.liuzhou.schedule.evaluation_minutes")


def evaluation_aggregates() -> bool:
    return _bool("ckanext.liuzhou.evaluation.aggregates")


def evaluation_live_seconds() -> int:
    return _int("ckanext.liuzhou.evaluation.live_seconds")


# ---------------------------------------------------------------- web security

def security_headers() -> bool:
    return _bool("ckanext.liuzhou.security.headers")


def security_csp() -> str:
    """The Content-Security-Policy on one line (the declaration folds it)."""
    return " ".join(_text("ckanext.liuzhou.security.csp").split())


def security_frame_options() -> str:
    return _text("ckanext.liuzhou.security.frame_options")


def login_max_failures() -> int:
    """0 turns sign-in throttling off."""
    return _int("ckanext.liuzhou.security.login_max_failures")


def login_lock_minutes() -> int:
    return max(1, _int("ckanext.liuzhou.security.login_lock_minutes"))


def password_min_length() -> int:
    return _int("ckanext.liuzhou.security.password_min_length")


def password_min_classes() -> int:
    """How many character classes a password mixes, 1 to 4."""
    return min(4, max(1, _int("ckanext.liuzhou.security.password_min_classes")))


# ---------------------------------------------------------------- catalog import and export

def import_max_bytes() -> int:
    return _int("ckanext.liuzhou.import.max_bytes")


def import_max_rows() -> int:
    return _int("ckanext.liuzhou.import.max_rows")


def import_max_cell_chars() -> int:
    return _int("ckanext.liuzhou.import.max_cell_chars")


def import_max_uncompressed_bytes() -> int:
    return _int("ckanext.liuzhou.import.max_uncompressed_bytes")


def import_max_ratio() -> int:
    return _int("ckanext.liuzhou.import.max_ratio")


def import_job_rows() -> int:
    return _int("ckanext.liuzhou.import.job_rows")


def import_stale_seconds() -> int:
    return _int("ckanext.liuzhou.import.stale_seconds")


# ---------------------------------------------------------------- demand list (Decree 809, sharing chapter)

def demand_answer_workdays() -> int:
    """Working days a department has to answer a need routed to it (declared option)."""
    return _int("ckanext.liuzhou.demand.answer_workdays")


# ---------------------------------------------------------------- correction of errors (national regulation Art 26)

def correction_respond_workdays() -> int:
    return _int("ckanext.liuzhou.correction.respond_workdays")


def correction_evidence_max_mb() -> int:
    return _int("ckanext.liuzhou.correction.evidence_max_mb")
