"""Append to and verify the hash chain of ``liuzhou_audit_log``.

Each row stores ``prev_hash`` (the previous row's ``hash``; 64 zeros for the first) and
``hash = sha256(canonical_json(content) + prev_hash)``, where content is every column but
``id``, ``prev_hash`` and ``hash``, and canonical JSON has sorted keys, no spaces, UTF-8.
Appends are serialized by a transaction-scoped advisory lock, so concurrent writers never
fork the chain. The lock is taken only when the writer's transaction commits: ``append`` keeps
the row aside on the session, and the session's ``before_commit`` (after CKAN's own, which
indexes in Solr) takes the lock, reads the chain head, hashes and inserts the rows; COMMIT
then releases it. So the lock is held for one insert and the commit, never for a whole action,
and a rolled-back transaction leaves no row and no gap in the chain.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

import ckan.model as model

from .model import TABLE, AuditLog

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "liuzhou audit" as a stable 63-bit number
LOCK_KEY = int.from_bytes(hashlib.sha256(b"liuzhou_audit_log").digest()[:8], "big") >> 1


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return str(value)


def content_of(row: AuditLog) -> dict[str, Any]:
    out = {k: getattr(row, k) for k in AuditLog.CONTENT}
    out["created"] = row.created.isoformat(timespec="microseconds")
    return out


def compute_hash(content: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256((canonical(content) + prev_hash).encode("utf-8")).hexdigest()


PENDING = "liuzhou_audit_pending"


def _real(session):
    return session() if isinstance(session, scoped_session) else session


def append(session=None, *, action: str, detail: Optional[dict] = None, **fields: Any) -> AuditLog:
    """Add one row at the end of the chain when the caller's transaction commits.

    The row is written (linked, hashed, inserted) in that commit, atomically with the caller's
    changes; until then it has no ``id``, ``prev_hash`` or ``hash``, and a rollback drops it.
    """
    session = _real(session or model.Session)
    unknown = set(fields) - set(AuditLog.CONTENT)
    if unknown:
        raise TypeError(f"unknown audit fields: {sorted(unknown)}")
    row = AuditLog(action=action, created=fields.pop("created", None) or dt.datetime.utcnow(),
                   detail=json.loads(canonical(detail or {})), **fields)
    session.connection()  # begins the transaction the row belongs to, if none is open yet
    session.info.setdefault(PENDING, []).append(row)
    return row


def write_pending(session) -> list[AuditLog]:
    """Link and insert the rows kept aside on ``session``; the chain lock is then held to COMMIT."""
    rows = session.info.pop(PENDING, None)
    if not rows:
        return []
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    prev = session.execute(sa.text(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")).scalar() or GENESIS
    for row in rows:
        row.prev_hash = prev
        row.hash = prev = compute_hash(content_of(row), prev)
        session.add(row)
    session.flush()
    return rows


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    # Registered after CKAN's own before_commit (ckan.model is imported above), so the Solr
    # indexing of the transaction's packages is done before the lock is taken.
    write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    # A rollback, or a close without commit: the rows kept aside go with the transaction.
    if transaction.parent is None and not transaction.nested:
        session.info.pop(PENDING, None)


@dataclass
class Verification:
    ok: bool
    rows: int
    broken_id: Optional[int] = None
    reason: str = ""

    def line(self) -> str:
        if self.ok:
            return f"audit log intact: {self.rows} rows, chain verified"
        return f"audit log BROKEN at row {self.broken_id}: {self.reason} ({self.rows} rows checked before it)"


def verify(session=None, batch: int = 2000) -> Verification:
    """Recompute the chain from the first row; report the first row that does not fit."""
    session = session or model.Session
    prev, count = GENESIS, 0
    query = session.query(AuditLog).order_by(AuditLog.id).execution_options(stream_results=True)
    for row in query.yield_per(batch):
        if row.prev_hash != prev:
            return Verification(False, count, row.id,
                                "prev_hash does not match the previous row's hash (a row was removed, inserted or reordered)")
        if compute_hash(content_of(row), row.prev_hash) != row.hash:
            return Verification(False, count, row.id, "hash does not match the row's content (the row was altered or forged)")
        prev = row.hash
        count += 1
    return Verification(True, count)
