"""Auth functions of the catalog capability."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


@tk.auth_allow_anonymous_access
def liuzhou_department_tree(context, data_dict) -> dict:
    """The department tree is as public as CKAN's organization list; counts follow search."""
    return {"success": True}


def get_auth_functions() -> dict:
    return {"liuzhou_department_tree": liuzhou_department_tree}
