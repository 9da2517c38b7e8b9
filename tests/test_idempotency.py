"""Idempotency keys are kept for a week, then the scheduler's prune task deletes them
(idempotency.py; the keys themselves: tests/sharing/test_idempotency.py)."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model

from ckanext.liuzhou import idempotency
from ckanext.liuzhou.cascade import schedule

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = dt.datetime(2026, 12, 6, 4, 0)


def _key(name: str, age: dt.timedelta) -> None:
    model.Session.add(idempotency.IdempotencyKey(user_id="u1", action="share_request_create", key=name,
                                                 object_id=f"obj-{name}", created=NOW - age))
    model.Session.commit()


def _keys() -> list[str]:
    return sorted(k.key for k in model.Session.query(idempotency.IdempotencyKey))


def test_keys_older_than_a_week_are_deleted_the_others_kept():
    _key("old", idempotency.KEEP + dt.timedelta(minutes=1))
    _key("recent", idempotency.KEEP - dt.timedelta(minutes=1))
    _key("new", dt.timedelta(0))
    assert idempotency.prune(NOW) == 1
    assert _keys() == ["new", "recent"]
    assert idempotency.prune(NOW) == 0


def test_a_kept_key_still_returns_its_object():
    _key("recent", dt.timedelta(days=6))
    idempotency.prune(NOW)
    assert idempotency.claim({}, "u1", "share_request_create", "recent") == "obj-recent"


def test_the_schedulers_prune_task_deletes_them():
    _key("old", dt.timedelta(days=30))
    message = schedule.run_prune(NOW)
    assert "1 idempotency keys older than 7 days deleted" in message
    assert _keys() == []
