"""What search adds to a catalog entry's Solr document (fields of solr/make_schema.py).

- ``title_py`` / ``title_py_initials``: the title and each keyword as pinyin syllables
  (``ren kou``) and initials (``r k``), one value each, so a phrase never spans two of them.
- ``vocab_py``: the title's and keywords' words (jieba) keyed by their pinyin (``huji|户籍``),
  the vocabulary "did you mean" draws from.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from . import pinyin, segment, text

_local = threading.local()


def _tags(pkg_dict: dict) -> list[str]:
    tags = pkg_dict.get("tags") or []
    return [t if isinstance(t, str) else str(t.get("name", "")) for t in tags]


def key(title: str, tags: list[str]) -> tuple:
    """What :func:`index_fields` depends on: the title, the keywords and the words the
    segmenter knows (:func:`segment.state`)."""
    return (title or "", tuple(tags), segment.state())


def fields_of(title: str, tags: list[str]) -> dict:
    """:func:`index_fields` of a document with this title and these keywords."""
    texts = [t for t in [title or "", *tags] if t and text.HAN.search(t)]
    if not texts:
        return {}
    words = {w for t in texts for w in segment.cut(t) if len(w) > 1 and text.is_han(w)}
    return {
        "title_py": [pinyin.syllables(t) for t in texts],
        "title_py_initials": [pinyin.initials(t) for t in texts],
        "vocab_py": sorted(f"{pinyin.of_word(w)}|{w}" for w in words),
    }


@contextmanager
def known(fields: dict) -> Iterator[None]:
    """Within the block, :func:`index_fields` of a document whose :func:`key` is in
    ``fields`` is taken from there (the bulk import's helper process computes them)."""
    _local.known = fields
    try:
        yield
    finally:
        _local.known = None


def index_fields(pkg_dict: dict) -> dict:
    title, tags = pkg_dict.get("title") or "", _tags(pkg_dict)
    known_fields = getattr(_local, "known", None)
    found = known_fields.get(key(title, tags)) if known_fields else None
    if found is not None:
        return {k: list(v) for k, v in found.items()}
    return fields_of(title, tags)
