"""Template helpers of the evaluation pages (formatting only; figures come from the actions)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

from . import sql

_ = tk._

SHARING_TYPES = {"unconditional": "Unconditional", "conditional": "Conditional", "not_shared": "Not shared"}
VIA = {"delivery": "Delivery", "read": "Read on the platform"}


def liuzhou_evaluation_query(args: dict, **over: Any) -> str:
    """The query string of ``args`` with ``over`` applied (empty values left out)."""
    merged = {**args, **over}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def liuzhou_evaluation_value_label(value: Any, kind: str, indicator: str) -> str:
    """The value column of a drill-down row, in words."""
    if value is None or value == "":
        return ""
    rows = sql.DRILL[indicator][0]
    if rows in ("received", "overdue", "accounts", "res_offline"):
        return _("{n} working days").format(n=value)
    if rows in ("made", "issues"):
        return tk.h.liuzhou_share_state_label(value)  # the sharing capability's helper
    if rows == "entries":
        return _(SHARING_TYPES.get(value, value))
    if rows == "consumers":
        return "、".join(_(VIA.get(v, v)) for v in str(value).split(","))
    if rows == "demands":
        return tk.h.liuzhou_demand_event_label(value)  # the demand list's helper
    if rows == "used":
        return _("{n} uses").format(n=value)
    return str(value)


def get_helpers() -> dict:
    return {"liuzhou_evaluation_query": liuzhou_evaluation_query,
            "liuzhou_evaluation_value_label": liuzhou_evaluation_value_label}
