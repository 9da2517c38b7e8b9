"""Query text as typed: full-width forms, traditional characters, Solr syntax.

- NFKC turns full-width letters, digits and the ideographic space into ASCII (ＧＤＰ → GDP);
  full-width punctuation that NFKC would turn into Solr syntax becomes a space first
  (柳州：人口 is not a fielded query).
- Traditional characters fold to simplified (戶籍 → 户籍) with OpenCC's ``t2s`` tables.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Fields searched by a text query, and their weights. CKAN's are
# "name^4 title^4 tags^2 groups^2 text"; `text` (the catch-all) already holds the abstract,
# tags and information item names, analysed as Chinese. information_item_names gets its own
# weight so that an entry whose item is named by the query ranks above one that only
# mentions the words in passing; provider_text holds the titles of the provider and the
# departments above it.
TEXT_QF = "name^4 title^4 tags^2 groups^2 information_item_names^2 provider_text^2 text"

_FULLWIDTH_SYNTAX = str.maketrans({c: " " for c in "：＋－！（）｛｝［］＾＂～＊？＼／＆｜"})
_SPACES = re.compile(r"\s+")
# Characters that make a query "advanced": the user wrote Solr syntax on purpose.
_ADVANCED = re.compile(r'[:"()\[\]{}*?~^\\]|(?:^|\s)[+-]\S|\b(?:AND|OR|NOT)\b')
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"^[a-z]+$")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented: pure Python, tables shipped with it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    if not HAN.search(text):
        return text
    return _t2s().convert(text)


def normalize(q: str) -> str:
    """Full-width syntax → space, NFKC, traditional → simplified, spaces collapsed."""
    q = unicodedata.normalize("NFKC", q.translate(_FULLWIDTH_SYNTAX))
    return _SPACES.sub(" ", to_simplified(q)).strip()


def is_advanced(q: str) -> bool:
    """The query uses Solr syntax (fields, quotes, groups, operators, wildcards)."""
    return bool(_ADVANCED.search(q))


def is_han(word: str) -> bool:
    return bool(word) and all(HAN.match(c) for c in word)
