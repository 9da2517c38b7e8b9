"""package_create saves the entry and its Art 17 check (information-item names, warnings, the
audit row) in one transaction, committed once: never an entry without its check, and a
caller's ``defer_commit`` is still the caller's."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou import authz
from ckanext.liuzhou.lifecycle import duplicates
from tests.conftest import make_user

from .conftest import counts, department_entry, entry

pytestmark = pytest.mark.usefixtures("departments")


def _exists(name: str) -> bool:
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT count(*) FROM package WHERE name = :n"), {"n": name}).scalar())


def _item_names(package_id: str) -> int:
    with model.meta.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM liuzhou_item_name WHERE package_id = :p"),
                                {"p": package_id}).scalar())


def test_the_entry_and_its_item_names_are_committed_together(call_as):
    editor = make_user("lzsgaj", "editor")["name"]
    created = call_as(editor, "package_create", **entry(title="同一事务的人口目录", name="one-commit-saved"))
    assert _exists("one-commit-saved")
    assert _item_names(created["id"]) == 2
    assert created["duplicate_warnings"] == []


def test_a_failing_art17_check_leaves_no_entry_and_no_code(call_as, monkeypatch):
    editor = make_user("lzsgaj", "editor")["name"]

    def broken(*args, **kwargs):
        raise RuntimeError("the Art 17 check failed")
    monkeypatch.setattr(duplicates, "check_package", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        call_as(editor, "package_create", **entry(title="检查失败的人口目录", name="one-commit-failed"))
    model.Session.rollback()   # what the web request's teardown does
    assert not _exists("one-commit-failed")
    after = counts()
    assert (after.packages, after.codes_issued) == (before.packages, before.codes_issued)
    assert after.counter_total >= before.counter_total   # a gap at most, never a number given back


def test_a_caller_that_defers_the_commit_commits_itself():
    editor = make_user("lzsjyj", "editor")["name"]
    context = {"user": editor, "ignore_auth": False, "defer_commit": True}
    tk.get_action("package_create")(context, department_entry("lzsjyj", title="调用方提交", name="one-commit-deferred"))
    assert context["defer_commit"] is True
    model.Session.rollback()
    assert not _exists("one-commit-deferred")


def test_the_callers_context_is_left_as_it_was():
    editor = make_user("lzsjyj", "editor")["name"]
    context = {"user": editor, "ignore_auth": False}
    tk.get_action("package_create")(context, department_entry("lzsjyj", title="上下文不变", name="one-commit-context"))
    assert "defer_commit" not in context
    assert _exists("one-commit-context")


def test_the_roles_memo_outlives_a_new_entry_in_the_department(call_as):
    """CKAN adds every new entry to its department (a Member row of the package): that is no
    change of anyone's role, so the user's memberships are not read again."""
    editor = make_user("lzsgaj", "editor")
    model.Session.remove()
    user = model.User.get(editor["id"])
    org = model.Group.get("lzsgaj")
    assert authz.memberships(user) == {org.id: "editor"}
    model.Session.add(model.Member(table_name="package", table_id="one-commit-probe", group=org,
                                   capacity="organization", state="active"))
    statements: list[str] = []
    count = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        assert authz.memberships(user) == {org.id: "editor"}
        assert not [s for s in statements if "FROM member" in s]
        model.Session.add(model.Member(table_name="user", table_id=user.id, group=org,
                                       capacity="admin", state="active"))
        model.Session.flush()
        assert authz.memberships(user)[org.id] in ("editor", "admin")
        assert [s for s in statements if "FROM member" in s]   # a role change is read again
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
        model.Session.rollback()


def test_only_the_counters_own_transaction_skips_the_wait_for_the_disk(call_as):
    """Art 13 codes never reused: the counter's short transaction commits without waiting for
    the disk flush, the create's own transaction (which carries the code) waits as always."""
    editor = make_user("lzsgaj", "editor")["name"]
    seen: list[tuple[int, str]] = []
    record = lambda conn, cursor, statement, *a: seen.append((id(conn.connection.dbapi_connection), statement))  # noqa: E731
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        created = call_as(editor, "package_create", **entry(title="计数器事务的人口目录", name="one-commit-counter"))
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert created["resource_code"]
    relaxed = {conn for conn, s in seen if "synchronous_commit" in s}
    bumped = {conn for conn, s in seen if "INSERT INTO liuzhou_code_counter" in s}
    saved = {conn for conn, s in seen if s.startswith("INSERT INTO package ")}
    assert relaxed and relaxed == bumped
    assert not relaxed & saved
    assert model.Session.execute(sa.text("SHOW synchronous_commit")).scalar() == "on"
