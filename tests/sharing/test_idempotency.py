"""Idempotency keys of the create actions (ckanext/liuzhou/idempotency.py): the same key sent
twice by the same user makes one object; different keys make two; another user's same key is
that user's own."""
from __future__ import annotations

import uuid

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.idempotency import IdempotencyKey
from ckanext.liuzhou.sharing.model import ShareRequestEvent

pytestmark = pytest.mark.usefixtures("world")


def _made(key: str) -> set[str]:
    model.Session.remove()
    return {r.object_id for r in model.Session.query(IdempotencyKey).filter_by(key=key)}


def test_the_same_key_twice_makes_one_request(call_as, world, request_data):
    key = uuid.uuid4().hex
    first = call_as(world.consumer_member, "share_request_create", idempotency_key=key, **request_data())
    again = call_as(world.consumer_member, "share_request_create", idempotency_key=key,
                    **request_data(purpose="重发的同一张表单"))
    assert again["id"] == first["id"] and again["purpose"] == first["purpose"]
    assert _made(key) == {first["id"]}
    created = model.Session.query(ShareRequestEvent).filter_by(share_request_id=first["id"], event="create")
    assert created.count() == 1


def test_different_keys_make_two_requests(call_as, world, request_data):
    one = call_as(world.consumer_member, "share_request_create", idempotency_key=uuid.uuid4().hex, **request_data())
    two = call_as(world.consumer_member, "share_request_create", idempotency_key=uuid.uuid4().hex, **request_data())
    assert one["id"] != two["id"]


def test_another_users_key_does_not_collide(call_as, world, request_data):
    key = uuid.uuid4().hex
    mine = call_as(world.consumer_member, "share_request_create", idempotency_key=key, **request_data())
    theirs = call_as(world.consumer_admin, "share_request_create", idempotency_key=key, **request_data())
    assert theirs["id"] != mine["id"]
    assert theirs["requester"] != mine["requester"]
    assert _made(key) == {mine["id"], theirs["id"]}


def test_a_refused_call_claims_nothing_and_a_bad_key_is_refused(call_as, world, request_data):
    key = uuid.uuid4().hex
    with pytest.raises(tk.ValidationError):
        call_as(world.consumer_member, "share_request_create", idempotency_key=key,
                **request_data(valid_until="2020-01-01"))
    assert _made(key) == set()
    made = call_as(world.consumer_member, "share_request_create", idempotency_key=key, **request_data())
    assert _made(key) == {made["id"]}
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.consumer_member, "share_request_create", idempotency_key="a b<c>", **request_data())
    assert "idempotency_key" in e.value.error_dict
