"""The share request state machine (sharing/states.py, Art 26, 31) on its own: which event may
start from which state, where it leads, and in which states the consumer reads the data.

The scenario suites (test_transitions.py, test_role_matrix.py) drive the machine through the
actions; these tests read it as the table the articles describe, so a changed edge fails here
with the rule it breaks."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.sharing import states as s

pytestmark = pytest.mark.usefixtures("with_request_context")  # tk._ in the refusal's message

# event → (the states it may start from, where it leads; None: decided by the action)
ARTICLES = {
    "approve": ({s.SUBMITTED}, s.APPROVED),          # Art 26.2: the provider decides a submitted request
    "reject": ({s.SUBMITTED}, s.REJECTED),
    "withdraw": ({s.SUBMITTED, s.AUTHORITY_REVIEW}, s.WITHDRAWN),  # the consumer gives it up before the decision
    # graded data (《政务数据共享条例》 security chapter): the Authority approves after the provider
    "authority_approve": ({s.AUTHORITY_REVIEW}, s.APPROVED),
    "authority_reject": ({s.AUTHORITY_REVIEW}, s.REJECTED),
    "deliver": ({s.APPROVED, s.FIXED}, s.DELIVERED),  # Art 26.4: the Operator delivers (again once fixed)
    "quality_issue": ({s.DELIVERED}, s.QUALITY_ISSUE),  # Art 26.5
    "resolve": ({s.QUALITY_ISSUE}, s.FIXED),
    "coordination_open": (set(s.STATES) - {s.WITHDRAWN, s.TERMINATED, s.EXPIRED, s.COORDINATING},
                          s.COORDINATING),           # Art 26.3: at any open point
    "coordination_close": ({s.COORDINATING}, None),  # the meeting's outcome decides
    "suspend": ({s.APPROVED, s.DELIVERED, s.QUALITY_ISSUE, s.FIXED}, s.SUSPENDED),  # Art 31
    "resume": ({s.SUSPENDED}, None),                 # back to the state it was suspended from
    "terminate": ({s.APPROVED, s.DELIVERED, s.QUALITY_ISSUE, s.FIXED, s.SUSPENDED}, s.TERMINATED),
    "expire": (set(s.STATES) - {s.WITHDRAWN, s.TERMINATED, s.EXPIRED}, s.EXPIRED),  # validity ends
}


def test_the_machine_is_the_table_of_the_articles():
    assert {event: (set(starts), to) for event, (starts, to) in s.TRANSITIONS.items()} == ARTICLES


@pytest.mark.parametrize("event", sorted(ARTICLES))
def test_each_event_is_refused_from_every_other_state_naming_the_state(event):
    starts, to = ARTICLES[event]
    for state in s.STATES:
        if state in starts:
            s.check(event, state)  # allowed: no error
            continue
        with pytest.raises(tk.ValidationError) as e:
            s.check(event, state)
        assert list(e.value.error_dict) == ["state"]
        assert state in e.value.error_dict["state"][0], (event, state)
    assert s.target(event) == to


def test_final_states_have_no_way_out():
    for state in s.FINAL:
        assert [event for event, (starts, _to) in s.TRANSITIONS.items() if state in starts] == []
    assert s.OPEN == frozenset(s.STATES) - s.FINAL


def test_every_coordination_outcome_is_a_state_or_back_to_where_it_was():
    assert set(s.COORDINATION_OUTCOMES) == {"approved", "rejected", "continue", "withdrawn", "terminated"}
    assert s.COORDINATION_OUTCOMES["continue"] is None
    assert {v for v in s.COORDINATION_OUTCOMES.values() if v} <= set(s.STATES)


@pytest.mark.parametrize("state, previous, reads", [
    (s.DELIVERED, None, True), (s.QUALITY_ISSUE, None, True), (s.FIXED, None, True),
    (s.COORDINATING, s.DELIVERED, True),   # coordination does not cut off delivered data
    (s.COORDINATING, s.SUBMITTED, False),  # nor opens undelivered data
    (s.SUBMITTED, None, False), (s.APPROVED, None, False), (s.SUSPENDED, s.DELIVERED, False),
    (s.TERMINATED, s.DELIVERED, False), (s.EXPIRED, s.DELIVERED, False), (s.REJECTED, None, False),
])
def test_the_consumer_reads_only_while_the_data_is_delivered(state, previous, reads):
    assert s.has_access(state, previous) is reads


def test_deadlines_are_the_providers_3_and_the_fixers_2_working_days():
    assert s.DEADLINE_WORKDAYS == {s.SUBMITTED: 3, s.QUALITY_ISSUE: 2, s.AUTHORITY_REVIEW: 3}  # the Authority on graded data
