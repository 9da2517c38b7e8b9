"""The authorization matrix: every action of CKAN's action table (core, its plugins, this
extension) and every auth function of the extension, × every role, against ``authz_matrix.csv``.

Each cell calls ``check_access`` and then the action itself (``mode=real``; inside a
transaction that is rolled back, ``defer_commit``), so both the auth function and the access
rules run (a refusal is called through only for the roles of ``ALWAYS_CALLED``). Outcomes:
``deny`` (NotAuthorized), ``allow`` (the action ran, or stopped on the data: ValidationError /
NotFound after the auth check), and for the actions that return
resources ``data`` (the resource's location is given: the user may read the data) or ``meta``
(the entry without a location). An action without a row, or a row without an action, fails:
a new action (of the extension or of a plugin) must get a row. Each row's ``note`` names the
rule it follows (the article and the module of the extension's auth function, or "stock auth"
and the module of CKAN's or a plugin's own), checked against the auth function CKAN resolves.

``HARDENING_RECORD=1`` rewrites the table with what was observed (for review in the diff).
"""
from __future__ import annotations

import os

import pytest

import ckan.authz as authz
import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from . import matrix
from .conftest import ROLES

DATA_ACTIONS = {"package_show", "resource_show", "package_search", "current_package_list_with_resources",
                "resource_search"}
# Roles for which a refused action is also called (proving the action itself checks access);
# for the others a refusal by check_access is the outcome (the suite stays fast).
ALWAYS_CALLED = {"anonymous", "unrelated", "consumer_out"}
HEADER = """\
# The authorization matrix of the action API (tests/hardening/test_authz_matrix.py).
# Rows: every action of CKAN's action table (core, plugins, this extension) and every auth function of the extension.
# Roles: anonymous; unrelated = admin of 市教育局; consumer_in / consumer_out = members of 人社局 inside / outside the scope
# of its delivered request; requester = the 人社局 member who filed the requests; provider_editor / provider_admin of
# 市公安局; authority = admin of 市大数据发展局; operator = member of 市信息化建设管理中心; county_in / county_out = admin
# of 柳江区大数据发展局 acting on objects of its county / of the city; sysadmin.
# Outcomes: deny = NotAuthorized; allow = passes the auth check (the call may then stop on the data it was given);
# data = allowed and the resource location is given (may read the data); meta = allowed, entry without location.
# data: the data dict sent ($name = an object of tests/hardening/conftest.py); mode: real = check_access and the call
# (rolled back), auth = check_access only (CKAN core actions that commit whatever the context says).
# note: the rule the row follows (article and module), or "stock auth (module)" for CKAN's and plugins' own rules: a
# recorded cell that changes says which rule it breaks.
"""


def _auth_function(name: str):
    """The auth function CKAN resolves for ``name`` (a chained one is a partial of it)."""
    function = authz._AuthFunctions.get(name)
    function = getattr(function, "func", function)
    return getattr(function, "__wrapped__", function)


def _own(name: str) -> bool:
    return (getattr(_auth_function(name), "__module__", None) or "").startswith("ckanext.liuzhou")


def expected_actions() -> set[str]:
    """CKAN's registered action table and its auth table (every plugin loaded): an auth function
    guards a path of its own too (``resource_data_read``: every data read)."""
    tk.get_action("package_show")  # builds the table
    return set(logic._actions) | set(authz.auth_functions_list())


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


def test_every_row_states_the_rule_it_follows():
    """The note of a row on the extension's auth names the article or the capability's module;
    a row on CKAN's or a plugin's auth says so, with the module."""
    wrong = []
    for action, row in matrix.read(matrix.ACTIONS_CSV).items():
        note = (row.get("note") or "").strip()
        stock = note.startswith("stock auth")
        if action in expected_actions() and _own(action) == stock:
            wrong.append(f"{action}: {'the extension' if stock else 'stock CKAN'} decides, the note says {note!r}")
        elif not stock and not (note.startswith("Art ") or ".py" in note):
            wrong.append(f"{action}: the note names no rule: {note!r}")
    assert not wrong, "\n".join(wrong)


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
