"""Actions of ops: what keeps every page cheap (the header's new-activity count)."""
from __future__ import annotations

from .activity_count import dashboard_new_activities_count


def get_actions() -> dict:
    return {"dashboard_new_activities_count": dashboard_new_activities_count}
