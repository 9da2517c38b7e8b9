"""Pages of the search capability: the Operator's search vocabulary (synonyms and
departments' short names)."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ..web import action_context, call_or_abort

search = Blueprint("liuzhou_search", __name__)


def _as_text(vocab: dict) -> dict[str, str]:
    return {
        "synonyms": "\n".join(", ".join(g) for g in vocab["synonyms"]),
        "department_aliases": "\n".join(
            "{}: {}".format(d["title"], ", ".join(d["short_names"]))
            for d in vocab["departments"] if d["short_names"] or d["overridden"]),
    }


def vocabulary():
    """GET: the vocabulary as two editable lists; POST: the Operator saves one of them."""
    vocab = call_or_abort("search_synonyms_show", {})
    can_edit = _may_edit()
    data, errors, saved = _as_text(vocab), {}, None
    if tk.request.method == "POST":
        if not can_edit:
            return tk.abort(403, tk._("Only the platform Operator can change the search vocabulary"))
        form = tk.request.form
        which = form.get("form")
        payload: dict = {}
        if form.get("reset"):
            payload["reset"] = [which]
        elif which == "synonyms":
            payload["synonyms"] = form.get("synonyms", "")
        elif which == "department_aliases":
            payload["department_aliases"] = form.get("department_aliases", "")
        try:
            vocab = tk.get_action("search_synonyms_update")(action_context(), payload)
            data, saved = _as_text(vocab), which
        except tk.ValidationError as e:
            errors = e.error_dict
            data = {**data, **{k: form.get(k, "") for k in ("synonyms", "department_aliases") if k == which}}
    return tk.render("liuzhou/search/vocabulary.html", extra_vars={
        "vocab": vocab, "data": data, "errors": errors, "can_edit": can_edit, "saved": saved})


def _may_edit() -> bool:
    try:
        return tk.check_access("search_synonyms_update", action_context(), {})
    except tk.NotAuthorized:
        return False


search.add_url_rule("/search/vocabulary", view_func=vocabulary, methods=["GET", "POST"],
                    endpoint="vocabulary")


def get_blueprints() -> list[Blueprint]:
    return [search]
