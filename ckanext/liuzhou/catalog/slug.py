"""Readable ASCII URL names from Chinese titles (CKAN names must be ASCII)."""
from __future__ import annotations

import functools
import re
import unicodedata

from pypinyin import Style, lazy_pinyin

MAX_LEN = 90  # CKAN allows 100; leave room for a "-NN" suffix


@functools.lru_cache(maxsize=4096)  # a bulk call asks again for the title's name (its lock key)
def slugify(title: str) -> str:
    """A title as a CKAN name: one pinyin syllable per Chinese character, Latin runs kept.

    柳州市常住人口基础信息 → liu-zhou-shi-chang-zhu-ren-kou-ji-chu-xin-xi;
    PM2.5 浓度 → pm2-5-nong-du. Never empty and never shorter than CKAN's two characters.
    """
    text = unicodedata.normalize("NFKC", title or "").strip()
    parts: list[str] = []
    # pypinyin keeps non-Chinese runs as they are; split those on anything non-alphanumeric.
    for chunk in lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False):
        ascii_chunk = unicodedata.normalize("NFKD", chunk).encode("ascii", "ignore").decode()
        for word in re.split(r"[^0-9A-Za-z]+", ascii_chunk.lower()):
            if word:
                parts.append(word)
    slug = ""
    for word in parts:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_LEN:
            break
        slug = candidate
    if len(slug) < 2:
        slug = f"catalog-{slug}" if slug else "catalog"
    return slug


def unique(base: str, taken) -> str:
    """base, base-2, base-3 … whichever ``taken(name)`` says is free."""
    if not taken(base):
        return base
    n = 2
    while taken(f"{base}-{n}"):
        n += 1
    return f"{base}-{n}"
