"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation type (1), administrative division
code (6), organisation code (9, GB 11714), check character (1). The check character is
``31 - (Σ value(cᵢ)·wᵢ mod 31)`` over the first 17 characters, with 31 written as ``0``.
"""
from __future__ import annotations

import hashlib

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# GB 11714 organisation code: 8 characters and a check character.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


# Why a code is refused; the validators turn these into translated messages.
WRONG_LENGTH = "length"
BAD_CHARACTERS = "characters"
WRONG_CHECK = "check"


def problem(code: str) -> str | None:
    """None when valid, else one of WRONG_LENGTH, BAD_CHARACTERS, WRONG_CHECK."""
    if not isinstance(code, str) or len(code) != 18:
        return WRONG_LENGTH
    if any(c not in _VALUE for c in code):
        return BAD_CHARACTERS
    if check_character(code[:17]) != code[17]:
        return WRONG_CHECK
    return None


def bad_characters(code: str) -> list[str]:
    """The characters of ``code`` that a credit code cannot contain (I, O, S, V, Z, …)."""
    return sorted({c for c in code if c not in _VALUE})


def _org_check(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def make_sample(division_code: str, seed: str) -> str:
    """A deterministic, valid code for demo data: 1 (机构编制) 1 (机关) + division + org code."""
    digest = int(hashlib.sha1(seed.encode("utf-8")).hexdigest(), 16)
    org8 = f"{digest % 10**8:08d}"
    first17 = "11" + (division_code or "450200")[:6] + org8 + _org_check(org8)
    return first17 + check_character(first17)
