"""The page of grading: the list of data grades (分级分类), read by signed-in users and
edited by the Operator (as the Operator edits the search vocabulary)."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ..web import action_context, call_or_abort

grading = Blueprint("liuzhou_grading", __name__)
SPARE_ROWS = 1


def _rows(form) -> list[dict]:
    """The form's table rows as grades (a row left blank is not a grade)."""
    values = form.getlist("value")
    zh, en = form.getlist("label_zh"), form.getlist("label_en")
    approval = set(form.getlist("authority_approval"))
    rows = []
    for i, value in enumerate(values):
        row = {"value": value.strip(), "label_zh": (zh[i] if i < len(zh) else "").strip(),
               "label_en": (en[i] if i < len(en) else "").strip(), "authority_approval": value.strip() in approval}
        if row["value"] or row["label_zh"] or row["label_en"]:
            rows.append(row)
    return rows


def _may_edit() -> bool:
    try:
        return tk.check_access("data_grade_list_update", action_context(), {})
    except tk.NotAuthorized:
        return False


def grades():
    """GET: the grades and how many entries carry each; POST: the Operator saves or resets."""
    result = call_or_abort("data_grade_list", {})
    can_edit, errors, saved = _may_edit(), [], False
    rows = result["grades"]
    if tk.request.method == "POST":
        if not can_edit:
            return tk.abort(403, tk._("Only the platform Operator can change the list of data grades"))
        payload = {"reset": True} if tk.request.form.get("reset") else {"grades": _rows(tk.request.form)}
        try:
            result = tk.get_action("data_grade_list_update")(action_context(), payload)
            rows, saved = result["grades"], True
        except tk.ValidationError as e:
            errors = [m for ms in e.error_dict.values() for m in (ms if isinstance(ms, list) else [ms])]
            rows = payload.get("grades") or rows
    return tk.render("liuzhou/grading/grades.html", extra_vars={
        "result": result, "rows": rows, "errors": errors, "saved": saved, "can_edit": can_edit,
        "spare": SPARE_ROWS})


PREVIEW_ROWS = 20


def preview(resource_id: str):
    """The first rows of a delivered DataStore table as the user reads them: personal items
    masked unless the request named them and its purpose was approved for them (PIPL Art 6).
    The read goes through ``datastore_search`` (checked and recorded like every data read)."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login")
    resource = call_or_abort("resource_show", {"id": resource_id})
    pkg = call_or_abort("package_show", {"id": resource["package_id"]})
    if not resource.get("datastore_active"):
        return tk.abort(404, tk._("This resource has no table to preview"))
    result = call_or_abort("datastore_search", {"resource_id": resource_id, "limit": PREVIEW_ROWS},
                           invalid_is_400=True)
    fields = [f for f in result.get("fields") or [] if f.get("id") != "_id"]
    names = {}
    for item in pkg.get("information_items") or []:
        for column in (item.get("identifier"), item.get("name")):
            if column:
                names[column] = item
    return tk.render("liuzhou/grading/preview.html", extra_vars={
        "pkg": pkg, "resource": resource, "fields": fields, "records": result.get("records") or [],
        "total": result.get("total"), "masked": set(result.get("liuzhou_masked") or []), "items": names})


grading.add_url_rule("/catalog/grades", view_func=grades, methods=["GET", "POST"], endpoint="grades")
grading.add_url_rule("/data/<resource_id>/preview", view_func=preview, endpoint="preview")


def get_blueprints() -> list[Blueprint]:
    return [grading]
