"""Pinyin as typed before switching the keyboard: ``renkou``, ``gongjijin``, initials ``rk``.

Index side (:func:`syllables`, :func:`initials`): the title and keywords as toneless pinyin
syllables separated by spaces (``ren kou``) and as initials (``r k``), in fields analysed by
whitespace, so a phrase query matches any run of characters.
Query side (:func:`split`): a Latin word is split into valid syllables (``gongjijin`` →
``gong ji jin``, fewest syllables first); a word that splits into none is read as initials.
"""
from __future__ import annotations

import functools
import unicodedata

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from .text import HAN


def _toneless(syllable: str) -> str:
    s = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=1)
def valid_syllables() -> frozenset[str]:
    out = set()
    for readings in pinyin_dict.values():
        for r in readings.split(","):
            t = _toneless(r)
            if t.isalpha() and t.isascii():
                out.add(t)
    out.discard("")
    return frozenset(out)


MAX_SYLLABLE = 6


@functools.lru_cache(maxsize=4096)
def split(word: str) -> tuple[str, ...] | None:
    """``word`` (lower-case Latin letters) as the fewest valid syllables, or None."""
    valid = valid_syllables()
    n = len(word)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, min(n, i + MAX_SYLLABLE) + 1):
            piece = word[i:j]
            if piece in valid:
                cand = best[i] + (piece,)
                if best[j] is None or len(cand) < len(best[j]):
                    best[j] = cand
    return best[n]


def _han_runs(text: str) -> list[str]:
    runs, cur = [], []
    for ch in text:
        if HAN.match(ch):
            cur.append(ch)
        elif cur:
            runs.append("".join(cur))
            cur = []
    if cur:
        runs.append("".join(cur))
    return runs


@functools.lru_cache(maxsize=8192)
def _runs_pinyin(text: str) -> tuple[tuple[str, ...], ...]:
    """Each Han run of ``text`` as pypinyin's toneless syllables (one conversion, shared by
    :func:`syllables` and :func:`initials`)."""
    return tuple(tuple(lazy_pinyin(run)) for run in _han_runs(text))


@functools.lru_cache(maxsize=8192)
def syllables(text: str) -> str:
    """``柳州市常住人口`` → ``liu zhou shi chang zhu ren kou`` (Han characters only)."""
    return " ".join(" ".join(run) for run in _runs_pinyin(text))


def _first_letters(run: tuple[str, ...], han: str) -> str:
    # pypinyin's FIRST_LETTER style is the first letter of the toneless syllable; a character
    # it has no reading for comes back as it is, in a chunk that style would also leave whole
    if all(s.isascii() and s.isalpha() for s in run):
        return " ".join(s[0] for s in run)
    return " ".join(lazy_pinyin(han, style=Style.FIRST_LETTER))


@functools.lru_cache(maxsize=8192)
def initials(text: str) -> str:
    """``常住人口`` → ``c z r k``."""
    return " ".join(_first_letters(run, han) for run, han in zip(_runs_pinyin(text), _han_runs(text)))


@functools.lru_cache(maxsize=8192)
def of_word(word: str) -> str:
    """Toneless pinyin of a Han word without spaces: 户籍 → huji (the did-you-mean key)."""
    return "".join(lazy_pinyin(word))


def char_syllables(text: str) -> list[str | None]:
    """Per character of ``text``: its toneless syllable, or None for a non-Han character."""
    return [lazy_pinyin(ch)[0] if HAN.match(ch) else None for ch in text]
