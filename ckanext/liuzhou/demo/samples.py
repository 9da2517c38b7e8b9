"""Sample data for the demo entries: a small CSV per entry, made from its information items.

The demo's resource locations are fictitious (``data.liuzhou.example``), so without these the
platform's download route would have nothing to deliver. Each entry gets one uploaded file,
``样例数据（演示）.csv``, with three rows of made-up values typed by each item's data type
(GB/T 21063 codes: C text, N/I/F/M numbers, D date, T time, Y year, B/L flags), also loaded
into the DataStore so that ``datastore_search`` can be shown on the same rules.
Values are synthetic and deterministic; no real person is described. An item marked personal
information gets a value of its kind in the shape of a real one (an 18-digit ID number of a
Liuzhou district with its check digit, a mobile number, a name, an address), so that the
masking of delivered tables shows on realistic values.
"""
from __future__ import annotations

import csv
import hashlib
import io

from .. import masking

SAMPLE_NAME = "样例数据（演示）"
FILE_NAME = "sample.csv"
ROWS = 3


_SURNAMES = "张王李陈黄韦覃蓝梁莫"
_GIVEN = ("伟", "秀英", "海燕", "建华", "丽", "志强", "桂兰", "明", "晓东", "春梅")
_DISTRICTS = (("450202", "城中区", "中山中路"), ("450203", "鱼峰区", "箭盘路"), ("450204", "柳南区", "航银路"),
              ("450205", "柳北区", "跃进路"), ("450206", "柳江区", "拉堡镇柳堡路"))


def _check_digit(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def _personal(kind: str, seed: int) -> str | None:
    code, district, road = _DISTRICTS[seed % len(_DISTRICTS)]
    if kind == masking.ID_NUMBER:
        body = f"{code}{1950 + seed % 60}{seed % 12 + 1:02d}{seed % 28 + 1:02d}{seed % 1000:03d}"
        return body + _check_digit(body)
    if kind == masking.PHONE:
        return f"1{(3, 5, 7, 8)[seed % 4]}{seed % 10}{seed % 100000000:08d}"
    if kind == masking.NAME:
        return _SURNAMES[seed % len(_SURNAMES)] + _GIVEN[seed // 7 % len(_GIVEN)]
    if kind == masking.ADDRESS:
        return f"广西壮族自治区柳州市{district}{road}{seed % 300 + 1}号"
    return None


def _value(item: dict, row: int) -> str:
    kind = (item.get("data_type") or "C").upper()
    seed = int(hashlib.sha1(f"{item.get('identifier')}{row}".encode()).hexdigest()[:6], 16)
    if masking.is_personal(item):
        value = _personal(masking.kind_of(item), seed)
        if value is not None:
            return value
    if kind in ("N", "I"):
        return str(seed % 1000)
    if kind in ("F", "M"):
        return f"{seed % 100000 / 100:.2f}"
    if kind == "D":
        return f"2026-{seed % 12 + 1:02d}-{seed % 28 + 1:02d}"
    if kind == "T":
        return f"{seed % 24:02d}:{seed % 60:02d}:00"
    if kind == "Y":
        return str(2020 + seed % 7)
    if kind in ("B", "L"):
        return "是" if seed % 2 else "否"
    name = item.get("name") or item.get("identifier") or "值"
    return f"示例{name}{row + 1}"


def columns(items: list[dict]) -> list[str]:
    return [i.get("identifier") or f"col{n}" for n, i in enumerate(items, 1)]


def records(items: list[dict]) -> list[dict[str, str]]:
    keys = columns(items)
    return [{k: _value(i, row) for k, i in zip(keys, items)} for row in range(ROWS)]


def csv_bytes(items: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([i.get("name") or k for i, k in zip(items, columns(items))])
    for rec in records(items):
        writer.writerow(list(rec.values()))
    return out.getvalue().encode("utf-8-sig")
