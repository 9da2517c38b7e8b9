"""Departments' short names, as clerks say them (人社局, 市人社局, 柳江区人社局).

A department's title is a place (柳州市, 柳江区, 融水苗族自治县, 拉堡镇, nested as in
柳州市柳江区) followed by a core name (人力资源和社会保障局). The short names of the core
come from ``search/data/department_abbreviations.txt``; the place is said in full, in its
short form (柳江, 融水) or, for the city itself, as 市. The Operator can replace a
department's short names on the vocabulary page (``search_synonyms_update``).
"""
from __future__ import annotations

import re

# A place's administrative suffix, longest first; 人民政府 names the place's government.
_PLACE_SUFFIXES = ("苗族自治县", "侗族自治县", "瑶族自治县", "壮族自治区", "自治县", "自治区",
                   "街道", "市", "区", "县", "镇", "乡")
_GOVERNMENT = "人民政府"
_PARTY = re.compile(r"^中共(.+?)委(.+)$")
_TAX = re.compile(r"^国家税务总局(.+)$")


def places(departments: list[dict]) -> list[str]:
    """Place names of the tree: the titles of governments (柳州市柳江区人民政府 → 柳江区,
    柳州市柳江区) and 柳州市, longest first."""
    found = set()
    for d in departments:
        title = d.get("title") or ""
        if title.endswith(_GOVERNMENT):
            place = title[: -len(_GOVERNMENT)]
            found.add(place)
            for suffix in _PLACE_SUFFIXES:  # 柳州市柳江区 → 柳江区 as well
                head, sep, tail = place.partition(suffix)
                if sep and tail:
                    found.add(tail)
                    break
    for d in departments:  # a city's departments name their city: 柳州市公安局 → 柳州市
        title = d.get("title") or ""
        m = re.match(r"^(.{2,4}?市)", title)
        if m:
            found.add(m.group(1))
    return sorted(found, key=len, reverse=True)


def short_place(place: str) -> str:
    """柳江区 → 柳江, 融水苗族自治县 → 融水, 柳州市 → 柳州 (a name of two characters or more)."""
    for suffix in _PLACE_SUFFIXES:
        if place.endswith(suffix) and len(place) - len(suffix) >= 2:
            return place[: -len(suffix)]
    return place


def split_title(title: str, place_names: list[str]) -> tuple[list[str], str]:
    """(places from the outermost, core): 柳州市柳江区公安局 → (['柳州市', '柳江区'], '公安局')."""
    m = _TAX.match(title)
    if m:
        title = m.group(1)
    m = _PARTY.match(title)
    if m:  # 中共柳州市委网络安全和信息化委员会办公室 → 柳州市 + 网络安全和信息化委员会办公室
        title = m.group(1) + m.group(2)
    found: list[str] = []
    changed = True
    while changed and title:
        changed = False
        for place in place_names:
            if title.startswith(place) and len(title) > len(place):
                found.append(place)
                title = title[len(place):]
                changed = True
                break
    return found, title


def derive(title: str, place_names: list[str], abbreviations: dict[str, list[str]]) -> list[str]:
    """The short names of one department (empty when its core has none)."""
    found, core = split_title(title, place_names)
    shorts = abbreviations.get(core) or []
    if not shorts:
        return []
    place = found[-1] if found else ""
    out: list[str] = []
    for short in shorts:
        out.append(short)
        if not place:
            continue
        if place.endswith("市") and len(found) == 1:
            out += ["市" + short, short_place(place) + short, place + short]
        else:
            out += [place + short, short_place(place) + short]
    return list(dict.fromkeys(o for o in out if o != title))


def derive_all(departments: list[dict], abbreviations: dict[str, list[str]]) -> dict[str, list[str]]:
    """department name → its derived short names."""
    place_names = places(departments)
    return {d["name"]: derive(d.get("title") or "", place_names, abbreviations) for d in departments}
