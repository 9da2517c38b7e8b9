"""The authorization matrix: every action the extension registers, every CKAN core action it
chains or whose auth function it replaces, × every role, against ``authz_matrix.csv``.

Each cell calls ``check_access`` and then the action itself (``mode=real``; inside a
transaction that is rolled back, ``defer_commit``), so both the auth function and the access
rules run (a refusal is called through only for the roles of ``ALWAYS_CALLED``). Outcomes:
``deny`` (NotAuthorized), ``allow`` (the action ran, or stopped on the data: ValidationError /
NotFound after the auth check), and for the actions that return
resources ``data`` (the resource's location is given: the user may read the data) or ``meta``
(the entry without a location). An action without a row, or a row without an action, fails.

``HARDENING_RECORD=1`` rewrites the table with what was observed (for review in the diff).
"""
from __future__ import annotations

import os

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from ckanext.liuzhou import registry

from . import matrix
from .conftest import ROLES

DATA_ACTIONS = {"package_show", "resource_show", "package_search", "current_package_list_with_resources",
                "resource_search"}
# Roles for which a refused action is also called (proving the action itself checks access);
# for the others a refusal by check_access is the outcome (the suite stays fast).
ALWAYS_CALLED = {"anonymous", "unrelated", "consumer_out"}
HEADER = """\
# The authorization matrix of the action API (tests/hardening/test_authz_matrix.py).
# Roles: anonymous; unrelated = admin of 市教育局; consumer_in / consumer_out = members of 人社局 inside / outside the scope
# of its delivered request; provider_editor / provider_admin of 市公安局; authority = admin of 市大数据发展局;
# operator = member of 市信息化建设管理中心; county_in / county_out = admin of 柳江区大数据发展局 acting on objects of
# its county / of the city; sysadmin.
# Outcomes: deny = NotAuthorized; allow = passes the auth check (the call may then stop on the data it was given);
# data = allowed and the resource location is given (may read the data); meta = allowed, entry without location.
# data: the data dict sent ($name = an object of tests/hardening/conftest.py); mode: real = check_access and the call
# (rolled back), auth = check_access only (CKAN core actions that commit whatever the context says).
"""


def expected_actions() -> set[str]:
    """The extension's actions and the core actions whose auth function it replaces."""
    return set(registry.actions()) | set(registry.auth_functions())


def _find_urls(action: str, result, targets, role: str) -> list[str] | None:
    entry_id = targets.resolve("$entry_id", role)
    if action == "package_show":
        return [r.get("url") for r in result.get("resources", [])]
    if action == "resource_show":
        return [result.get("url")]
    packages = result.get("results") if isinstance(result, dict) else result
    if action == "resource_search":
        return [r.get("url") for r in packages if r.get("package_id") == entry_id] or None
    for pkg in packages or []:
        if isinstance(pkg, dict) and pkg.get("id") == entry_id:
            return [r.get("url") for r in pkg.get("resources", [])]
    return None


def observe(action: str, row: dict, role: str, targets) -> str:
    user = targets.users[role]
    payload = targets.resolve(row["data"], role)

    def context() -> dict:
        return {"user": user or "", "ignore_auth": False, "defer_commit": True}
    try:
        tk.check_access(action, context(), dict(payload))
        auth = "allow"
    except tk.NotAuthorized:
        auth = "deny"
    except Exception as e:  # noqa: BLE001 — any other outcome is reported in the cell
        auth = f"auth-error:{type(e).__name__}"
    finally:
        model.Session.rollback()
    if row.get("mode") == "auth" or (auth == "deny" and role not in ALWAYS_CALLED):
        return auth
    try:
        result = tk.get_action(action)(context(), dict(payload))
        call = "allow"
        if action in DATA_ACTIONS:
            urls = _find_urls(action, result, targets, role)
            if urls:
                call = "data" if all(urls) else "meta" if not any(urls) else "mixed"
    except tk.NotAuthorized:
        call = "deny"
    except tk.ObjectNotFound:  # some core actions look the object up before the auth check
        call = "deny" if auth == "deny" else "allow"
    except (tk.ValidationError, SearchError):
        call = "allow"
    except Exception as e:  # a server error: reported in the cell
        call = f"error:{type(e).__name__}:{e}"[:120]
    finally:
        model.Session.rollback()
    if auth == "deny" and call != "deny":
        return f"LEAK:{call}"
    return call


def test_every_action_has_a_row():
    rows = matrix.read(matrix.ACTIONS_CSV)
    missing = sorted(expected_actions() - set(rows))
    stale = sorted(set(rows) - expected_actions())
    assert not missing, f"actions without a row in {matrix.ACTIONS_CSV.name}: {', '.join(missing)}"
    assert not stale, f"rows of {matrix.ACTIONS_CSV.name} naming no action: {', '.join(stale)}"


def test_each_cell_of_the_action_matrix(targets):
    rows = matrix.read(matrix.ACTIONS_CSV)
    record = os.environ.get("HARDENING_RECORD") == "1"
    mismatches, observed = [], {}
    for action in sorted(expected_actions() & set(rows)):
        row = rows[action]
        observed[action] = dict(row)
        for role in ROLES:
            got = observe(action, row, role, targets)
            observed[action][role] = got
            if got != (row.get(role) or "").strip():
                mismatches.append(f"{action} × {role}: expected {row.get(role)!r}, got {got!r}")
    if record:
        matrix.write(matrix.ACTIONS_CSV, HEADER, "action", observed)
        pytest.skip("recorded")
    assert not mismatches, f"{len(mismatches)} cells differ:\n" + "\n".join(mismatches)
