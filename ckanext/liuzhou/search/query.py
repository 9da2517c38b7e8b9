"""A query as a clerk types it, understood: words, filler, synonyms, departments, pinyin.

``人社局 养老保险信息`` is read as

- 人社局: a department's short name → the entries of 柳州市人力资源和社会保障局 (and of the
  departments under it), or any text holding 人社局;
- 养老保险: a content word → its synonyms (养老保险 = 基本养老保险 …) as alternatives;
- 信息: a filler word → optional: it ranks, it never empties the result.

The Solr query (edismax over :data:`QF`, every word a phrase of the index's bigrams) is

- strict: every content word required (any of its alternatives), anywhere in the entry, in any
  order; filler words and the content words in order and close together in the title only add
  to the score;
- relaxed (asked for when the strict query finds nothing): at least one content word, ranked
  by how many match.

CKAN sends ``q.op=AND``, which makes every bare clause required; the optional clauses therefore
sit in a required group with a clause every entry matches (``entity_type:package``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import pinyin, segment, text
from .vocabulary import Vocabulary

# Fields a text query searches, and their weights: CKAN's "name^4 title^4 tags^2 groups^2
# text" plus the information item names and the provider's names (its title and the titles
# of the departments above it).
QF = "name^4 title^4 tags^2 groups^2 information_item_names^2 provider_text^2 text"
MATCH_ALL = "entity_type:package"
# Place names that name the whole platform's territory: a filter nobody needs here.
CITY_WORDS = frozenset({"柳州市", "柳州", "市", "全市", "本市", "市级", "广西", "广西壮族自治区", "自治区"})
MAX_QUERY_CHARS = 200   # longer input is cut here (a pasted paragraph is not a query)
MAX_TERMS = 12
# Single characters that join words rather than belong to one.
SINGLE_FILLERS = frozenset("的和与及或等之")
_CHUNK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Term:
    text: str
    filler: bool = False
    synonyms: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    pinyin: tuple[str, ...] = ()     # valid syllables of a Latin word
    initials: tuple[str, ...] = ()   # letters of a Latin word read as initials

    @property
    def han(self) -> bool:
        return text.is_han(self.text)

    def words(self) -> tuple[str, ...]:
        """What to mark in a result: the word and its synonyms."""
        return (self.text, *self.synonyms)


@dataclass(frozen=True)
class ParsedQuery:
    q: str
    terms: tuple[Term, ...] = ()
    advanced: bool = False
    compounds: tuple[str, ...] = ()  # runs typed without a space that hold several content words

    @property
    def content(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.filler)

    @property
    def fillers(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.filler)

    @property
    def natural(self) -> bool:
        return not self.advanced and bool(self.terms)

    @property
    def can_relax(self) -> bool:
        return self.natural and len(self.content) > 1

    def solr_q(self, relaxed: bool = False) -> str:
        content = [_clause(t) for t in self.content]
        boosts = [_phrase(t.text) for t in self.fillers]
        boosts += [_phrase(c) + "^2" for c in self.compounds]
        in_title = [t.text for t in self.content if t.han and not t.departments]
        if len(in_title) > 1:
            boosts.append('title:"{}"~8^2'.format(_escape(" ".join(in_title))))
        if relaxed:
            parts = ["+(" + " OR ".join(content) + ")"]
        else:
            parts = ["+" + c for c in content]
        if boosts:
            parts.append("+(" + " OR ".join([MATCH_ALL, *boosts]) + ")")
        return " ".join(parts)

    def highlight_words(self) -> tuple[str, ...]:
        words: list[str] = []
        for t in self.content:
            words.extend(t.words())
        return tuple(dict.fromkeys(w for w in words if w))

    def pinyin_runs(self) -> tuple[tuple[str, ...], ...]:
        return tuple(t.pinyin for t in self.content if t.pinyin)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _phrase(word: str) -> str:
    return '"{}"'.format(_escape(word))


def _clause(term: Term) -> str:
    # the word as typed ranks above its synonyms
    alternatives = [_phrase(term.text), *(_phrase(s) + "^0.7" for s in term.synonyms)]
    alternatives += ['provider_ancestors:"{}"^2'.format(_escape(d)) for d in term.departments]
    if term.pinyin:
        alternatives.append('title_py:"{}"^0.5'.format(" ".join(term.pinyin)))
    if term.initials:
        alternatives.append('title_py_initials:"{}"^0.3'.format(" ".join(term.initials)))
    return "(" + " OR ".join(alternatives) + ")"


def _words(q: str, compounds: list[str] | None = None) -> list[str]:
    """Han runs segmented by jieba; Latin/digit runs whole (PM2.5, GDP, renkou). Han runs cut
    into several words are added to ``compounds``."""
    out: list[str] = []
    for chunk in _CHUNK.findall(q):
        if text.HAN.match(chunk[0]):
            words = segment.cut(chunk)
            # runs of single characters are a word jieba does not know (户/藉): keep them whole
            merged: list[str] = []
            single_run = False
            for w in words:
                if len(w) == 1 and w not in SINGLE_FILLERS:
                    if single_run:
                        merged[-1] += w
                    else:
                        merged.append(w)
                    single_run = True
                else:
                    merged.append(w)
                    single_run = False
            out.extend(merged)
            if len(merged) > 1 and compounds is not None:
                compounds.append(chunk)
        else:
            out.extend(m.group(0) for m in _LATIN.finditer(chunk))
    return out


def _latin_term(word: str) -> dict:
    """Pinyin readings of a Latin word (renkou, Renkou, RENKOU; rk typed in lower case): short
    upper-case words (GDP, PM2.5) and mixed-case words are what they say."""
    lower = word.lower()
    if not text.LATIN_WORD.match(lower) or len(lower) < 2:
        return {}
    if word[1:] != word[1:].lower() and not (word.isupper() and len(word) >= 5):
        return {}
    syllables = pinyin.split(lower)
    if syllables:
        return {"pinyin": syllables}
    if len(lower) <= 6 and word == lower:
        return {"initials": tuple(lower)}
    return {}


def parse(q: str, vocab: Vocabulary) -> ParsedQuery:
    """The query's terms (empty for input with no words)."""
    q = text.normalize(q or "")[:MAX_QUERY_CHARS]
    return _parse(q, vocab)


@functools.lru_cache(maxsize=2048)
def _parse(q: str, vocab: Vocabulary) -> ParsedQuery:
    if not q:
        return ParsedQuery(q)
    if text.is_advanced(q):
        return ParsedQuery(q, advanced=True)
    compounds: list[str] = []
    words = list(dict.fromkeys(_words(q, compounds)))[:MAX_TERMS]
    terms = []
    for w in words:
        filler = w in vocab.fillers or w in CITY_WORDS
        terms.append(Term(
            text=w, filler=filler,
            synonyms=() if filler else vocab.synonyms_of(w),
            departments=() if filler else vocab.departments_of(w),
            **({} if filler or text.HAN.search(w) else _latin_term(w))))
    if terms and all(t.filler for t in terms):  # 数据, 柳州市: then they are what is asked
        terms = [Term(text=t.text, synonyms=vocab.synonyms_of(t.text),
                      departments=vocab.departments_of(t.text)) for t in terms]
    # a compound is worth a boost when it holds at least two content words
    content = {t.text for t in terms if not t.filler}
    compounds = [c for c in compounds if sum(1 for w in content if w in c) > 1][:MAX_TERMS]
    return ParsedQuery(q, tuple(terms), compounds=tuple(compounds))
