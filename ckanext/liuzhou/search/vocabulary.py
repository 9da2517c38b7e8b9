"""The words search understands: synonym groups, departments' short names, filler words.

Shipped defaults live in ``search/data/`` (see docs/search.md for their formats and sources);
the Operator's edits (``search_synonyms_update``) are stored in ``liuzhou_search_vocabulary``
and replace the defaults of their kind.

Each process keeps one :class:`Vocabulary` snapshot. It is read again when the Operator saves
(the saving process at once; every other process when its snapshot is older than
``ckanext.liuzhou.search.vocabulary_refresh`` seconds), and the departments' names are
re-read then too, so a new department's short names are found without a restart.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import ckan.model as model

from .. import config as lz_config
from . import departments as dept_names
from .model import DEPARTMENT_ALIASES, SYNONYMS, SearchVocabulary, _utcnow as utcnow


DATA = Path(__file__).resolve().parent / "data"
_SPLIT = re.compile(r"\s*[,，、;；]\s*|\s+")


def _lines(name: str) -> list[str]:
    out = []
    for line in (DATA / name).read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def split_terms(text: str) -> list[str]:
    """Terms of a group as typed: separated by commas (either width), 、, semicolons or spaces."""
    return [t for t in _SPLIT.split(text.strip()) if t]


def default_synonyms() -> list[list[str]]:
    return [split_terms(line) for line in _lines("synonyms.txt")]


def default_abbreviations() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in _lines("department_abbreviations.txt"):
        core, _, short = line.partition(":")
        if short.strip():
            out[core.strip()] = split_terms(short)
    return out


def filler_words() -> frozenset[str]:
    return frozenset(_lines("filler_words.txt"))


@dataclass(frozen=True, eq=False)  # compared by identity: one snapshot, one parse cache key
class Vocabulary:
    synonyms: tuple[tuple[str, ...], ...]
    aliases: dict[str, tuple[str, ...]]  # short name -> department names
    department_aliases: dict[str, list[str]]  # department name -> its short names (effective)
    overridden: frozenset[str]  # departments whose short names the Operator set
    fillers: frozenset[str]
    group_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # department name -> title

    def synonyms_of(self, term: str) -> tuple[str, ...]:
        """The other terms of ``term``'s group (empty when it has none)."""
        return tuple(t for t in self.group_of.get(term, ()) if t != term)

    def departments_of(self, term: str) -> tuple[str, ...]:
        return self.aliases.get(term, ())

    def words(self) -> Iterable[str]:
        """Every term the segmenter should keep whole."""
        yield from self.group_of
        yield from self.aliases


def _stored() -> dict[str, object]:
    rows = model.Session.query(SearchVocabulary.name, SearchVocabulary.body).all()
    return {name: body for name, body in rows}


def build(stored: dict[str, object], departments: list[dict]) -> Vocabulary:
    """The effective vocabulary from the stored documents (or the defaults) and the departments
    (``[{name, title}]``)."""
    groups = stored.get(SYNONYMS)
    synonyms = tuple(tuple(g) for g in (groups if isinstance(groups, list) else default_synonyms()) if len(g) > 1)
    group_of: dict[str, tuple[str, ...]] = {}
    for g in synonyms:
        for term in g:
            group_of[term] = tuple(dict.fromkeys(group_of.get(term, ()) + g))
    overrides = stored.get(DEPARTMENT_ALIASES)
    overrides = overrides if isinstance(overrides, dict) else {}
    derived = dept_names.derive_all(departments, default_abbreviations())
    effective = {name: list(overrides.get(name, derived.get(name, []))) for name in
                 {d["name"] for d in departments}}
    aliases: dict[str, tuple[str, ...]] = {}
    for name, shorts in effective.items():
        for short in shorts:
            aliases[short] = aliases.get(short, ()) + (name,)
    return Vocabulary(synonyms=synonyms, aliases=aliases, department_aliases=effective,
                      overridden=frozenset(n for n in overrides if n in effective),
                      fillers=filler_words(), group_of=group_of,
                      titles={d["name"]: d["title"] or d["name"] for d in departments})


# --------------------------------------------------------------------------- the process cache
_lock = threading.Lock()
_state: dict[str, object] = {"vocabulary": None, "checked": 0.0}


def forget() -> None:
    """Read the vocabulary again at the next search (the process that saved a change)."""
    with _lock:
        _state.update(vocabulary=None, checked=0.0)


def load() -> Vocabulary:
    from .. import tree

    departments = [{"name": d["name"], "title": d["title"] or ""} for d in tree.departments().values()]
    return build(_stored(), departments)


def current() -> Vocabulary:
    """The process's snapshot, read again after ``forget()`` or when it is older than
    ``ckanext.liuzhou.search.vocabulary_refresh`` seconds."""
    now = time.monotonic()
    refresh = lz_config.search_vocabulary_refresh()
    with _lock:
        vocab = _state["vocabulary"]
        if vocab is None or now - float(_state["checked"]) >= refresh:
            vocab = load()
            _state.update(vocabulary=vocab, checked=now)
            from . import segment

            segment.add_words(vocab.words())
    return vocab  # type: ignore[return-value]
