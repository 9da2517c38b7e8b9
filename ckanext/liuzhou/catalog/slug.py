"""Readable ASCII URL names from Chinese titles (CKAN names must be ASCII)."""
from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

MAX_LEN = 90  # CKAN allows 100; leave room for a "-NN" suffix


def slugify(title: str) -> str:
    """柳州市常住人口基础信息 → liuzhoushi-changzhu-renkou-jichu-xinxi (pinyin, word-ish groups)."""
    text = unicodedata.normalize("NFKC", title or "").strip()
    parts: list[str] = []
    # pypinyin keeps non-Chinese runs as they are; split those on anything non-alphanumeric.
    for chunk in lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False):
        for word in re.split(r"[^0-9A-Za-z]+", chunk.lower()):
            if word:
                parts.append(word)
    slug = ""
    for word in parts:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_LEN:
            break
        slug = candidate
    return slug or "catalog"


def unique(base: str, taken) -> str:
    """base, base-2, base-3 … whichever ``taken(name)`` says is free."""
    if not taken(base):
        return base
    n = 2
    while taken(f"{base}-{n}"):
        n += 1
    return f"{base}-{n}"
