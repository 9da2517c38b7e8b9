"""The audit log (Art 25, 31) is append-only at the database level and hash-chained, so that
any change, removal or forgery is found by ``ckan liuzhou audit verify``."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import Session

import ckan.model as model
from ckan.tests import factories

from ckanext.liuzhou import audit
from ckanext.liuzhou.audit import chain
from ckanext.liuzhou.audit.cli import audit as audit_cli
from ckanext.liuzhou.audit.model import AuditLog


@pytest.fixture(scope="module")
def trail(departments):
    """Some history: a few decisions and reads, committed."""
    user = factories.User()
    for i in range(3):
        audit.record("share_request.approve", user["name"], actor_org="lzsgaj", share_request_id=f"r{i}",
                     detail={"from_state": "submitted", "to_state": "approved", "n": i, "note": "同意"})
    model.Session.commit()
    audit.record_read(user["name"], None, "res-1", purpose="资格核验")
    return user


def last_rows(conn, n=2):
    return conn.execute(sa.text(f"SELECT id, prev_hash, hash FROM liuzhou_audit_log ORDER BY id DESC LIMIT {n}")).all()


def test_each_row_links_to_the_previous_one_and_the_chain_verifies(trail):
    result = audit.verify()
    assert result.ok and result.rows >= 4, result.line()
    with model.meta.engine.connect() as conn:
        newer, older = last_rows(conn)
    assert newer.prev_hash == older.hash != newer.hash
    first = model.Session.query(AuditLog).order_by(AuditLog.id).first()
    assert first.prev_hash == chain.GENESIS


def test_a_read_records_who_for_which_department_what_and_why(trail):
    row = model.Session.query(AuditLog).filter_by(action="data.read").order_by(AuditLog.id.desc()).first()
    assert (row.actor_name, row.resource_id, row.purpose, row.object_type) == (trail["name"], "res-1", "资格核验", "resource")
    assert row.created is not None


@pytest.mark.parametrize("statement", [
    "UPDATE liuzhou_audit_log SET actor_name = 'someone else'",
    "UPDATE liuzhou_audit_log SET hash = hash WHERE id = (SELECT max(id) FROM liuzhou_audit_log)",
    "DELETE FROM liuzhou_audit_log WHERE id = (SELECT max(id) FROM liuzhou_audit_log)",
    "DELETE FROM liuzhou_audit_log",
    "TRUNCATE liuzhou_audit_log",
])
def test_the_database_refuses_to_change_or_remove_rows(trail, statement):
    model.Session.remove()  # no open ORM transaction may hold a lock TRUNCATE would wait for
    with model.meta.engine.connect() as conn:
        conn.execute(sa.text("SET lock_timeout = '10s'"))
        before = conn.execute(sa.text("SELECT count(*), max(hash) FROM liuzhou_audit_log")).one()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with conn.begin():
                conn.execute(sa.text(statement))
        assert conn.execute(sa.text("SELECT count(*), max(hash) FROM liuzhou_audit_log")).one() == before


def _verify_inside(conn):
    """Verify what this (uncommitted) transaction sees."""
    return chain.verify(Session(bind=conn))


def _tamper(sql, **params):
    """Run tampering SQL as the table owner would (triggers disabled) and verify, then undo it all."""
    with model.meta.engine.connect() as conn:
        tx = conn.begin()
        try:
            conn.execute(sa.text("ALTER TABLE liuzhou_audit_log DISABLE TRIGGER USER"))
            conn.execute(sa.text(sql), params)
            return _verify_inside(conn), last_rows(conn, 3)
        finally:
            tx.rollback()


def test_an_altered_row_is_found(trail):
    result, _ = _tamper("UPDATE liuzhou_audit_log SET purpose = '别的用途' "
                        "WHERE id = (SELECT max(id) FROM liuzhou_audit_log WHERE action = 'data.read')")
    assert not result.ok and "altered" in result.reason
    assert audit.verify().ok  # the real log is untouched


def test_a_removed_row_is_found_at_its_successor(trail):
    with model.meta.engine.connect() as conn:
        newest, middle, oldest = last_rows(conn, 3)
    result, _ = _tamper("DELETE FROM liuzhou_audit_log WHERE id = :id", id=middle.id)
    assert not result.ok and result.broken_id == newest.id and "removed" in result.reason


def test_a_forged_row_is_found(trail):
    """An INSERT needs no trigger bypass: a row written outside the platform breaks the chain."""
    with model.meta.engine.connect() as conn:
        tx = conn.begin()
        try:
            newest = last_rows(conn, 1)[0]
            forged = conn.execute(sa.text(
                "INSERT INTO liuzhou_audit_log (created, actor_name, action, detail, prev_hash, hash) "
                "VALUES (now(), 'authority', 'share_request.approve', '{}', :prev, :hash) RETURNING id"),
                {"prev": newest.hash, "hash": "f" * 64}).scalar()
            result = _verify_inside(conn)
            assert not result.ok and result.broken_id == forged and "forged" in result.reason
        finally:
            tx.rollback()


def test_the_verify_command_reports_the_first_broken_row(trail):
    ok = CliRunner().invoke(audit_cli, ["verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    with model.meta.engine.begin() as conn:
        newest = last_rows(conn, 1)[0]
        forged = conn.execute(sa.text(
            "INSERT INTO liuzhou_audit_log (created, action, detail, prev_hash, hash) "
            "VALUES (now(), 'data.read', '{}', :prev, :hash) RETURNING id"),
            {"prev": newest.hash, "hash": "0" * 63 + "1"}).scalar()
    try:
        model.Session.remove()
        bad = CliRunner().invoke(audit_cli, ["verify"])
        assert bad.exit_code == 1 and f"BROKEN at row {forged}" in bad.output
    finally:  # clean up as the owner: the only way a row can leave (the forged row, and the
        # audit.verify row the failed check appended after it)
        with model.meta.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE liuzhou_audit_log DISABLE TRIGGER USER"))
            conn.execute(sa.text("DELETE FROM liuzhou_audit_log WHERE id >= :id"), {"id": forged})
            conn.execute(sa.text("ALTER TABLE liuzhou_audit_log ENABLE TRIGGER USER"))
    assert audit.verify().ok


def test_concurrent_appends_keep_one_chain(trail):
    writers, each = 8, 10
    barrier = threading.Barrier(writers, timeout=20)
    errors: list = []

    def write(w):
        session = Session(bind=model.meta.engine)
        try:
            barrier.wait()
            for i in range(each):
                chain.append(session, action="data.read", actor_name=f"writer{w}", detail={"i": i})
                session.commit()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            session.close()
    before = audit.verify().rows
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    result = audit.verify()
    assert result.ok, result.line()
    assert result.rows == before + writers * each
    with model.meta.engine.connect() as conn:
        forks = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT prev_hash FROM liuzhou_audit_log GROUP BY prev_hash HAVING count(*) > 1) f")).scalar()
    assert forks == 0


def test_an_open_transaction_does_not_hold_the_chain(trail):
    """The chain lock is taken at commit, not at the append: a writer whose transaction is
    still open (an action half-way) does not block another writer, and both rows chain up."""
    slow, fast = Session(bind=model.meta.engine), Session(bind=model.meta.engine)
    try:
        slow.execute(sa.text("SELECT 1"))
        chain.append(slow, action="data.read", actor_name="slow writer", detail={})
        fast.execute(sa.text("SET lock_timeout = '10s'"))  # fails instead of hanging if the lock were held
        chain.append(fast, action="data.read", actor_name="fast writer", detail={})
        fast.commit()
        slow.commit()
    finally:
        slow.close()
        fast.close()
    rows = model.Session.query(AuditLog).order_by(AuditLog.id.desc()).limit(2).all()
    assert [r.actor_name for r in rows] == ["slow writer", "fast writer"]
    assert rows[0].prev_hash == rows[1].hash
    assert audit.verify().ok


def test_a_rolled_back_transaction_leaves_no_row(trail):
    before = audit.verify().rows
    session = Session(bind=model.meta.engine)
    try:
        chain.append(session, action="data.read", actor_name="rolled back", detail={})
        session.rollback()
        session.commit()  # nothing kept aside survives the rollback
    finally:
        session.close()
    model.Session.remove()
    result = audit.verify()
    assert result.ok and result.rows == before
    assert not model.Session.query(AuditLog).filter_by(actor_name="rolled back").count()
