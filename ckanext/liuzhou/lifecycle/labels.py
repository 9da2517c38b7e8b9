"""The words of the lifecycle workflows: their states, events, kinds and roles, in every
language of the portal (the catalogue's msgids are English)."""
from __future__ import annotations

from typing import Callable, Optional

import ckan.plugins.toolkit as tk


def lifecycle_labels(_: Callable[[str], str] = tk._) -> dict[str, dict[str, str]]:
    """Every label table, worded by ``_`` (the request's gettext, or a mail job's)."""
    return {
        "catalog_offline": {"submitted": _("Waiting for review"), "coordinating": _("In coordination"),
                            "offline": _("Offline"), "kept": _("Kept online"), "rejected": _("Rejected")},
        "resource_offline": {"submitted": _("Waiting for approval"), "notice": _("Public notice"),
                             "completed": _("Offline"), "rejected": _("Rejected")},
        "account_request": {"submitted": _("Waiting for the Operator"), "approved": _("Done"),
                            "rejected": _("Rejected")},
        "account_kind": {"create": _("New account"), "modify": _("Change account"), "cancel": _("Cancel account")},
        "role": {"member": _("Member"), "editor": _("Editor"), "admin": _("Admin")},
        "cause": {"law_change": _("A law or regulation was revised"),
                  "duty_change": _("A department's duties changed")},
        "target": {"open": _("To update"), "done": _("Updated")},
        "stage": {"approval": _("Project approval (立项)"), "construction": _("Construction (建设)"),
                  "acceptance": _("Acceptance (验收)")},
        "system_issue": {"no_entries": _("No catalog entry registered"),
                         "accepted_without_published": _("Accepted, but none of its entries is published")},
        "violation_kind": {"resource_offline_unapproved": _("Resource set offline without approval"),
                           "resource_deleted_unapproved": _("Resource removed without approval"),
                           "consumer_suspended": _("Service to a consumer suspended"),
                           "consumer_terminated": _("Service to a consumer terminated")},
        "violation": {"open": _("Not reviewed"), "confirmed": _("Confirmed"), "dismissed": _("Dismissed")},
        "duplicate": {"open": _("Outstanding"), "cleared": _("Cleared")},
        "article": {"33.1": _("Art 33 (1)")},
        "share_state": {"submitted": _("Submitted"), "approved": _("Approved"), "coordinating": _("In coordination"),
                        "delivered": _("Delivered"), "quality_issue": _("Quality issue"), "fixed": _("Fixed"),
                        "suspended": _("Suspended"), "rejected": _("Rejected"), "terminated": _("Terminated"),
                        "withdrawn": _("Withdrawn"), "expired": _("Expired")},
        "event": {"apply": _("Applied"), "approve": _("Approved"), "reject": _("Rejected"),
                  "coordination_close": _("Coordination recorded"), "file": _("Filed"),
                  "complete": _("Offlining completed"), "issue": _("Notice issued"),
                  "respond": _("Update reported"), "entry_updated": _("Entry updated"),
                  "submit": _("Submitted"), "register": _("Registered"), "update": _("Changed"),
                  "stage_change": _("Stage changed"), "flag": _("Flagged"), "confirm": _("Confirmed"),
                  "dismiss": _("Dismissed"), "deadline_recount": _("Deadline counted again"),
                  "calendar_year_unknown": _("Holiday arrangement of a coming year not entered"),
                  # the scheduler's notices (ops/reminders.py)
                  "deadline_reminder": _("Reminder: deadline in one working day"),
                  "overdue_notice": _("Overdue notice")},
        "role_of_actor": {"provider": _("Provider"), "operator": _("Operator"), "authority": _("Authority"),
                          "county_authority": _("County authority"), "system": _("Platform")},
    }


def label(kind: str, value: Optional[str], gettext: Callable[[str], str] = tk._) -> str:
    """The label of ``value`` in the table ``kind`` ("" for no value; the value itself when
    it has none)."""
    if not value:
        return ""
    return lifecycle_labels(gettext).get(kind, {}).get(value, value)
