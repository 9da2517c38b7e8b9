"""States, transitions and deadlines of the lifecycle workflows.

Catalog offlining (Art 20)::

    submitted ──approve, nobody requests or uses the entry──▶ offline
        │     └─approve, some department does──▶ coordinating ──outcome offline──▶ offline
        │                                             └──────outcome keep────▶ kept
        └──reject──▶ rejected                  (every end is filed: 备案)

Resource offlining (Art 21)::

    submitted ──approve (Authority, 3 WD)──▶ notice (10 WD public notice) ──complete──▶ completed
        └──reject──▶ rejected

Account requests (Art 12): submitted ──approve | reject (Operator, 2 WD)──▶ approved | rejected.
Upkeep notices (Art 14): each named department or entry is open until updated (10 WD).
Deadlines count working days with day 0 = the day the clock starts (see calendar/workdays.py).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import labels

SUBMITTED, REJECTED = "submitted", "rejected"

# Art 20
COORDINATING, OFFLINE, KEPT = "coordinating", "offline", "kept"
CATALOG_STATES = (SUBMITTED, COORDINATING, OFFLINE, KEPT, REJECTED)
CATALOG_OPEN = frozenset({SUBMITTED, COORDINATING})
CATALOG_REVIEW = ("approve", "reject")          # the Operator's review of a submitted application
CATALOG_OUTCOMES = ("offline", "keep")          # the recorded result of the coordination

# Art 21
NOTICE, COMPLETED = "notice", "completed"
RESOURCE_STATES = (SUBMITTED, NOTICE, COMPLETED, REJECTED)
RESOURCE_OPEN = frozenset({SUBMITTED, NOTICE})
DECISION_WORKDAYS = 3
NOTICE_WORKDAYS = 10

# Art 14
UPKEEP_WORKDAYS = 10
UPKEEP_CAUSES = ("law_change", "duty_change")
TARGET_OPEN, TARGET_DONE = "open", "done"

# Art 12
APPROVED = "approved"
ACCOUNT_STATES = (SUBMITTED, APPROVED, REJECTED)
ACCOUNT_WORKDAYS = 2
ACCOUNT_KINDS = ("create", "modify", "cancel")
ACCOUNT_ROLES = ("member", "editor", "admin")

# Art 16
STAGES = ("approval", "construction", "acceptance")   # 立项, 建设, 验收

# Art 33
VIOLATION_KINDS = ("resource_offline_unapproved", "resource_deleted_unapproved",
                   "consumer_suspended", "consumer_terminated")
VIOLATION_STATES = ("open", "confirmed", "dismissed")
VIOLATION_REVIEW = ("confirm", "dismiss")

DECISIONS = ("approve", "reject")

# The states (or stages) each list page offers as filters, in order: the one list the pages
# read (their labels are the label tables of the same name, helpers.lifecycle_labels).
LISTED: dict[str, tuple[str, ...]] = {
    "catalog_offline": tuple(s for s in CATALOG_STATES if s in CATALOG_OPEN),  # the rest: filing records
    "resource_offline": RESOURCE_STATES,
    "account_request": ACCOUNT_STATES,
    "stage": STAGES,
    "violation": VIOLATION_STATES,
}

# flow → event → states it may start from
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "catalog_offline": {
        "review": frozenset({SUBMITTED}),
        "coordination_close": frozenset({COORDINATING}),
    },
    "resource_offline": {
        "decide": frozenset({SUBMITTED}),
        "complete": frozenset({NOTICE}),
    },
    "account_request": {"decide": frozenset({SUBMITTED})},
    "violation": {"review": frozenset({"open"})},
}

_NAMES = {"catalog_offline": "catalog offline application", "resource_offline": "resource offline application",
          "account_request": "account request", "violation": "violation"}
_LABELS = {"catalog_offline": "catalog_offline", "resource_offline": "resource_offline",
           "account_request": "account_request", "violation": "violation"}


def check(flow: str, event: str, state: str) -> None:
    """Refuse an illegal move with a ValidationError (HTTP 409 in the API) naming the state."""
    allowed = TRANSITIONS[flow][event]
    if state not in allowed:
        raise tk.ValidationError({"state": [tk._(
            "This {what} is {state}: this step is not possible now (event {event}; allowed only when {allowed})"
        ).format(what=tk._(_NAMES[flow]), state=labels.label(_LABELS[flow], state), event=event,
                 allowed=", ".join(labels.label(_LABELS[flow], a) for a in sorted(allowed)))]})
