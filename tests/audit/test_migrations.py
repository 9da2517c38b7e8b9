"""Migrations 0002 and later (calendar, audit log with its triggers, share requests, …) are
reversible: down to 0001 and up again to the head."""
from __future__ import annotations

import pathlib
import re

import sqlalchemy as sa

import ckan.model as model

TABLES = {"liuzhou_holiday_override", "liuzhou_calendar_year", "liuzhou_audit_log", "liuzhou_share_request",
          "liuzhou_share_request_scope", "liuzhou_share_request_event", "liuzhou_coordination",
          "liuzhou_delivery", "liuzhou_quality_issue", "liuzhou_idempotency_key"}


VERSIONS = pathlib.Path(__file__).parents[2] / "ckanext/liuzhou/migration/liuzhou/versions"
HEAD = max(re.match(r"(\d{4})_", p.name).group(1) for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def state():
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names()) & (TABLES | {"liuzhou_resource_code"})
        function = conn.execute(sa.text("SELECT count(*) FROM pg_proc WHERE proname = 'liuzhou_audit_log_refuse'")).scalar()
        version = conn.execute(sa.text("SELECT version_num FROM liuzhou_alembic_version")).scalar()
    return tables, function, version


def test_down_to_0001_and_up_again(clean_db, migrate_db_for):
    tables, function, version = state()
    assert TABLES <= tables and function == 1 and version == HEAD
    migrate_db_for("liuzhou", "0001", forward=False)
    tables, function, version = state()
    assert tables == {"liuzhou_resource_code"} and function == 0 and version == "0001"
    migrate_db_for("liuzhou")
    tables, function, version = state()
    assert TABLES <= tables and function == 1 and version == HEAD
