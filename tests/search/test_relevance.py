"""Search in Chinese finds what it should (tests/search/relevance_cases.json), and stock CKAN's
schema does not: the floors below are what `python -m bench.relevance` measures on the base set
(the first 53 queries). The clerk set (queries as clerks type them) is measured, not held to a
floor here: its figures are in docs/search-quality.md; its file is checked below."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from bench import relevance

# Kinds where every query must find every relevant entry on the project's schema.
COMPLETE_KINDS = ["two_char_word_in_title", "word_only_in_items", "mixed_latin", "full_width"]

# The one must_not the bigram chain returns, measured and accepted: 人口 is a substring of
# 个人口腔 (儿童口腔健康检查). Word segmentation (smartcn, icu) avoids it but then misses
# 学生 in 中小学生 and 交通 in 交通事故, i.e. relevant entries (see the closing note).
KNOWN_BIGRAM_NEAR_MISSES = {("人口", "dental")}

# The clerk set: every kind it must hold, and how many queries at least.
CLERK_KINDS = {"compound_filler", "non_adjacent", "department", "department_short",
               "abbreviation", "pinyin", "initials", "typo", "traditional", "spaced",
               "full_width_text"}
CLERK_QUERIES = 80
BASE_QUERIES = 53


def _base(setup):
    """The setup's results on the base set only (the queries and expectations of the first
    set, which the clerk set's entries must not disturb)."""
    return relevance.SetupResult(setup.name, setup.of_set(relevance.BASE_SET))


def _failures(setup, kind=None):
    return {r.query.q: r.missed for r in setup.results
            if (kind is None or r.query.kind == kind) and r.missed}


@pytest.mark.parametrize("kind", COMPLETE_KINDS)
def test_every_query_of_the_kind_finds_all_its_entries(relevance_report, kind):
    assert _failures(relevance_report.project, kind) == {}


def test_recall_and_precision_floors(relevance_report):
    base = _base(relevance_report.project)
    assert len(base.results) == BASE_QUERIES
    overall = base.overall
    assert overall.micro_recall == 1.0, _failures(base)
    assert overall.micro_precision >= 0.98
    assert overall.macro_precision >= 0.98


def test_no_must_not_entry_is_returned_beyond_the_known_bigram_near_miss(relevance_report):
    base = _base(relevance_report.project)
    returned = {(r.query.q, k) for r in base.results for k in r.violations}
    assert returned <= KNOWN_BIGRAM_NEAR_MISSES


@pytest.mark.xfail(strict=True, reason="bigrams: 人口 matches 个人口腔 (measured trade-off)")
def test_no_must_not_entry_is_returned_at_all(relevance_report):
    assert _base(relevance_report.project).overall.violations == 0


def test_words_that_only_appear_in_information_items_find_their_entry(relevance_report):
    r = relevance_report.project.result("龋齿")
    assert r.returned == ["dental"]


def test_a_long_word_does_not_match_on_one_of_its_bigrams(relevance_report):
    # dismax would OR 号牌|牌号|号码 and return every entry with a 号码 (e.g. 公民身份号码);
    # 车牌号码 (etc_parking) is the same item: 车牌 and 号牌 are synonyms
    r = relevance_report.project.result("号牌号码")
    assert sorted(r.returned) == ["car_insurance", "etc_parking", "traffic_violation"]
    assert r.returned[-1] == "etc_parking"  # the exact words rank first


def test_relevant_entries_rank_above_the_rest(relevance_report):
    assert _base(relevance_report.project).overall.map >= 0.99


def test_stock_ckan_schema_misses_the_two_character_word_in_a_title(relevance_report):
    # 柳州市流动人口居住登记信息 is one token for stock CKAN: only the entries tagged 人口 match
    stock = relevance_report.stock.result("人口")
    assert "pop_floating" in stock.missed
    assert relevance_report.project.result("人口").missed == []


def test_the_project_beats_stock_ckan_by_a_wide_margin(relevance_report):
    project = _base(relevance_report.project).overall
    stock = _base(relevance_report.stock).overall
    assert stock.micro_recall < 0.8
    assert project.micro_recall - stock.micro_recall >= 0.3
    assert project.complete > stock.complete + 20


def test_every_query_is_measured_on_every_setup(relevance_report):
    entries, queries = relevance.load_cases()
    for setup in relevance_report.setups:
        assert [r.query for r in setup.results] == queries
    assert relevance_report.notes["departments"] == len(relevance.load_departments())


def test_entries_of_harness_departments_are_indexed_on_both_sides(relevance_report):
    # the 人口 entries belong to the harness's 柳州市公安局, the 社会保险 ones to its 人社局
    assert set(relevance_report.project.result("人口").returned) >= {
        "pop_resident", "pop_migration", "pop_floating"}
    assert "si_payment" in relevance_report.project.result("社会保险").returned
    assert "si_payment" in relevance_report.stock.result("社会保险").returned


def test_the_harness_departments_are_purged_after_the_run(relevance_report):
    import ckan.model as model

    assert relevance.load_departments()
    for d in relevance.load_departments():
        assert model.Group.get(relevance.department_name(d["key"])) is None, d["title"]


# --------------------------------------------------------------------------- the file itself
def test_the_clerk_set_has_every_kind_and_enough_queries():
    _, queries = relevance.load_cases()
    clerk = [q for q in queries if q.set == "clerk"]
    assert len(clerk) >= CLERK_QUERIES
    assert {q.kind for q in clerk} == CLERK_KINDS
    assert all(n >= 5 for n in Counter(q.kind for q in clerk).values())
    # every clerk query names a near miss, except the few where the set has none
    assert sum(1 for q in clerk if q.must_not) >= 0.9 * len(clerk)


def test_the_base_set_is_kept_as_it_was():
    _, queries = relevance.load_cases()
    base = [q for q in queries if q.set == relevance.BASE_SET]
    assert len(base) == BASE_QUERIES
    assert queries[:BASE_QUERIES] == base  # the old queries first, none moved or dropped
    assert {q.kind for q in base}.isdisjoint(CLERK_KINDS)


def test_every_key_of_the_file_exists():
    data = json.loads(relevance.CASES_PATH.read_text("utf-8"))
    entries = {e["key"] for e in data["entries"]}
    departments = {d["key"] for d in data["departments"]}
    assert len(entries) == len(data["entries"]) and len(departments) == len(data["departments"])
    assert len({q["q"] for q in data["queries"]}) == len(data["queries"])
    for q in data["queries"]:
        assert set(q["relevant"]) | set(q.get("must_not", [])) <= entries, q["q"]
    for e in data["entries"]:
        assert e.get("provider") is None or e["provider"] in departments, e["key"]
    for d in data["departments"]:
        assert d.get("parent") is None or d["parent"] in departments, d["key"]
    # every department kind has entries to find
    used = {e.get("provider") for e in data["entries"]}
    assert departments <= used | {d.get("parent") for d in data["departments"]}


def test_harness_department_names_do_not_collide_with_the_demo():
    from ckanext.liuzhou.demo import loader

    demo = {r["name"] for r in loader.departments()}
    harness = {relevance.department_name(d["key"]) for d in relevance.load_departments()}
    assert harness and not harness & demo
    assert all(n.startswith(relevance.DEPARTMENT_PREFIX) for n in harness)


def test_departments_come_parents_first_and_a_bad_parent_is_refused(tmp_path):
    order = [d["key"] for d in relevance.load_departments()]
    for d in relevance.load_departments():
        if d.get("parent"):
            assert order.index(d["parent"]) < order.index(d["key"])
    bad = tmp_path / "cases.json"
    bad.write_text(json.dumps({"departments": [{"key": "a", "title": "甲", "parent": "zz"}],
                               "entries": [], "queries": []}), "utf-8")
    with pytest.raises(ValueError):
        relevance.load_departments(bad)
