"""Masking of personal information in delivered tables (《个人信息保护法》 Art 6, 28, 51;
《政务数据共享条例》: a department obtains only the personal information its duty needs).

An information item is marked ``personal_information``: ``none`` (无), ``personal`` (个人信息)
or ``sensitive`` (敏感个人信息, PIPL Art 28). A DataStore table of an entry shows the values
of its personal items masked to every reader but the provider's own users, unless the share
request that opens it names the item and the provider approved the request's purpose for it
(``personal_items`` of the request, see :mod:`ckanext.liuzhou.access.columns`).

The rule per kind of value (the kind is read from the item's name and identifier):

- ID numbers (身份证号): the first 6 characters (the issuing area) and the last 4 are kept,
  ``450202********1234``; a value that is not 15 or 18 characters of digits (and X) is
  masked whole;
- phone numbers: the first 3 and the last 4 characters are kept, ``138****5678``; a value
  with fewer than 7 digits is masked whole;
- names: the surname is kept (a two-character surname such as 欧阳 too), ``张**``;
- addresses: kept up to the district or county (区 / 县 / 旗, or the city when no district is
  written), ``广西壮族自治区柳州市城中区****``; a value with neither is masked whole;
- any other personal item: masked whole.

A masked value always differs from the original unless it was empty; masking never raises.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Optional

NONE, PERSONAL, SENSITIVE = "none", "personal", "sensitive"
MARKS = (NONE, PERSONAL, SENSITIVE)
ID_NUMBER, PHONE, NAME, ADDRESS, OTHER = "id_number", "phone", "name", "address", "other"
KINDS = (ID_NUMBER, PHONE, NAME, ADDRESS, OTHER)

STAR = "*"
WHOLE = "******"   # a value masked whole: a fixed width, so its length tells nothing

# (kind, words in the item's name, words in its identifier); the first that matches wins
_KIND_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (ID_NUMBER, ("身份证", "身份号码", "证件号", "身份证号"), ("idcard", "id_card", "id_no", "idno", "id_number",
                                                         "sfz", "zjhm", "sfzh", "cert_no")),
    (PHONE, ("电话", "手机", "联系方式"), ("phone", "mobile", "tel", "lxdh", "sjhm")),
    (ADDRESS, ("地址", "住址", "住所", "居住地", "户籍地"), ("address", "addr", "dz", "zz")),
    (NAME, ("姓名", "名字", "联系人", "法定代表人", "负责人"), ("name", "xm", "contact")),
)
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门 "
    "轩辕 呼延 澹台 公冶 太史 申屠 闻人 万俟 赫连 钟离 宗政 濮阳 淳于 单于 仲孙 拓跋".split())
_ID = re.compile(r"^(?:\d{17}[\dXx]|\d{15})$")
_ADDRESS = re.compile(
    r"^((?:[^省]{2,7}?省|.{2,12}?自治区)?(?:.{1,12}?(?:市|自治州|地区|盟))?.{1,12}?(?:区|县|旗|市))")


def mark(item: dict) -> str:
    """An item's personal-information mark (``none`` when unmarked or unknown)."""
    value = item.get("personal_information") if isinstance(item, dict) else None
    return value if value in MARKS else NONE


def is_personal(item: dict) -> bool:
    return mark(item) != NONE


def kind_of(item: dict) -> str:
    """The kind of value an item holds, from its name and identifier."""
    name = str(item.get("name") or "")
    ident = str(item.get("identifier") or "").lower()
    parts = set(re.split(r"[^a-z0-9]+", ident)) | {ident}
    for kind, words, idents in _KIND_WORDS:
        if any(w in name for w in words) or parts & set(idents):
            return kind
    return OTHER


def _stars(n: int) -> str:
    return STAR * max(n, 1)


def mask_id_number(value: str) -> str:
    v = value.strip()
    if not _ID.match(v):
        return WHOLE
    return v[:6] + _stars(len(v) - 10) + v[-4:]


def mask_phone(value: str) -> str:
    v = value.strip()
    if sum(c.isdigit() for c in v) < 7 or len(v) < 8:
        return WHOLE
    return v[:3] + _stars(len(v) - 7) + v[-4:]


def mask_name(value: str) -> str:
    v = value.strip()
    if not v:
        return WHOLE
    if re.match(r"^[A-Za-z]", v):     # a name in Latin letters: keep the family name as written first
        words = v.split()
        return words[0] + " " + _stars(3) if len(words) > 1 else WHOLE
    head = v.split("·")[0] if "·" in v else v
    surname = head[:2] if head[:2] in _COMPOUND_SURNAMES and len(head) > 2 else head[:1]
    rest = len(v) - len(surname)
    return surname + _stars(rest) if rest > 0 else WHOLE


def mask_address(value: str) -> str:
    v = value.strip()
    match = _ADDRESS.match(v)
    if not match or len(match.group(1)) >= len(v):
        return WHOLE if not match else match.group(1) + _stars(4)
    return match.group(1) + _stars(4)


_MASKS = {ID_NUMBER: mask_id_number, PHONE: mask_phone, NAME: mask_name, ADDRESS: mask_address}


def mask(kind: str, value: Any) -> Any:
    """The masked form of one value of this kind; None and empty values stay as they are."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return value
    text = value if isinstance(value, str) else str(value)
    try:
        return _MASKS.get(kind, lambda _v: WHOLE)(text)
    except Exception:  # noqa: BLE001 — masking never lets a value through on an error
        return WHOLE


def personal_columns(items: Iterable[dict], unmasked: Optional[Iterable[str]] = ()) -> dict[str, str]:
    """column name → kind, for the personal items of an entry that are not in ``unmasked``
    (item keys: identifier, or name). A column may be named by the item's identifier or name."""
    keep = {str(k) for k in unmasked or ()}
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not is_personal(item):
            continue
        key = str(item.get("identifier") or item.get("name"))
        if key in keep:
            continue
        kind = kind_of(item)
        for column in (item.get("identifier"), item.get("name")):
            if column:
                out[str(column)] = kind
    return out


def mask_records(records: list, columns: dict[str, str]) -> list:
    """Mask in place the listed columns of DataStore records (dicts, or lists with ``fields``
    handled by the caller)."""
    for record in records or []:
        if isinstance(record, dict):
            for column, kind in columns.items():
                if column in record:
                    record[column] = mask(kind, record[column])
    return records


def _decoded(records: Any) -> Any:
    """CKAN hands API callers the records as lazy JSON text: decode it to mask it."""
    if isinstance(records, (list, str)) or records is None:
        return records
    encoded = getattr(records, "encoded_json", None)
    if encoded is not None:
        import json
        return json.loads(encoded() if callable(encoded) else encoded)
    return records


def mask_result(result: dict, columns: dict[str, str]) -> dict:
    """Mask the personal columns of a ``datastore_search`` result in place, whatever its
    ``records_format``: objects, lists, or the CSV / TSV text the DataStore dump asks for."""
    if not columns or not isinstance(result, dict):
        return result
    fields = [f.get("id") for f in result.get("fields") or [] if isinstance(f, dict)]
    records = _decoded(result.get("records"))
    if isinstance(records, str):
        import csv
        import io
        fmt = result.get("records_format")
        delimiter = "\t" if fmt == "tsv" else ","
        rows = list(csv.reader(io.StringIO(records), delimiter=delimiter))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        for row in rows:
            writer.writerow([mask(columns[fields[i]], v) if i < len(fields) and fields[i] in columns and v != ""
                             else v for i, v in enumerate(row)])
        result["records"] = out.getvalue()
    elif isinstance(records, list):
        for record in records:
            if isinstance(record, dict):
                for column, kind in columns.items():
                    if column in record:
                        record[column] = mask(kind, record[column])
            elif isinstance(record, list):
                for i, column in enumerate(fields[:len(record)]):
                    if column in columns:
                        record[i] = mask(columns[column], record[i])
        result["records"] = records
    return result
