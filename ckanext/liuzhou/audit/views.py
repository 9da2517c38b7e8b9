"""读取记录 pages (Art 25 追溯体系, Art 28), blueprint ``liuzhou_audit``, GET only:

- ``/audit/reads``: who read a department's data and who was refused, for the department's
  admins, its county authority and the Authority (who also sees the chain's last verification);
- ``/audit/reads/mine``: the signed-in user's own reads.

Both filter (department, dates, reads or refusals, reader's department, entry, resource), page,
and download the filtered rows as CSV (``?format=csv``). Everything comes from
``audit_read_list``; a bad filter re-renders the page with the action's message and no rows.
No route here changes anything: the blueprint answers only GET (a POST gets 405).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk

from ..web import action_context
from . import reads

_ = tk._
audit = Blueprint("liuzhou_audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
FILTERS = ("department", "from", "to", "kind", "reader_org", "package_id", "resource_id")
# labels of the fields the action may name in a ValidationError
FIELD_LABELS = {"department": "Providing department", "from": "From", "to": "To", "kind": "Kind",
                "reader_org": "Reader's department", "package_id": "Catalog entry",
                "resource_id": "Resource", "format": "Format", "page": "Page"}


def _filters(mine: bool) -> dict[str, str]:
    keys = [k for k in FILTERS if not (mine and k == "reader_org")]
    return {k: request.args[k].strip() for k in keys if request.args.get(k, "").strip()}


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), reads.MAX_OFFSET // PAGE_SIZE))
    except ValueError:
        return 1


def _errors(e: tk.ValidationError) -> dict[str, list[str]]:
    return {_(FIELD_LABELS.get(k, k)): [str(m) for m in (v if isinstance(v, list) else [v])]
            for k, v in (e.error_dict or {}).items()}


def _reads(mine: bool):
    if not tk.current_user.is_authenticated:
        return tk.redirect_to(tk.h.url_for("user.login", came_from=request.full_path))
    filters, page = _filters(mine), _page()
    fmt = request.args.get("format")
    data: dict[str, Any] = {**filters, "mine": mine}
    if fmt:
        data["format"] = fmt
    else:
        data.update(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    extra = {"mine": mine, "filters": filters, "page": page, "pages": 1, "errors": {}, "refusal": None,
             "result": {"count": 0, "results": []}, "active_tab": "my_reads" if mine else "reads"}
    status = 200
    try:
        result = tk.get_action("audit_read_list")(action_context(), data)
    except tk.NotAuthorized as e:
        # a department the user may not see, on a page they may otherwise use: say so, no rows
        if mine or not filters.get("department") or not tk.h.liuzhou_audit_reads_allowed():
            return tk.abort(403, str(e) or _("Not authorized to see this page"))
        extra["refusal"], status = str(e), 403
    except tk.ValidationError as e:
        extra["errors"], status = _errors(e), 400
    else:
        if fmt:
            return Response(result["csv"].encode("utf-8"), mimetype="text/csv; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="{result["filename"]}"',
                "X-Liuzhou-Truncated": "true" if result["truncated"] else "false"})
        extra.update(result=result, pages=max(1, -(-result["count"] // PAGE_SIZE)))
    return tk.render("liuzhou/audit/reads.html", extra_vars=extra), status


def reads_of_data():
    """谁读了我的数据: the reads and refusals of the data of the departments the user answers for."""
    return _reads(mine=False)


def my_reads():
    """我的读取记录: the signed-in user's own reads and refusals."""
    return _reads(mine=True)


audit.add_url_rule("/reads", view_func=reads_of_data, methods=["GET"])
audit.add_url_rule("/reads/mine", view_func=my_reads, methods=["GET"])


def get_blueprints() -> list:
    return [audit]
