"""Template helpers of the 读取记录 pages (Art 25, 28): which links and filters a user gets."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from .. import authz, tree
from . import reads


def liuzhou_audit_reads_allowed(department: Optional[str] = None) -> bool:
    """Whether the current user may see the reads of ``department``'s data (of any department's
    they may, without one): the auth function of ``audit_read_list`` decides."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False):
        return False
    data = {"department": department} if department else {}
    return bool(tk.h.check_access("audit_read_list", data))


def liuzhou_audit_department_choices(limit_to_scope: bool = True) -> list[dict[str, Any]]:
    """Departments for the filters, in tree order: those whose reads the user may see, or all
    (for the reader's department)."""
    choices = tree.choices()
    if not limit_to_scope:
        return choices
    scope = reads.provider_scope(authz.user_obj(tk.current_user.name) if tk.current_user.is_authenticated else None)
    return choices if scope is None else [c for c in choices if c["value"] in scope]


def get_helpers() -> dict[str, Any]:
    return {"liuzhou_audit_reads_allowed": liuzhou_audit_reads_allowed,
            "liuzhou_audit_department_choices": liuzhou_audit_department_choices}
