"""Information-item names compared as one data (Art 17): NFKC, case-folded, without
punctuation, symbols or spaces. Pure functions (the migration that backfills uses them too)."""
from __future__ import annotations

import json
import unicodedata
from typing import Any, Iterable


def normalize_name(name: Any) -> str:
    """``'公民身份号码 (ＩＤ)'`` → ``'公民身份号码id'``; ``''`` when nothing is left."""
    text = unicodedata.normalize("NFKC", str(name or "")).casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZSC")


def items_of(value: Any) -> list[dict]:
    """Information items from a list or its JSON text (as package_extra stores it)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [v for v in value or [] if isinstance(v, dict)]


def normalized_names(items: Iterable[dict]) -> dict[str, str]:
    """normalised name → the first original name it came from (empty names left out)."""
    out: dict[str, str] = {}
    for item in items:
        name = str(item.get("name") or "").strip()
        key = normalize_name(name)
        if key and key not in out:
            out[key] = name
    return out
