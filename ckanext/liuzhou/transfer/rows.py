"""The rows of a workbook as catalog entries of one department, and what importing them does.

:func:`plan` turns each row into a ``package_create`` dict (or, for an entry the department
already has, a ``package_update`` dict on top of the stored entry), maps the department's words
onto the codes (:mod:`.words`), and decides per row:

- **refused** (拒绝): a word that maps to nothing, the same 信息资源代码 or 信息资源名称 twice
  in the workbook, another department as 提供方, or a field the form's schema refuses;
- **unchanged** (无变化): the department has the entry (matched by 信息资源代码, else by
  信息资源名称 within the department) and every field of the row equals the stored one; it is
  not sent to the catalog at all, so importing the same workbook twice changes nothing;
- **update** (更新) / **create** (新建) otherwise.

The form's schema judges every row that is not refused before (Art 13 items, Art 15 lead
department, Art 17, Art 22 sharing, credit codes) through
:func:`ckanext.liuzhou.catalog.bulk.save_many` — a dry run for the report, the real save for
the import. Field errors are reported under the template's headings, in Chinese.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..catalog import bulk, vocab
from . import template, words

NEW, UPDATED, SAME, REFUSED = "create", "update", "unchanged", "refused"
LABELS = {NEW: "新建", UPDATED: "更新", SAME: "无变化", REFUSED: "拒绝"}

#: fields the template fills and an import compares (resource_code and owner_org are keys)
FIELDS = [c.field for c in template.COLUMNS if c.field not in (None, "resource_code", "owner_org")]
CODED = {"classification", "subclass", "format_category", "sharing_type", "sharing_method",
         "sharing_method_type", "open_attribute", "update_cycle", "data_grade"}
ITEM_KEYS = ("name", "identifier", "data_type", "length", "description", "personal_information")
_LIST_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclasses.dataclass
class Row:
    number: int                     # the row's number in the sheet
    title: str
    code: Optional[str]             # 信息资源代码 as written
    action: str = NEW
    id: Optional[str] = None        # the matched entry
    entry: Optional[dict] = None    # what is sent to save_many
    errors: dict = dataclasses.field(default_factory=dict)     # heading -> [messages]
    warnings: list = dataclasses.field(default_factory=list)
    resource_code: Optional[str] = None

    def refuse(self, heading: str, message: str) -> None:
        self.errors.setdefault(heading, []).append(message)
        self.action = REFUSED

    def as_dict(self) -> dict:
        return {"row": self.number, "title": self.title, "action": self.action,
                "action_label": LABELS[self.action], "id": self.id,
                "resource_code": self.resource_code or self.code, "errors": self.errors,
                "warnings": self.warnings}


# ---------------------------------------------------------------- the department's entries

@dataclasses.dataclass
class Stored:
    id: str
    title: str
    code: Optional[str]
    fields: dict
    owner_org: str = ""
    state: str = "active"


def stored_entries(org_ids: list[str], states: tuple[str, ...] = ("active", "draft")) -> list[Stored]:
    """The catalog entries of these departments, with their template fields, in a few queries
    whatever their number (ordered by resource code, then title)."""
    pkgs = (model.Session.query(model.Package.id, model.Package.title, model.Package.notes,
                                model.Package.owner_org, model.Package.state)
            .filter(model.Package.owner_org.in_(org_ids), model.Package.type == "catalog",
                    model.Package.state.in_(states)).all()) if org_ids else []
    ids = [p.id for p in pkgs]
    extras: dict[str, dict] = {i: {} for i in ids}
    tags: dict[str, list] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk:chunk + 5000]
        for pid, key, value in (model.Session.query(model.PackageExtra.package_id, model.PackageExtra.key,
                                                    model.PackageExtra.value)
                                .filter(model.PackageExtra.package_id.in_(part),
                                        model.PackageExtra.state == "active")):
            extras[pid][key] = value
        for pid, name in (model.Session.query(model.PackageTag.package_id, model.Tag.name)
                          .join(model.Tag, model.Tag.id == model.PackageTag.tag_id)
                          .filter(model.PackageTag.package_id.in_(part), model.PackageTag.state == "active")):
            tags[pid].append(name)
    out = []
    for p in pkgs:
        fields = {f: extras[p.id].get(f) for f in FIELDS}
        fields.update(title=p.title, notes=p.notes, tag_string=",".join(tags[p.id]))
        out.append(Stored(p.id, p.title, extras[p.id].get("resource_code"), fields, p.owner_org, p.state))
    out.sort(key=lambda s: (s.code or "~", s.title or ""))
    return out


# ---------------------------------------------------------------- comparing

def _json_list(value) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            value = [value]
    return list(value or []) if isinstance(value, (list, tuple)) else [value]


def comparable(fields: dict) -> dict:
    """A row's or a stored entry's fields as compared: blanks are None, lists parsed, tags as a
    set, items with their written values as text."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        v = fields.get(f)
        if f == "information_items":
            out[f] = [{k: str(i[k]).strip() for k in ITEM_KEYS
                       if i.get(k) not in (None, "", "none" if k == "personal_information" else None)}
                      for i in _json_list(v) if isinstance(i, dict)]
        elif f == "data_grade":   # blank is general, as the form stores it
            out[f] = str(v).strip() if v not in (None, "") and str(v).strip() else "general"
        elif f == "related_resource_codes":
            out[f] = [str(c).strip() for c in _json_list(v) if str(c).strip()]
        elif f == "tag_string":
            out[f] = sorted({t.strip() for t in str(v or "").split(",") if t.strip()})
        elif f == "publish_date":
            out[f] = str(v)[:10] if v else None
        else:
            out[f] = str(v).strip() if v not in (None, "") and str(v).strip() else None
    return out


def same(new: dict, stored: dict) -> bool:
    a, b = comparable(new), comparable(stored)
    if a["provider_credit_code"] is None:   # blank: taken from the department, as stored
        b["provider_credit_code"] = None
    return a == b


# ---------------------------------------------------------------- a row's fields

class _Orgs:
    """Department names by title or name (lead department, provider), read once."""

    def __init__(self):
        rows = model.Session.query(model.Group.name, model.Group.title).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active").all()
        self.by_key = {}
        for name, title in rows:
            self.by_key[words.norm(name)] = name
            if title:
                self.by_key.setdefault(words.norm(title), name)

    def name(self, text) -> Optional[str]:
        return self.by_key.get(words.norm(text))


def _date(text: str) -> Optional[str]:
    text = words.norm(text)
    m = (re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:t.*|\d{1,2}:.*)?", text)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def item_of_code(code) -> Optional[str]:
    """The 目 of a resource code (its classification code's digits 4–6: the provider
    department's number, catalog/resource_code.py), or None."""
    m = _CODE.match(str(code or "").strip())
    return m.group(1) if m else None


_CODE = re.compile(r"^[123]\d{2}(\d{3})\d*/\d{6,}$")


def _own_item(raw, code, dept, dept_items: set[str]) -> Optional[str]:
    """The row's 目 as the entry keeps it: None when it only says what the classification code
    already says (the provider department: its number, as in the row's or the department's
    resource codes, or its name), else the department's own 目 as written."""
    text = str(raw).strip()
    said = {item_of_code(code), *dept_items, words.norm(dept.title), words.norm(dept.name)} - {None}
    return None if words.norm(text) in said or not text else text


def _fields(row: Row, values: dict, items: list[dict], orgs: _Orgs, dept,
            dept_items: frozenset = frozenset()) -> dict:
    """The catalog fields of one row; unmapped words refuse the row under their heading.

    信息资源分类 follows the 编制指南's 类/项/目/细目: 类 and 项 are the classification and
    sub-class codes; 目 is the provider department in the resource code (Art 13), so a 目 that
    names it is not stored, and a department's own 目 and its 细目 are kept on the entry
    (``classification_item``, ``classification_subitem``) and exported back."""
    out: dict[str, Any] = {}
    for column in template.COLUMNS:
        f, raw = column.field, values.get(column.field or column.heading)
        if f is None or f in ("resource_code", "information_items"):
            continue
        if f in CODED:
            if raw is None:
                continue
            code = words.to_code(f, raw)
            if code is None:
                row.refuse(column.heading, f"“{raw}”不是可用的写法。可用：{'、'.join(words.accepted(f))}")
            else:
                out[f] = code
        elif f == "owner_org":
            if raw is not None and orgs.name(raw) != dept.name and words.norm(raw) not in (
                    words.norm(dept.title), words.norm(dept.name)):
                row.refuse(column.heading, f"提供方“{raw}”不是本次导入的部门（{dept.title}）。请按部门分别导入。")
        elif f == "lead_department":
            if raw is not None:
                name = orgs.name(raw)
                if name is None:
                    row.refuse(column.heading, f"没有名为“{raw}”的部门。请写部门全称，如“柳州市公安局”。")
                else:
                    out[f] = name
        elif f == "publish_date":
            if raw is not None:
                date = _date(raw)
                if date is None:
                    row.refuse(column.heading, f"“{raw}”不是日期。请写成 2024-03-15。")
                else:
                    out[f] = date
        elif f == "classification_item":
            if raw is not None and _own_item(raw, values.get("resource_code"), dept, dept_items):
                out[f] = _own_item(raw, values.get("resource_code"), dept, dept_items)
        elif f == "related_resource_codes":
            out[f] = [c for c in _LIST_SPLIT.split(raw or "") if c]
        elif f == "tag_string":
            out[f] = ",".join(t for t in re.split(r"[;；,，、]+", raw or "") if t.strip())
        elif raw is not None:
            out[f] = raw
    # a sub-class names its class; 部门信息资源 has one sub-class
    if "classification" not in out and out.get("subclass"):
        out["classification"] = vocab.SUBCLASS_OF[out["subclass"]]
    if out.get("classification") == "department" and "subclass" not in out \
            and values.get("subclass") is None:
        out["subclass"] = "department"
    out["information_items"] = items
    return out


def _items_of(values: dict, row: Row, sheet_items: list[dict]) -> list[dict]:
    heading = template.HEADING_OF["information_items"]
    if sheet_items:
        return sheet_items
    cell = values.get("information_items")
    if not cell:
        return []
    items, bad = template.items_from_cell(cell, lambda w: words.to_code("data_type", w))
    for piece in bad:
        row.refuse(heading, f"“{piece}”看不懂。请写成“信息项名称(标识符,类型,长度)”，类型可用："
                            f"{'、'.join(words.accepted('data_type'))}")
    return items


def _sheet_items(workbook) -> tuple[dict, dict, list[dict]]:
    """Items of the items sheet by 信息资源代码 and by 信息资源名称, and the problems of its rows."""
    by_code: dict[str, list] = {}
    by_title: dict[str, list] = {}
    problems: list[dict] = []
    if workbook.items is None:
        return by_code, by_title, problems
    for number, values in workbook.items.rows:
        item = {k: values.get(k) for k in ("name", "identifier", "length", "description") if values.get(k)}
        raw_mark = values.get("personal_information")
        if raw_mark:
            mark = words.to_code("personal_information", raw_mark)
            if mark is None:
                problems.append({"row": number, "heading": "个人信息",
                                 "message": f"“{raw_mark}”不是可用的写法。可用：{'、'.join(words.accepted('personal_information'))}"})
            else:
                item["personal_information"] = mark
        raw_type = values.get("data_type")
        if raw_type:
            code = words.to_code("data_type", raw_type)
            if code is None:
                problems.append({"row": number, "heading": "数据类型",
                                 "message": f"“{raw_type}”不是可用的写法。可用：{'、'.join(words.accepted('data_type'))}"})
                item["data_type"] = None
                item["_bad"] = f"信息项工作表第 {number} 行：数据类型“{raw_type}”不是可用的写法"
            else:
                item["data_type"] = code
        if values.get("resource_code"):
            by_code.setdefault(words.norm(values["resource_code"]), []).append(item)
        elif values.get("title"):
            by_title.setdefault(words.norm(values["title"]), []).append(item)
        else:
            problems.append({"row": number, "heading": "信息资源代码",
                             "message": "没有写信息资源代码或信息资源名称，不知道属于哪条目录"})
    return by_code, by_title, problems


# ---------------------------------------------------------------- the plan and the report

def plan(workbook, dept) -> tuple[list[Row], list[dict]]:
    """Each row of the workbook decided (before the schema's judgement), and the problems of the
    items sheet. ``dept`` is the department (a Group) the import is for."""
    orgs = _Orgs()
    stored = stored_entries([dept.id])
    by_code = {s.code: s for s in stored if s.code}
    by_title: dict[str, list[Stored]] = {}
    for s in stored:
        by_title.setdefault(words.norm(s.title), []).append(s)
    dept_items = frozenset(filter(None, (item_of_code(code) for code in by_code)))
    items_by_code, items_by_title, problems = _sheet_items(workbook)
    seen_code: dict[str, int] = {}
    seen_title: dict[str, int] = {}
    rows: list[Row] = []
    for number, values in workbook.main.rows:
        title = str(values.get("title") or "").strip()
        code = str(values.get("resource_code") or "").strip() or None
        row = Row(number, title, code)
        rows.append(row)
        key_title = words.norm(title)
        sheet_items = (items_by_code.get(words.norm(code)) if code else None) or items_by_title.get(key_title) or []
        for item in sheet_items:
            if item.get("_bad"):
                row.refuse(template.HEADING_OF["information_items"], item["_bad"])
        sheet_items = [{k: v for k, v in i.items() if k != "_bad"} for i in sheet_items]
        items = _items_of(values, row, sheet_items)
        fields = _fields(row, values, items, orgs, dept, dept_items)
        if code and code in seen_code:
            row.refuse(template.HEADING_OF["resource_code"], f"与第 {seen_code[code]} 行的信息资源代码相同")
        if key_title and key_title in seen_title:
            row.refuse(template.HEADING_OF["title"], f"与第 {seen_title[key_title]} 行的信息资源名称相同")
        if code:
            seen_code.setdefault(code, number)
        if key_title:
            seen_title.setdefault(key_title, number)
        match = by_code.get(code) if code else None
        if match is None and key_title:
            candidates = by_title.get(key_title) or []
            if len(candidates) == 1:
                match = candidates[0]
            elif len(candidates) > 1:
                row.refuse(template.HEADING_OF["title"], "本部门有多条同名目录，请填写信息资源代码以指明更新哪一条")
        if code and match is None:
            row.warnings.append(f"信息资源代码“{code}”不是本部门已有目录的代码：按新目录导入，代码由平台赋予")
        if match is not None:
            row.id = match.id
            row.resource_code = match.code
        if row.action == REFUSED:   # still judged in a dry run, so the report shows every error
            row.entry = dict(fields, type="catalog", owner_org=dept.name)
            continue
        if match is not None and same(fields, match.fields):
            row.action = SAME
            continue
        row.action = UPDATED if match is not None else NEW
        row.entry = dict(fields, type="catalog", owner_org=dept.name)
    return rows, problems


def _full_update(context: dict, row: Row) -> dict:
    """An update sends the whole stored entry (resources and all) with the row's fields on top."""
    stored = tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": row.id})
    entry = {k: v for k, v in stored.items() if k not in ("tags", "duplicate_warnings")}
    entry.update(row.entry)
    entry["id"] = row.id
    return entry


def _error_lines(errors: dict) -> dict[str, list[str]]:
    """CKAN's error dict under the template's headings ("信息项": "第 2 项 数据类型：…")."""
    out: dict[str, list[str]] = {}
    for key, messages in errors.items():
        heading = template.HEADING_OF.get(key) or {"name": template.HEADING_OF["title"],
                                                   "tags": template.HEADING_OF["tag_string"]}.get(key, key)
        if key == "information_items" and isinstance(messages, list) and any(isinstance(m, dict) for m in messages):
            for i, sub in enumerate(messages, 1):
                if isinstance(sub, dict):
                    for f, msgs in sub.items():
                        for m in msgs:
                            out.setdefault(heading, []).append(
                                f"第 {i} 项 {template.ITEM_HEADING_OF.get(f, f)}：{m}")
                elif sub:
                    out.setdefault(heading, []).append(str(sub))
            continue
        for m in messages if isinstance(messages, list) else [messages]:
            out.setdefault(heading, []).append(m if isinstance(m, str) else json.dumps(m, ensure_ascii=False))
    return out


def judge(context: dict, rows: list[Row], *, dry_run: bool,
          progress: Optional[Callable[[int, int], Any]] = None) -> list[Row]:
    """The schema's judgement of every row to create or update, in one ``save_many`` call: a
    dry run, or the real save of the valid rows (the caller has judged them in a dry run)."""
    todo = [r for r in rows if r.action in (NEW, UPDATED) or (dry_run and r.action == REFUSED and r.entry)]
    entries = [_full_update(context, r) if r.id else r.entry for r in todo]
    outcomes = bulk.save_many(context, entries, dry_run=dry_run, progress=progress)
    for row, outcome in zip(todo, outcomes):
        if outcome.action == bulk.REFUSED or row.action == REFUSED:
            known = set(row.errors)   # a word already refused: not again as "missing value"
            row.action = REFUSED
            for heading, messages in _error_lines(outcome.errors).items():
                if heading not in known:
                    row.errors.setdefault(heading, []).extend(messages)
        else:
            row.id = outcome.id or row.id
            row.resource_code = outcome.resource_code or row.resource_code
            for w in outcome.duplicate_warnings or []:
                row.warnings.append(_duplicate_line(w))
    return rows


def _duplicate_line(warning: Any) -> str:
    """An Art 17 warning (lifecycle/duplicates.py) as one line of the report."""
    if isinstance(warning, dict) and warning.get("title"):
        shared = "、".join(map(str, warning.get("shared") or []))
        return (f"第十七条（一数一源）：与{warning.get('provider_org_title') or ''}的目录“{warning['title']}”"
                f"有 {warning.get('ratio', '?')}% 的信息项相同（{shared}）")
    return f"第十七条（一数一源）：{json.dumps(warning, ensure_ascii=False)}"


def report(rows: list[Row], problems: list[dict], ignored: list[str], *, dry_run: bool) -> dict:
    """The report a clerk reads: each row, the counts, and what was left aside."""
    counts = {a: 0 for a in LABELS}
    for r in rows:
        counts[r.action] += 1
    return {"dry_run": dry_run, "rows": [r.as_dict() for r in rows], "counts": counts,
            "total": len(rows), "item_problems": problems, "ignored_columns": ignored}
