"""Template helpers of the scenario pages (formatting only)."""
from __future__ import annotations

from .. import authz


def liuzhou_scenario_org_title(ref: str) -> str:
    """A department's title from its name or id (the name itself if there is none)."""
    return authz.org_title(ref) or ref


def get_helpers() -> dict:
    return {"liuzhou_scenario_org_title": liuzhou_scenario_org_title}
