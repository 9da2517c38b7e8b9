"""Any evaluation table as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) or XLSX."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from . import definitions as d

_ = tk._
FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _indicator_columns() -> list[str]:
    out = []
    for i in d.INDICATORS:
        unit = {"pct": " (%)", "wd": _(" (working days)")}.get(i.unit, "")
        out.append(_(i.label) + unit)
    return out


def ranking_table(result: dict) -> Table:
    by_label = _(d.BY_LABELS[result["by"]])
    p = result["period"]
    return Table(f"{by_label} {p['from']}–{p['to']}",
                 [by_label, *_indicator_columns(), _("Art 34 score"), _("Figures as of")],
                 [[r["label"], *(r.get(k) for k in d.KEYS), r.get("score"), r.get("as_of")] for r in result["rows"]])


def figures_table(result: dict) -> Table:
    p = result["period"]
    rows = [[g["label"], i["label"], i["value"], i["definition"], i.get("as_of")]
            for g in result["groups"] for i in g["indicators"]]
    rows.append(["", _("Art 34 score"), result["score"]["value"], "", result["score"]["as_of"]])
    return Table(f"{result['department']['title']} {p['from']}–{p['to']}",
                 [_("Group"), _("Indicator"), _("Value"), _("Definition"), _("Figures as of")], rows)


def trend_table(result: dict) -> Table:
    months = result["trend"]["months"]
    keys = [k for k in d.KEYS if months and k in months[0]]
    return Table(_("Monthly trend"), [_("Month"), *(_(d.BY_KEY[k].label) for k in keys)],
                 [[m["month"], *(m.get(k) for k in keys)] for m in months])


def detail_table(result: dict) -> Table:
    return Table(f"{result['label']} · {result['indicator']['label']}",
                 [_("Reference"), _("Title"), _("Counterpart"), _("Date"), _("Value"), _("Counted")],
                 [[r["ref"], r["title"], r["other"], (r["at"] or "")[:10], r["value"],
                   None if r["ok"] is None else (_("yes") if r["ok"] else _("no"))] for r in result["rows"]])


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    base, n = name, 2
    while name in taken:
        name, n = f"{base[:25]}({n})", n + 1
    taken.add(name)
    return name


def to_xlsx(*tables: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_name(table.title, taken))
        ws.append(table.columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append(list(row))
        ws.column_dimensions["A"].width = 28
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(fmt: str, *tables: Table) -> bytes:
    if fmt == "csv":
        return to_csv(tables[0])
    return to_xlsx(*tables)
