"""States and their labels come from one place: ``states.LISTED`` and the label tables, read by
``liuzhou_lifecycle_states`` for every list page's filters."""
from __future__ import annotations

import re

import pytest

from ckanext.liuzhou.lifecycle import states
from ckanext.liuzhou.lifecycle.helpers import lifecycle_labels, liuzhou_lifecycle_states

pytestmark = pytest.mark.usefixtures("world")

# the list action (and its parameter) each kind of filter is sent to
LIST_OF = {"catalog_offline": ("catalog_offline_list", "state"), "resource_offline": ("resource_offline_list", "state"),
           "account_request": ("account_request_list", "state"), "violation": ("violation_list", "state"),
           "stage": ("information_system_list", "stage")}


@pytest.mark.parametrize("kind", sorted(states.LISTED))
def test_every_listed_state_has_a_label_and_is_accepted_by_its_list(kind, call_as, world):
    labels = lifecycle_labels()[kind]
    assert [s["value"] for s in liuzhou_lifecycle_states(kind)] == list(states.LISTED[kind])
    assert all(s["label"] == labels[s["value"]] for s in liuzhou_lifecycle_states(kind))
    action, param = LIST_OF[kind]
    for value in states.LISTED[kind]:
        call_as(world.authority, action, **{param: value})   # a ValidationError would fail the test


def test_the_list_pages_offer_exactly_the_listed_states_in_chinese(app, world, token):
    html = app.get("/lifecycle/resource-offline", headers=token(world.authority)).get_data(as_text=True)
    offered = re.findall(r'href="/lifecycle/resource-offline\?state=(\w+)"', html)
    assert offered == list(states.RESOURCE_STATES)
    for label in ("待审批", "公示中"):
        assert label in html
    html = app.get("/lifecycle/systems", headers=token(world.authority)).get_data(as_text=True)
    assert re.findall(r'href="/lifecycle/systems\?stage=(\w+)"', html) == list(states.STAGES)
