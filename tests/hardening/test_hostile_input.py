"""Hostile input on every action of the extension (docs/security.md, "Hostile input"), property-based.

For each action, a user the authorization matrix allows sends data dicts built by hypothesis
from the keys the action reads, with wrong types, missing and extra keys, huge strings and
lists, lone surrogates, control, zero-width and full-width characters, dates out of range, SQL
and Solr syntax and markup. Every answer is a result or a clear refusal (ValidationError with
field messages, NotAuthorized, NotFound) — never another exception (a 500) — and a refusal
changes nothing: the row counts of the extension's tables and the audit chain's head are the
same before and after.

The ``ci`` hypothesis profile is derandomized (the same examples on every run) and small, so
this module takes a couple of minutes; ``HYPOTHESIS_PROFILE=deep`` tries many more.
"""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from ckanext.liuzhou import registry

from . import matrix
from .conftest import ROLES

settings.register_profile("ci", max_examples=12, derandomize=True, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("deep", max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Actions that reach outside (network) or whose valid calls are the point of other tests.
SKIP = {"negative_list_sync"}
FIELDS = ["id", "package_id", "resource_id", "decision", "reason", "reason_code", "notes", "day", "workday",
          "year", "confirmed", "org", "name", "title", "stage", "target_id", "kind", "email", "user_name",
          "fullname", "role", "information_items", "scope_users", "valid_from", "valid_until", "purpose",
          "basis", "sharing_method", "limit", "offset", "state", "q", "meeting_date", "participants",
          "departments", "packages", "changed_on", "cause", "description", "legal_basis", "resolution",
          "project_code", "entries", "overdue", "filed", "mismatched", "from", "to", "by", "sort", "order",
          "indicator", "unread_only", "consumer_org", "renews", "resource_ids", "owner_org", "url", "since",
          "until", "actor", "action", "share_request_id", "outcome", "note", "attachment_upload",
          "department", "reader_org", "mine", "format", "weights", "months",
          "target", "field", "rows", "columns", "response",
          "correction", "settlement", "reporter_org", "to_answer", "open", "evidence_upload"]
HOSTILE_TEXT = [
    "", " ", "\x00", "\x00abc", "\ud800", "a\udfffb", "\u200b", "lzs\u200bgaj", "\ufeffid", "ｌｚｓｇａｊ",
    "ＬＺＳＧＡＪ", "\u202e", "\r\n\t", "\x1b[31m", "'; DROP TABLE liuzhou_share_request; --", "1' OR '1'='1",
    "\" OR \"\"=\"", "*:*", "{!join from=id to=id}*:*", "_query_:\"{!lucene}*:*\"", "title:(a OR", "\\",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "../../../etc/passwd",
    "..\\..\\windows\\win.ini", "%00", "%2e%2e%2f", "0000-00-00", "9999-12-31", "0001-01-01", "2026-02-30",
    "-1", "1e309", "NaN", "null", "true", "[]", "{}", "x" * 100_000, "人" * 20_000, "😀" * 1000,
    "approve", "reject", "create", "not_shared", "2026-13-01", "99999999999999999999999",
]
_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
_scalar = st.one_of(_text, st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=True),
                    st.booleans(), st.none())
_value = st.one_of(_scalar, st.lists(_scalar, max_size=5), st.dictionaries(_text, _scalar, max_size=3),
                   st.just(["x"] * 5000), st.just({"a": {"b": {"c": ["d"]}}}))

REFUSALS = (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound, SearchError)


def _actions() -> list[str]:
    rows = matrix.read(matrix.ACTIONS_CSV)
    own = set(registry.actions())
    return sorted(a for a in own if a in rows and a not in SKIP)


def _allowed_role(row: dict) -> str | None:
    for role in ROLES:
        if role != "sysadmin" and (row.get(role) or "") in ("allow", "data", "meta"):
            return role
    return None


_TABLES: list[str] = []


def _state() -> tuple:
    """Row counts of every liuzhou_ table, and the audit chain's head (one query)."""
    if not _TABLES:
        _TABLES.extend(sorted(t for t in sa.inspect(model.meta.engine).get_table_names() if t.startswith("liuzhou_")))
    counts = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in _TABLES)  # nosec B608 — names from the catalog
    rows = model.Session.execute(sa.text(counts)).all()
    head = model.Session.execute(sa.text("SELECT max(id) FROM liuzhou_audit_log")).scalar()
    model.Session.rollback()
    return tuple(rows), head


def _hostile_dicts(base: dict):
    keys = sorted(set(FIELDS) | set(base))
    return st.tuples(
        st.dictionaries(st.sampled_from(keys), _value, max_size=6),   # hostile fields, missing or extra
        st.lists(st.sampled_from(sorted(base) or ["id"]), max_size=2, unique=True),  # base keys dropped
    ).map(lambda t: {**{k: v for k, v in base.items() if k not in t[1]}, **t[0]})


@pytest.mark.parametrize("action", _actions())
def test_hostile_data_is_refused_clearly_and_changes_nothing(targets, action):
    row = matrix.read(matrix.ACTIONS_CSV)[action]
    role = _allowed_role(row)
    if role is None:  # fuzzed as a sysadmin, the input checks behind the auth function would go untried
        pytest.fail(f"{action}: no role of the matrix but the sysadmin may call it; add the role that may "
                    "(as the requester column was added for share_request_withdraw)")
    user = targets.users[role]
    base = targets.resolve(row["data"], role)

    @given(_hostile_dicts(base))
    def check(data):
        before = _state()
        try:
            tk.get_action(action)({"user": user, "ignore_auth": False}, dict(data))
        except REFUSALS as e:
            model.Session.rollback()
            if isinstance(e, tk.ValidationError):
                assert isinstance(e.error_dict, dict) and e.error_dict, f"{action}: a refusal without field messages"
            assert _state() == before, f"{action} changed the database although it refused {data!r:.300}"
        finally:
            model.Session.rollback()
    check()
