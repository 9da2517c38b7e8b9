"""The state machine of an error report (校核纠错, national regulation Art 26).

::

    submitted ──confirm──▶ corrected
        └──dispute──▶ disputed ──settle: upheld──▶ upheld ──confirm──▶ corrected
                          └──settle: dismissed──▶ dismissed

Deadlines (working days, day 0 = the day the state is entered): a ``submitted`` report is the
providing department's to confirm and correct, or to dispute, within
``ckanext.liuzhou.correction.respond_workdays`` (default 5); an ``upheld`` report is its to
correct within the same count again. A ``disputed`` report waits for the Authority, which the
rules give no deadline. ``corrected`` and ``dismissed`` are final.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk

from .. import config as lz_config

SUBMITTED, DISPUTED, UPHELD, CORRECTED, DISMISSED = "submitted", "disputed", "upheld", "corrected", "dismissed"
STATES = (SUBMITTED, DISPUTED, UPHELD, CORRECTED, DISMISSED)
OPEN = frozenset({SUBMITTED, DISPUTED, UPHELD})
FINAL = frozenset({CORRECTED, DISMISSED})
# the states in which the providing department's clock runs
CLOCKED = frozenset({SUBMITTED, UPHELD})

ENTRY, DATA = "entry", "data"
TARGETS = (ENTRY, DATA)

# the fields of a catalog entry a report may name (the catalog schema's, plus "other")
FIELDS = ("title", "notes", "owner_org", "classification", "subclass", "format_category",
          "information_items", "sharing_type", "sharing_conditions", "sharing_method", "legal_basis",
          "open_attribute", "update_cycle", "resources", "other")

RESPONSES = ("confirm", "dispute")
OUTCOMES = {"upheld": UPHELD, "dismissed": DISMISSED}

# event → states it may start from
TRANSITIONS: dict[str, frozenset[str]] = {
    "confirm": frozenset({SUBMITTED, UPHELD}),
    "dispute": frozenset({SUBMITTED}),
    "settle": frozenset({DISPUTED}),
}


def respond_workdays() -> int:
    """The providing department's working days to answer (a declared option, default 5)."""
    return lz_config.correction_respond_workdays()


def check(event: str, state: str) -> None:
    """Refuse a step the state machine does not allow here (a ValidationError naming the state)."""
    allowed = TRANSITIONS[event]
    if state not in allowed:
        raise tk.ValidationError({"state": [tk._(
            "This error report is {state}: it cannot be answered this way now").format(
                state=tk._(STATE_LABELS.get(state, state)))]})


def N_(s: str) -> str:
    return s


STATE_LABELS = {SUBMITTED: N_("Awaiting the provider"), DISPUTED: N_("Disputed, awaiting the Authority"),
                UPHELD: N_("Upheld, to be corrected"), CORRECTED: N_("Corrected"), DISMISSED: N_("Report not upheld")}
EVENT_LABELS = {"create": N_("Error reported"), "confirm": N_("Confirmed and corrected"),
                "dispute": N_("Disputed by the provider"), "settle_upheld": N_("Upheld by the Authority"),
                "settle_dismissed": N_("Dismissed by the Authority"), "deadline_reminder": N_("Deadline reminder"),
                "overdue_notice": N_("Overdue notice"), "deadline_recount": N_("Deadline counted again")}
TARGET_LABELS = {ENTRY: N_("The catalog entry"), DATA: N_("Delivered data")}
FIELD_LABELS = {"title": N_("Title"), "notes": N_("Abstract"), "owner_org": N_("Providing department"),
                "classification": N_("Classification"), "subclass": N_("Sub-class"),
                "format_category": N_("Format"), "information_items": N_("Information items"),
                "sharing_type": N_("Sharing type"), "sharing_conditions": N_("Sharing conditions"),
                "sharing_method": N_("Sharing method"), "legal_basis": N_("Legal basis"),
                "open_attribute": N_("Open attribute"), "update_cycle": N_("Update cycle"),
                "resources": N_("Data resources"), "other": N_("Other")}


def label(table: dict, value: Optional[str]) -> str:
    return tk._(table[value]) if value in table else (value or "")
