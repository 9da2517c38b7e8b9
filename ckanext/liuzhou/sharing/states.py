"""The share request state machine (Art 26, 31): states, transitions, deadlines, access.

::

    submitted ──approve──▶ approved ──deliver──▶ delivered ──quality_issue──▶ quality_issue
        │  └──reject───▶ rejected                   ▲                              │
        └──withdraw──▶ withdrawn                    └──────deliver────── fixed ◀──resolve
    submitted ──approve (entry graded 重要 / 核心)──▶ authority_review
        authority_review ──authority_approve──▶ approved
        authority_review ──authority_reject───▶ rejected ;  ──withdraw──▶ withdrawn
    any open state ──coordination_open──▶ coordinating ──coordination_close──▶ (outcome)
    approved/delivered/quality_issue/fixed ──suspend──▶ suspended ──resume──▶ (previous)
    … ──terminate──▶ terminated ;  validity ends ──expire──▶ expired

Deadlines (working days, day 0 = the day the state is entered): a submitted request is the
provider's to decide within 3 WD; a request for an entry graded 重要 or 核心 that the provider
approved is the Authority's to approve within 3 WD (《政务数据共享条例》, security chapter:
graded data); an open quality issue is the responsible party's to fix within 2 WD. Other
states set no deadline.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk

SUBMITTED, APPROVED, REJECTED, WITHDRAWN = "submitted", "approved", "rejected", "withdrawn"
COORDINATING, DELIVERED, QUALITY_ISSUE, FIXED = "coordinating", "delivered", "quality_issue", "fixed"
SUSPENDED, TERMINATED, EXPIRED = "suspended", "terminated", "expired"
AUTHORITY_REVIEW = "authority_review"

STATES = (SUBMITTED, APPROVED, REJECTED, WITHDRAWN, COORDINATING, DELIVERED, QUALITY_ISSUE,
          FIXED, SUSPENDED, TERMINATED, EXPIRED, AUTHORITY_REVIEW)
FINAL = frozenset({WITHDRAWN, TERMINATED, EXPIRED})
OPEN = frozenset(STATES) - FINAL
# The consumer's scoped users may read in these states (and while coordinating from one of them).
ACCESS = frozenset({DELIVERED, QUALITY_ISSUE, FIXED})
# working days the responsible party has in a state
DEADLINE_WORKDAYS = {SUBMITTED: 3, QUALITY_ISSUE: 2, AUTHORITY_REVIEW: 3}
# states whose deadline is a decision (the provider's, or the Authority's on graded data)
DECISIONS = (SUBMITTED, AUTHORITY_REVIEW)
QUALITY_WINDOW_WORKDAYS = 2

KINDS = ("share", "negotiation")  # conditional entries / not-shared entries (Art 26)

# event → states it may start from; the target is fixed, or decided by the action (None)
TRANSITIONS: dict[str, tuple[frozenset[str], Optional[str]]] = {
    "approve": (frozenset({SUBMITTED}), APPROVED),
    "reject": (frozenset({SUBMITTED}), REJECTED),
    "withdraw": (frozenset({SUBMITTED, AUTHORITY_REVIEW}), WITHDRAWN),
    "authority_approve": (frozenset({AUTHORITY_REVIEW}), APPROVED),
    "authority_reject": (frozenset({AUTHORITY_REVIEW}), REJECTED),
    "coordination_open": (OPEN - {COORDINATING}, COORDINATING),
    "coordination_close": (frozenset({COORDINATING}), None),
    "deliver": (frozenset({APPROVED, FIXED}), DELIVERED),
    "quality_issue": (frozenset({DELIVERED}), QUALITY_ISSUE),
    "resolve": (frozenset({QUALITY_ISSUE}), FIXED),
    "suspend": (frozenset({APPROVED, DELIVERED, QUALITY_ISSUE, FIXED}), SUSPENDED),
    "resume": (frozenset({SUSPENDED}), None),
    "terminate": (frozenset({APPROVED, DELIVERED, QUALITY_ISSUE, FIXED, SUSPENDED}), TERMINATED),
    "expire": (OPEN, EXPIRED),
}

# outcomes the arbiter may record when closing a coordination, and the state each leads to
COORDINATION_OUTCOMES = {
    "approved": APPROVED,    # the provider agrees to share (again): the Operator delivers
    "rejected": REJECTED,    # the request stays refused
    "continue": None,        # back to where the request was before coordination
    "withdrawn": WITHDRAWN,  # the consumer gives the request up
    "terminated": TERMINATED,
}

REJECTION_REASONS = (
    "no_legal_basis",       # 申请依据不足
    "outside_duties",       # 超出申请部门职责范围
    "scope_too_broad",      # 申请的信息项或知悉范围超出必要
    "conditions_not_met",   # 不满足共享条件
    "data_unavailable",     # 数据暂不具备共享条件
    "security",             # 涉及国家秘密或安全
    "incomplete_request",   # 申请材料不完整
    "other",                # 其他
)
SHARING_METHODS = ("platform", "email", "media")


def check(event: str, state: str) -> None:
    """Refuse an illegal transition with a ValidationError (HTTP 409 in the API) naming the state."""
    allowed, _target = TRANSITIONS[event]
    if state not in allowed:
        raise tk.ValidationError({"state": [tk._(
            "Cannot {event} this share request: it is {state} (allowed only when {allowed})"
        ).format(event=event.replace("_", " "), state=state, allowed=", ".join(sorted(allowed)))]})


def target(event: str) -> Optional[str]:
    return TRANSITIONS[event][1]


def has_access(state: str, previous_state: Optional[str]) -> bool:
    return state in ACCESS or (state == COORDINATING and previous_state in ACCESS)
