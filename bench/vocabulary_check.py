"""Check the search vocabulary of ckanext/liuzhou/search/data against its formats and the real catalog.

    python -m bench.vocabulary_check [--catalog PATH] [--departments PATH]

Stdlib only, plus jieba when it is installed (it then also reports the terms jieba does not
keep whole, which the search code should add to jieba's dictionary).

1. Reads the four files and checks their format; raises VocabularyError on a malformed line,
   a term in two synonym groups, a group of one term, a term twice in a group, a filler word
   that is also a synonym term or a place name, a department core listed twice, ...
2. For each synonym group: how many real catalog entries (title or notes) contain each term.
3. For each department line: how many real entries' departments it matches (the department's
   core, see ``department_core``, equals the line's core or one of its short names).
4. Totals: groups, pairs, groups verified in the catalog; the 150 most frequent department
   cores of the catalog and the departments of liuzhou-departments.csv, each covered or not.

The real catalog: /work/shared/data/real-catalog/entries.jsonl.gz (README there).
"""
from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "ckanext", "liuzhou", "search", "data")
CATALOG = "/work/shared/data/real-catalog/entries.jsonl.gz"
DEPARTMENTS = "/work/shared/data/liuzhou-departments.csv"
TOP_CORES = 150

SYNONYMS = "synonyms.txt"
DEPT_ABBR = "department_abbreviations.txt"
FILLERS = "filler_words.txt"
PLACES = "place_names.txt"


class VocabularyError(ValueError):
    """A malformed vocabulary file."""


# A term: no whitespace, no separators of either file (ASCII or full-width comma, colon).
_TERM = re.compile(r"^[^\s,，:：、;；]+$")


def _lines(path):
    """(line number, text) of the non-blank, non-comment lines of a UTF-8 file."""
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line != line.strip():
                raise VocabularyError(f"{os.path.basename(path)}:{no}: leading or trailing space: {line!r}")
            yield no, line


def _term(path, no, term, what="term"):
    if not _TERM.match(term):
        raise VocabularyError(f"{os.path.basename(path)}:{no}: malformed {what} {term!r}")
    return term


def read_synonyms(path):
    """List of groups (lists of terms); raises on a malformed line, a group of one, a term twice."""
    groups, seen = [], {}
    for no, line in _lines(path):
        terms = [_term(path, no, t) for t in line.split(", ")]
        if len(terms) < 2:
            raise VocabularyError(f"{os.path.basename(path)}:{no}: a group of one term: {line!r}")
        if len(set(terms)) != len(terms):
            raise VocabularyError(f"{os.path.basename(path)}:{no}: a term twice in its group: {line!r}")
        for t in terms:
            if t in seen:
                raise VocabularyError(
                    f"{os.path.basename(path)}:{no}: {t!r} is already in the group of line {seen[t]}")
            seen[t] = no
        groups.append(terms)
    return groups


def read_departments(path):
    """List of (core, [short names]); raises on a malformed line or a core listed twice."""
    lines, cores = [], {}
    for no, line in _lines(path):
        if line.count(": ") != 1:
            raise VocabularyError(f"{os.path.basename(path)}:{no}: not 'core: short, short': {line!r}")
        core, rest = line.split(": ")
        _term(path, no, core, "core")
        shorts = [_term(path, no, s, "short name") for s in rest.split(", ")]
        if len(set(shorts)) != len(shorts):
            raise VocabularyError(f"{os.path.basename(path)}:{no}: a short name twice: {line!r}")
        if core in shorts:
            raise VocabularyError(f"{os.path.basename(path)}:{no}: the core among its short names: {line!r}")
        if core in cores:
            raise VocabularyError(f"{os.path.basename(path)}:{no}: core {core!r} already on line {cores[core]}")
        cores[core] = no
        lines.append((core, shorts))
    return lines


def read_words(path):
    """One word a line; raises on a malformed line or a word twice."""
    words, seen = [], {}
    for no, line in _lines(path):
        _term(path, no, line, "word")
        if line in seen:
            raise VocabularyError(f"{os.path.basename(path)}:{no}: {line!r} already on line {seen[line]}")
        seen[line] = no
        words.append(line)
    return words


def read_all(data=DATA):
    groups = read_synonyms(os.path.join(data, SYNONYMS))
    depts = read_departments(os.path.join(data, DEPT_ABBR))
    fillers = read_words(os.path.join(data, FILLERS))
    places = read_words(os.path.join(data, PLACES))
    terms = {t for g in groups for t in g}
    for w in fillers:
        if w in terms:
            raise VocabularyError(f"{FILLERS}: {w!r} is also a synonym term")
        if w in places:
            raise VocabularyError(f"{FILLERS}: {w!r} is also a place name")
    for w in places:
        if w in terms:
            raise VocabularyError(f"{PLACES}: {w!r} is also a synonym term")
    dept_words = {w for core, shorts in depts for w in [core, *shorts]}
    for w in fillers:
        if w in dept_words:
            raise VocabularyError(f"{FILLERS}: {w!r} is also a department name")
    for w in places:
        if w in dept_words:
            raise VocabularyError(f"{PLACES}: {w!r} is also a department name")
    return groups, depts, fillers, places


# Department cores: the name without its place prefix --------------------------------------

_PAREN = re.compile(r"[（(][^（()）]*[)）]")
# 【台州市】…, 衢州市-…, 国家税务总局…, 中共…
_LEAD = re.compile(r"^(?:【[^】]*】|[^-－]{2,8}[-－]|国家税务总局|中共|中国共产党)")
# a place name (shortest) and its suffix, with the party committee (市委, 县委) if any
_PLACE = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|地区|盟|新区|自治县|区|县|旗|镇|乡|街道)(?:委(?!员))?)")
_NOT_IN_PLACE = ("和", "与", "及", "局", "委员", "办", "厅", "部", "会", "院", "所", "站", "队",
                 "中心", "银行", "公司", "集团")
_NOT_PLACE = {"城市", "地区", "社区", "小区", "景区", "园区", "市区", "城区", "都市", "超市", "县区",
              "湾区", "片区", "辖区", "街道"}
_PARTY = re.compile(r"^(?:省|市|区|县|州|镇|乡)委(?=.)")
# 省/市/区/县 alone (省财政厅, 市民政局, 区府办), but not 市场监督管理局, 区域…, 市监局
_ONE = re.compile(r"^(?:省|市|区|县|镇|乡)(?![场区域级县委监])")


def department_core(name):
    """柳州市住房和城乡建设局 → 住房和城乡建设局; 中共柳州市委网络安全和信息化委员会办公室 →
    网络安全和信息化委员会办公室; 国家税务总局柳州市税务局 → 税务局; 省市场监管局(省知识产权局) →
    市场监管局. A name that is only a place (太仓市, 工业园区) stays as it is."""
    s = _PAREN.sub("", re.sub(r"\s+", "", name or ""))
    for _ in range(8):
        before = s
        m = _LEAD.match(s)
        if m and len(s) - m.end() >= 2:
            s = s[m.end():]
        m = _PLACE.match(s)
        if m:
            p = m.group(1)
            if (p not in _NOT_PLACE and p[0] not in "省市区县镇乡"
                    and not any(b in p for b in _NOT_IN_PLACE) and len(s) - len(p) >= 2):
                s = s[len(p):]
        for rx in (_PARTY, _ONE):
            m = rx.match(s)
            if m and len(s) - m.end() >= 2:
                s = s[m.end():]
        if s == before:
            break
    return s


# The real catalog ----------------------------------------------------------------------------

def read_catalog(path):
    texts, depts = [], collections.Counter()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            texts.append(f"{e.get('title') or ''}\n{e.get('notes') or ''}")
            depts[e.get("department") or ""] += 1
    return texts, depts


def _jieba():
    try:
        import logging
        import jieba
        jieba.setLogLevel(logging.WARNING)
        return jieba
    except ImportError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench.vocabulary_check", description=__doc__.split("\n")[0])
    ap.add_argument("--catalog", default=os.environ.get("LIUZHOU_REAL_CATALOG", CATALOG))
    ap.add_argument("--departments", default=DEPARTMENTS)
    ap.add_argument("--data", default=DATA)
    args = ap.parse_args(argv)

    groups, depts, fillers, places = read_all(args.data)
    n_terms = sum(len(g) for g in groups)
    print(f"format: OK ({len(groups)} synonym groups of {n_terms} terms, {len(depts)} department lines, "
          f"{len(fillers)} filler words, {len(places)} place names)")

    if not os.path.exists(args.catalog):
        print(f"real catalog not found at {args.catalog}: format checked only")
        return 0
    texts, dept_counts = read_catalog(args.catalog)
    print(f"real catalog: {len(texts)} entries ({args.catalog})")

    # Synonym groups ---------------------------------------------------------------------------
    print(f"\n== synonyms.txt: entries whose title or notes contain each term ==")
    verified = both = 0
    for g in groups:
        counts = [sum(1 for t in texts if term in t) for term in g]
        found = sum(1 for c in counts if c)
        verified += found > 0
        both += found >= 2
        mark = "" if found else "   <-- NOT IN THE CATALOG"
        print(", ".join(f"{term} {c}" for term, c in zip(g, counts)) + mark)
    pairs_linked = sum(len(g) - 1 for g in groups)
    pairs_all = sum(len(g) * (len(g) - 1) // 2 for g in groups)
    print(f"\ngroups: {len(groups)}; terms: {n_terms}; pairs: {pairs_all} (all pairs within groups), "
          f"{pairs_linked} (one per extra term)")
    print(f"groups verified in the catalog (a term in titles or notes): {verified} of {len(groups)}; "
          f"with two or more of their terms found: {both}")

    # Department short names -------------------------------------------------------------------
    core_counts = collections.Counter()
    for name, n in dept_counts.items():
        core_counts[department_core(name)] += n
    print(f"\n== department_abbreviations.txt: entries whose department's core is the line's core "
          f"or one of its short names ==")
    print(f"(cores of the catalog's {len(dept_counts)} department names: {len(core_counts)}; "
          f"entries without a department: {dept_counts.get('', 0)})")
    short_owner = collections.defaultdict(list)
    matched_entries = lines_matched = 0
    for core, shorts in depts:
        for s in shorts:
            short_owner[s].append(core)
        by_core = core_counts.get(core, 0)
        by_short = [core_counts.get(s, 0) for s in shorts]
        total = by_core + sum(by_short)
        matched_entries += total
        lines_matched += total > 0
        print(f"{core}: {total} = {core} {by_core} + "
              + ", ".join(f"{s} {c}" for s, c in zip(shorts, by_short)))
    print(f"\ndepartment lines: {len(depts)}; short names: {sum(len(s) for _, s in depts)}; "
          f"lines matching real departments: {lines_matched}; entries matched: {matched_entries}")
    shared = {s: c for s, c in short_owner.items() if len(c) > 1}
    if shared:
        print("short names of more than one core (a search for them means all): "
              + "; ".join(f"{s} → {', '.join(c)}" for s, c in sorted(shared.items())))

    both_files = sorted({t for g in groups for t in g} & {w for c, s in depts for w in [c, *s]})
    if both_files:
        print("in synonyms.txt and department_abbreviations.txt both (the same equivalence in each): "
              + ", ".join(both_files))

    known = {core for core, _ in depts} | set(short_owner)
    top = core_counts.most_common(TOP_CORES + 1)
    top = [(c, n) for c, n in top if c][:TOP_CORES]
    missing = [(c, n) for c, n in top if c not in known]
    print(f"\nthe {len(top)} most frequent department cores of the catalog: {len(top) - len(missing)} "
          f"covered (a core or a short name of a line), {len(missing)} without a line "
          f"(a place, not a department, or no short name in use):")
    print("  " + ", ".join(f"{c} {n}" for c, n in missing))

    if os.path.exists(args.departments):
        with open(args.departments, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        print(f"\nliuzhou-departments.csv: {len(rows)} departments")
        covered = 0
        for r in rows:
            c = department_core(r["title"])
            line = next((shorts for core, shorts in depts if core == c), None)
            covered += line is not None
            print(f"  {r['title']} → {c}: {', '.join(line) if line else '(no short name in use)'}")
        print(f"  with a line: {covered} of {len(rows)}")

    # jieba ---------------------------------------------------------------------------------------
    jieba = _jieba()
    if jieba is None:
        print("\njieba not installed: segmentation not checked")
        return 0
    print("\n== jieba (default dictionary): terms it does not keep whole (add them to its dictionary) ==")
    for title, words in (("synonym terms", [t for g in groups for t in g]),
                         ("department cores and short names", [w for c, s in depts for w in [c, *s]]),
                         ("place names", places),
                         ("filler words", fillers)):
        split = [f"{w} ({'/'.join(jieba.lcut(w))})" for w in words if jieba.lcut(w) != [w]]
        print(f"{title}: {len(split)} of {len(words)} split: " + ", ".join(split))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except VocabularyError as e:
        print(f"vocabulary_check: {e}", file=sys.stderr)
        sys.exit(2)
