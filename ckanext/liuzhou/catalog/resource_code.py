"""Resource codes (信息资源代码): ``<classification code>/<sequence>``, unique, never reused.

Classification code = 类 (1 digit: 1 base, 2 theme, 3 department) + 项 (2 digits: the
sub-class) + 目 (3 digits: the provider department's platform number). The sequence is six
digits per classification code. Numbers come from ``liuzhou_code_counter`` with one atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in a short transaction of its own, committed at
once: concurrent creations queue on the counter row only for that statement (not for the rest
of their create: saving, indexing), and a counter never goes back, so a code is never issued
twice even after its entry is deleted. A create that fails after its number was taken (past
validation: a database or Solr error) leaves a gap, never a reuse; a create refused by
validation takes no number (assign_resource_code runs last). Every issued code is also kept in
``liuzhou_resource_code`` (primary key = code), in the create's own transaction.
"""
from __future__ import annotations

import contextlib

import sqlalchemy as sa

from . import vocab

_BUMP = sa.text(
    "INSERT INTO liuzhou_code_counter (prefix, last_value) VALUES (:prefix, 1) "
    "ON CONFLICT (prefix) DO UPDATE SET last_value = liuzhou_code_counter.last_value + 1 "
    "RETURNING last_value"
)


@contextlib.contextmanager
def _own_transaction(session):
    """A connection for a transaction of its own (committed on leaving), or the session's.

    A session bound to a connection (a test's outer transaction) keeps everything in it.
    The own transaction commits without waiting for its WAL record to reach the disk
    (``synchronous_commit = off``): the counter row's lock goes at once instead of after a disk
    flush, and the create saves one flush. No code can be issued twice for it: a number is
    only ever used by the create's own transaction, which commits later and synchronously,
    and PostgreSQL writes the WAL in order, so that commit reaching the disk brings the bump
    with it; a crash before it loses at most numbers that no saved entry carries.
    """
    bind = session.get_bind()
    if not isinstance(bind, sa.engine.Engine):
        yield session
        return
    with bind.begin() as conn:
        conn.execute(_NO_FLUSH_WAIT)
        yield conn


_NO_FLUSH_WAIT = sa.text("SET LOCAL synchronous_commit TO OFF")


def _bump(conn, prefix: str) -> int:
    return int(conn.execute(_BUMP, {"prefix": prefix}).scalar())


_DEPARTMENT = sa.text("SELECT number FROM liuzhou_department_number WHERE org_id = :org")


def department_number(session, org_id: str) -> int:
    found = session.execute(_DEPARTMENT, {"org": org_id}).scalar()
    if found is not None:
        return int(found)
    with _own_transaction(session) as conn:
        number = _bump(conn, "department")
        conn.execute(
            sa.text("INSERT INTO liuzhou_department_number (org_id, number) VALUES (:org, :n) "
                    "ON CONFLICT (org_id) DO NOTHING"),
            {"org": org_id, "n": number},
        )
        return int(conn.execute(_DEPARTMENT, {"org": org_id}).scalar())


def classification_code(session, classification: str, subclass: str, org_id: str) -> str:
    return (vocab.CLASSIFICATION_DIGIT[classification] + vocab.SUBCLASS_NUMBER[subclass]
            + f"{department_number(session, org_id):03d}")


def next_code(session, classification: str, subclass: str, org_id: str, package_name: str = "") -> str:
    prefix = classification_code(session, classification, subclass, org_id)
    with _own_transaction(session) as conn:
        seq = _bump(conn, prefix)
    code = f"{prefix}/{seq:06d}"
    session.execute(
        sa.text("INSERT INTO liuzhou_resource_code (code, prefix, sequence, package_name) "
                "VALUES (:code, :prefix, :seq, :name)"),
        {"code": code, "prefix": prefix, "seq": seq, "name": package_name or ""},
    )
    return code


_BUMP_MANY = sa.text(
    "INSERT INTO liuzhou_code_counter (prefix, last_value) VALUES (:prefix, :n) "
    "ON CONFLICT (prefix) DO UPDATE SET last_value = liuzhou_code_counter.last_value + :n "
    "RETURNING last_value"
)


def next_codes(session, prefix: str, package_names: list[str]) -> list[str]:
    """``len(package_names)`` consecutive codes of one classification code, taken in one
    statement (catalog/bulk.py), kept in ``liuzhou_resource_code`` in the caller's transaction."""
    n = len(package_names)
    if not n:
        return []
    with _own_transaction(session) as conn:
        last = int(conn.execute(_BUMP_MANY, {"prefix": prefix, "n": n}).scalar())
    codes = [f"{prefix}/{seq:06d}" for seq in range(last - n + 1, last + 1)]
    session.execute(
        sa.text("INSERT INTO liuzhou_resource_code (code, prefix, sequence, package_name) "
                "VALUES (:code, :prefix, :seq, :name)"),
        [{"code": code, "prefix": prefix, "seq": last - n + 1 + i, "name": name or ""}
         for i, (code, name) in enumerate(zip(codes, package_names))],
    )
    return codes


def stored_code(pkg) -> str | None:
    """The code an existing entry already has (scheming keeps it as a package extra)."""
    extras = getattr(pkg, "extras", None) or {}
    return extras.get("resource_code") or None
