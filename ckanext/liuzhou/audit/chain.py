"""Append to and verify the hash chain of ``liuzhou_audit_log``.

Each row stores ``prev_hash`` (the previous row's ``hash``; 64 zeros for the first) and
``hash = sha256(canonical_json(content) + prev_hash)``, where content is every column but
``id``, ``prev_hash`` and ``hash``, and canonical JSON has sorted keys, no spaces, UTF-8.
Appends are serialized by a transaction-scoped advisory lock, so concurrent writers never
fork the chain; the lock is held to the end of the writer's transaction, so append last.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa

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


def append(session=None, *, action: str, detail: Optional[dict] = None, **fields: Any) -> AuditLog:
    """Add one row at the end of the chain, in the caller's transaction (flushed, not committed)."""
    session = session or model.Session
    unknown = set(fields) - set(AuditLog.CONTENT)
    if unknown:
        raise TypeError(f"unknown audit fields: {sorted(unknown)}")
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    prev = session.execute(sa.text(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")).scalar()
    row = AuditLog(action=action, created=fields.pop("created", None) or dt.datetime.utcnow(),
                   detail=json.loads(canonical(detail or {})), **fields)
    row.prev_hash = prev or GENESIS
    row.hash = compute_hash(content_of(row), row.prev_hash)
    session.add(row)
    session.flush()
    return row


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
