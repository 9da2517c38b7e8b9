"""Sample data for the demo entries: a small CSV per entry, made from its information items.

The demo's resource locations are fictitious (``data.liuzhou.example``), so without these the
platform's download route would have nothing to deliver. Each entry gets one uploaded file,
``样例数据（演示）.csv``, with three rows of made-up values typed by each item's data type
(GB/T 21063 codes: C text, N/I/F/M numbers, D date, T time, Y year, B/L flags), also loaded
into the DataStore so that ``datastore_search`` can be shown on the same rules.
Values are synthetic and deterministic; no real person is described.
"""
from __future__ import annotations

import csv
import hashlib
import io

SAMPLE_NAME = "样例数据（演示）"
FILE_NAME = "sample.csv"
ROWS = 3


def _value(item: dict, row: int) -> str:
    kind = (item.get("data_type") or "C").upper()
    seed = int(hashlib.sha1(f"{item.get('identifier')}{row}".encode()).hexdigest()[:6], 16)
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
