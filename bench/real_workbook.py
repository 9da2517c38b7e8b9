"""The 42,231 real catalog entries (../shared/data/real-catalog/entries.jsonl.gz) written into
the national template, one workbook per Liuzhou department, for `ckan liuzhou catalog import`.

    python bench/real_workbook.py OUT_DIR [--exact] [--csv]
    # then, per department (the script prints the lines):
    ckan -c ckan.ini liuzhou catalog import OUT_DIR/lzsgaj.xlsx --department lzsgaj --report OUT_DIR/lzsgaj.json

What is real and what is filled in:

- 信息资源名称, 信息资源摘要, 更新周期, 开放属性 and 信息资源格式 are the portal's text exactly as
  published (the words are left for the import to map; what does not map is refused there and
  counted here beforehand with transfer/words.py);
- the department: the publishing department's name is mapped by keyword onto the Liuzhou
  department of the same remit (公安 → 市公安局, 医保 → 市医疗保障局 …); a department with no
  Liuzhou counterpart goes to a county government, chosen by a stable hash of its name;
- every entry is a department catalog (部门信息资源: the real entries have no 类/项), 无条件共享 on
  the sharing platform (the portals publish open-data attributes, not the sharing type);
- information items: the published names (Hainan), else the names listed in the abstract
  ("包含A、B、C等"), each as 字符型 of length 255 (the portals give no types), on the 信息项 sheet
  linked by 信息资源名称. (``--csv`` writes one sheet only: the items then go in the cell,
  ``名称(C,255)`` joined by ``;``.)

Unless ``--exact``: an entry with no item at all gets one item "数据内容(C,4000)", an empty abstract
the title, an update cycle that is empty or maps to nothing 不定期, an open attribute that is
empty or maps to nothing (暂无, null …) 不予开放, a conditionally open entry the portal's open
word as its 开放条件 (the portals state none), a format that maps to nothing (03,0310 …) 数据库,
and a title repeated within one department (the same dataset published by a province and its
city) the portal's name in brackets — so that every entry can be imported; each filling is
counted in summary.json. With ``--exact`` those rows stay as they are and the import refuses them.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO.parent / "shared" / "data" / "real-catalog" / "entries.jsonl.gz"

# keyword in the publishing department's name → Liuzhou department (demo/departments.csv)
KEYWORDS = [
    ("公安", "lzsgaj"), ("市场监督", "lzsscjdglj"), ("市场监管", "lzsscjdglj"), ("自然资源", "lzszrzyhghj"),
    ("规划", "lzszrzyhghj"), ("发展和改革", "lzsfzhggwyh"), ("发改", "lzsfzhggwyh"), ("行政审批", "lzsxzspj"),
    ("政务服务", "lzsxzspj"), ("人力资源", "lzsrlzyhshbzj"), ("人社", "lzsrlzyhshbzj"), ("民政", "lzsmzj"),
    ("卫生", "lzswsjkwyh"), ("卫健", "lzswsjkwyh"), ("教育", "lzsjyj"), ("住房", "lzszfhcxjsj"),
    ("住建", "lzszfhcxjsj"), ("城乡建设", "lzszfhcxjsj"), ("生态环境", "lzssthjj"), ("环保", "lzssthjj"),
    ("交通", "lzsjtysj"), ("财政", "lzscjj"), ("统计", "lzstjj"), ("应急", "lzsyjglj"), ("医保", "lzsybj"),
    ("医疗保障", "lzsybj"), ("农业", "lzsnyncj"), ("农村", "lzsnyncj"), ("网信", "lzswwxb"), ("税务", "lzsswj"),
    ("大数据", "lzsdsjfzj"), ("数据资源", "lzsdsjfzj"),
]
COUNTIES = ["czq", "yfq", "lnq", "lbq", "ljq", "lcx", "lzx", "rax", "rsx", "sjx"]
_NOTES_ITEMS = re.compile(r"(?:包含|包括|含有|字段有|信息项[:：]?)(.+?)(?:等(?:字段|信息|数据|内容)?|。|$)")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_TAGS = re.compile(r"<[^>]+>")


def department_of(name: str) -> tuple[str, bool]:
    for word, org in KEYWORDS:
        if word in (name or ""):
            return org, True
    h = int(hashlib.sha1((name or "").encode("utf-8")).hexdigest(), 16)
    return COUNTIES[h % len(COUNTIES)], False


def clean(text) -> str:
    text = _TAGS.sub("", str(text or ""))
    text = _ILLEGAL.sub("", text.replace("\r", " ").replace("\t", " "))
    return re.sub(r" {2,}", " ", text).strip()


def items_of(entry: dict) -> list[str]:
    names = [clean(i) for i in entry.get("items") or [] if clean(i)]
    if names:
        return names
    m = _NOTES_ITEMS.search(clean(entry.get("notes")))
    if m:
        return [p for p in (x.strip() for x in re.split(r"[,，、;；和及]", m.group(1))) if 0 < len(p) <= 30][:60]
    return []


def formats(value) -> str:
    if isinstance(value, list):
        return clean(value[0]) if value else ""
    return clean(value) if value not in (None, "None") else ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--exact", action="store_true", help="fill nothing in (see the docstring)")
    ap.add_argument("--csv", action="store_true", help="write CSV (UTF-8 with BOM) instead of xlsx")
    ap.add_argument("--source", type=Path, default=SOURCE)
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from openpyxl import Workbook

    from ckanext.liuzhou.transfer import template, words

    heads = [c.heading for c in template.COLUMNS]
    per_dept: dict[str, list[list]] = collections.defaultdict(list)
    per_dept_items: dict[str, list[list]] = collections.defaultdict(list)
    seen_titles: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    stats = collections.Counter()
    unmapped = {f: collections.Counter() for f in ("update_cycle", "open_attribute", "format_category")}
    departments_unmatched = collections.Counter()
    with gzip.open(args.source, "rt", encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            stats["entries"] += 1
            org, matched = department_of(e.get("department") or "")
            if not matched:
                departments_unmatched[e.get("department") or "(none)"] += 1
                stats["department to a county"] += 1
            title, notes = clean(e["title"])[:500], clean(e.get("notes"))
            cycle, opened, fmt = clean(e.get("update_cycle")), clean(e.get("open")), formats(e.get("format"))
            names = items_of(e)
            stats["items: published" if e.get("items") else ("items: from the abstract" if names else "items: none")] += 1
            if not args.exact:
                if not names:
                    names = ["数据内容"]
                notes = notes or title
                cycle = cycle or "不定期"
                seen_titles[org][title] += 1
                if seen_titles[org][title] > 1:
                    title = f"{title}（{e.get('portal', '')}{seen_titles[org][title]}）"
                    stats["title made unique"] += 1
            for field, value in (("update_cycle", cycle), ("open_attribute", opened), ("format_category", fmt)):
                if value and words.to_code(field, value) is None:
                    unmapped[field][value] += 1
            if not args.exact:   # what the import would refuse, filled in (counted)
                if words.to_code("update_cycle", cycle) is None:
                    cycle, stats["update cycle filled: 不定期"] = "不定期", stats["update cycle filled: 不定期"] + 1
                if words.to_code("open_attribute", opened) is None:
                    opened, stats["open attribute filled: 不予开放"] = "不予开放", stats["open attribute filled: 不予开放"] + 1
                if words.to_code("open_attribute", opened) == "conditional_open":
                    stats["open conditions: the portal's words"] += 1   # e.g. 依申请开放, 有条件开放
                if words.to_code("format_category", fmt) is None:
                    fmt, stats["format filled: 数据库"] = "数据库", stats["format filled: 数据库"] + 1
            values = {
                "classification": "部门信息资源", "subclass": "部门信息资源", "title": title, "notes": notes,
                "format_category": fmt,
                "sharing_type": "无条件共享", "sharing_method": "共享平台", "open_attribute": opened,
                "update_cycle": cycle, "source_system": clean(e.get("portal")),
                "open_conditions": opened if (not args.exact and words.to_code("open_attribute", opened)
                                              == "conditional_open") else None,
            }
            per_dept[org].append([values.get(c.field) if c.field else None for c in template.COLUMNS])
            # the items on the 信息项 sheet (a published name may hold brackets or semicolons)
            per_dept_items[org].extend([None, title, n, None, "C", 4000 if n == "数据内容" else 255, None]
                                       for n in names)

    args.out.mkdir(parents=True, exist_ok=True)
    for org, rows in sorted(per_dept.items()):
        if args.csv:
            import csv
            path = args.out / f"{org}.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(heads)
                items_of_title = collections.defaultdict(list)
                for it in per_dept_items[org]:
                    items_of_title[it[1]].append(f"{it[2]}(C,{it[5]})")
                col = [c.field for c in template.COLUMNS].index("information_items")
                title_col = [c.field for c in template.COLUMNS].index("title")
                for r in rows:
                    r[col] = ";".join(items_of_title[r[title_col]])
                w.writerows([["" if v is None else v for v in r] for r in rows])
        else:
            path = args.out / f"{org}.xlsx"
            book = Workbook(write_only=True)
            ws = book.create_sheet(template.MAIN_SHEET)
            ws.append(heads)
            for r in rows:
                ws.append(r)
            wi = book.create_sheet(template.ITEMS_SHEET)
            wi.append([c.heading for c in template.ITEM_COLUMNS])
            for r in per_dept_items[org]:
                wi.append(r)
            book.save(path)
        print(f"ckan -c ckan.ini liuzhou catalog import {path} --department {org} --report {args.out / (org + '.json')}")
    summary = {"stats": dict(stats), "rows_per_department": {k: len(v) for k, v in sorted(per_dept.items())},
               "unmapped_words": {f: dict(c.most_common()) for f, c in unmapped.items()},
               "departments_sent_to_a_county": dict(departments_unmatched.most_common(50))}
    (args.out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: summary[k] for k in ("stats", "rows_per_department")}, ensure_ascii=False), file=sys.stderr)
    for field, c in unmapped.items():
        print(f"unmapped {field}: {sum(c.values())} rows: "
              + ", ".join(f"{w} ×{n}" for w, n in c.most_common(12)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
