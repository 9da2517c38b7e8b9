"""What search adds to a catalog entry's Solr document (fields of solr/make_schema.py).

- ``title_py`` / ``title_py_initials``: the title and each keyword as pinyin syllables
  (``ren kou``) and initials (``r k``), one value each, so a phrase never spans two of them.
- ``vocab_py``: the title's and keywords' words (jieba) keyed by their pinyin (``huji|户籍``),
  the vocabulary "did you mean" draws from.
"""
from __future__ import annotations

from . import pinyin, segment, text


def _tags(pkg_dict: dict) -> list[str]:
    tags = pkg_dict.get("tags") or []
    return [t if isinstance(t, str) else str(t.get("name", "")) for t in tags]


def index_fields(pkg_dict: dict) -> dict:
    texts = [pkg_dict.get("title") or "", *_tags(pkg_dict)]
    texts = [t for t in texts if t and text.HAN.search(t)]
    if not texts:
        return {}
    words = {w for t in texts for w in segment.cut(t) if len(w) > 1 and text.is_han(w)}
    return {
        "title_py": [pinyin.syllables(t) for t in texts],
        "title_py_initials": [pinyin.initials(t) for t in texts],
        "vocab_py": sorted(f"{pinyin.of_word(w)}|{w}" for w in words),
    }
