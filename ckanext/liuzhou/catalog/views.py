"""Pages of the catalog capability (Flask blueprints)."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

catalog = Blueprint("liuzhou_catalog", __name__)


def department_tree() -> str:
    """All departments as a tree by level, with their entries and links to search them."""
    context = {"user": tk.current_user.name, "auth_user_obj": tk.current_user}
    try:
        result = tk.get_action("liuzhou_department_tree")(context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    return tk.render("liuzhou/department_tree.html", extra_vars={"tree": result})


catalog.add_url_rule("/department/tree", view_func=department_tree, endpoint="department_tree")


def get_blueprints() -> list[Blueprint]:
    return [catalog]
