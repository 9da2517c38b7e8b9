"""Pages of the catalog's import and export: on a department's page, 导入目录 (upload, the dry
run's report, 导入有效行 / 放弃, the progress of a long import, the history) and 导出目录; the
blank template and the filled example. Every page calls the actions; state changes are POST."""
from __future__ import annotations

import base64
import urllib.parse

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ..web import action_context, call_or_abort
from . import writer

transfer = Blueprint("liuzhou_transfer", __name__)
_ = tk._

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content: bytes, name: str, mimetype: str) -> Response:
    quoted = urllib.parse.quote(name)
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"catalog.{name.rsplit('.', 1)[-1]}\"; "
                               f"filename*=UTF-8''{quoted}",
        "X-Content-Type-Options": "nosniff"})


def _messages(e: tk.ValidationError) -> str:
    """A refusal's messages on one line (a field's value is a list of messages, or one)."""
    return "；".join(str(m) for ms in e.error_dict.values() for m in (ms if isinstance(ms, list) else [ms]))


def _signed_in():
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.path)
    return None


def template_file():
    """The blank template (any signed-in user)."""
    return _signed_in() or _file(writer.blank(), "政务信息资源目录模板.xlsx", XLSX)


def example_file():
    """The filled example: a few rows in department wording, two of them faulty."""
    return _signed_in() or _file(writer.example(), "政务信息资源目录填写示例.xlsx", XLSX)


def _department(id: str) -> dict:
    return call_or_abort("organization_show", {"id": id, "include_datasets": False,
                                               "include_users": False, "include_extras": False})


def import_page(id: str):
    """The department's 导入目录 page; POST: the dry run of the uploaded file."""
    if (r := _signed_in()) is not None:
        return r
    dept = _department(id)
    error = None
    if tk.request.method == "POST":
        upload = tk.request.files.get("upload")
        try:
            out = tk.get_action("catalog_import")(action_context(), {
                "department": dept["name"], "upload": upload, "dry_run": True})
        except tk.NotAuthorized:
            return tk.abort(403, _("Not authorized to see this page"))
        except tk.ValidationError as e:
            error = _messages(e)
        else:
            return tk.redirect_to("liuzhou_transfer.import_read", id=out["id"])
    history = call_or_abort("catalog_import_list", {"department": dept["name"]})
    return tk.render("liuzhou/transfer/import.html", extra_vars={
        "dept": dept, "history": history, "error": error, "group_dict": dept, "group_type": "organization"})


def import_read(id: str):
    """An import: its progress while it runs, then its report."""
    if (r := _signed_in()) is not None:
        return r
    imp = call_or_abort("catalog_import_status", {"id": id})
    dept = _department(imp["department"])
    return tk.render("liuzhou/transfer/import_read.html", extra_vars={
        "imp": imp, "dept": dept, "group_dict": dept, "group_type": "organization"})


def import_commit(id: str):
    """导入有效行: import, for real, the file a dry run judged."""
    if (r := _signed_in()) is not None:
        return r
    try:
        tk.check_access("catalog_import", action_context(), {"id": id})
        if tk.request.form.get("confirm") != "yes":   # only the report's button imports
            return tk.redirect_to("liuzhou_transfer.import_read", id=id)
        out = tk.get_action("catalog_import")(action_context(), {"id": id, "dry_run": False})
    except tk.NotAuthorized:
        return tk.abort(403, _("Not authorized to see this page"))
    except tk.ObjectNotFound:
        return tk.abort(404, _("Not found"))
    except tk.ValidationError as e:
        tk.h.flash_error(_messages(e))
        return tk.redirect_to("liuzhou_transfer.import_read", id=id)
    return tk.redirect_to("liuzhou_transfer.import_read", id=out["id"])


def export_file(id: str):
    """导出目录: the department's catalog (or the shared list, or the county's / city's for their
    authorities) as the template."""
    if (r := _signed_in()) is not None:
        return r
    args = tk.request.args
    out = call_or_abort("catalog_export", {
        "department": id, "scope": args.get("scope") or "department",
        "shared_only": args.get("shared_only") or "false", "format": args.get("format") or "xlsx"},
        invalid_is_400=True)
    mimetype = XLSX if out["format"] == "xlsx" else "text/csv; charset=utf-8"
    return _file(base64.b64decode(out["content_base64"]), out["file_name"], mimetype)


transfer.add_url_rule("/catalog-import/template.xlsx", view_func=template_file, endpoint="template")
transfer.add_url_rule("/catalog-import/example.xlsx", view_func=example_file, endpoint="example")
transfer.add_url_rule("/organization/<id>/catalog-import", view_func=import_page, endpoint="import_page",
                      methods=["GET", "POST"])
transfer.add_url_rule("/catalog-import/<id>", view_func=import_read, endpoint="import_read")
transfer.add_url_rule("/catalog-import/<id>/import", view_func=import_commit, endpoint="import_commit",
                      methods=["POST"])
transfer.add_url_rule("/organization/<id>/catalog-export", view_func=export_file, endpoint="export")


def get_blueprints() -> list[Blueprint]:
    return [transfer]
