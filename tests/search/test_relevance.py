"""Search in Chinese finds what it should (tests/search/relevance_cases.json), and stock CKAN's
schema does not: the floors below are what `ckan liuzhou relevance` measures."""
from __future__ import annotations

import pytest

# Kinds where every query must find every relevant entry on the project's schema.
COMPLETE_KINDS = ["two_char_word_in_title", "word_only_in_items", "mixed_latin", "full_width"]

# The one must_not the bigram chain returns, measured and accepted: 人口 is a substring of
# 个人口腔 (儿童口腔健康检查). Word segmentation (smartcn, icu) avoids it but then misses
# 学生 in 中小学生 and 交通 in 交通事故, i.e. relevant entries (see the closing note).
KNOWN_BIGRAM_NEAR_MISSES = {("人口", "dental")}


def _failures(setup, kind=None):
    return {r.query.q: r.missed for r in setup.results
            if (kind is None or r.query.kind == kind) and r.missed}


@pytest.mark.parametrize("kind", COMPLETE_KINDS)
def test_every_query_of_the_kind_finds_all_its_entries(relevance_report, kind):
    assert _failures(relevance_report.project, kind) == {}


def test_recall_and_precision_floors(relevance_report):
    overall = relevance_report.project.overall
    assert overall.micro_recall == 1.0, _failures(relevance_report.project)
    assert overall.micro_precision >= 0.98
    assert overall.macro_precision >= 0.98


def test_no_must_not_entry_is_returned_beyond_the_known_bigram_near_miss(relevance_report):
    returned = {(r.query.q, k) for r in relevance_report.project.results for k in r.violations}
    assert returned <= KNOWN_BIGRAM_NEAR_MISSES


@pytest.mark.xfail(strict=True, reason="bigrams: 人口 matches 个人口腔 (measured trade-off)")
def test_no_must_not_entry_is_returned_at_all(relevance_report):
    assert relevance_report.project.overall.violations == 0


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
    assert relevance_report.project.overall.map >= 0.99


def test_stock_ckan_schema_misses_the_two_character_word_in_a_title(relevance_report):
    # 柳州市流动人口居住登记信息 is one token for stock CKAN: only the entries tagged 人口 match
    stock = relevance_report.stock.result("人口")
    assert "pop_floating" in stock.missed
    assert relevance_report.project.result("人口").missed == []


def test_the_project_beats_stock_ckan_by_a_wide_margin(relevance_report):
    project, stock = relevance_report.project.overall, relevance_report.stock.overall
    assert stock.micro_recall < 0.8
    assert project.micro_recall - stock.micro_recall >= 0.3
    assert project.complete > stock.complete + 20
