"""What before_dataset_search does to a query (no Solr needed)."""
from __future__ import annotations

from ckanext.liuzhou.catalog import search


def test_full_width_input_is_normalised():
    assert search.normalize_query("ＧＤＰ") == "GDP"
    assert search.normalize_query("ＰＭ２．５") == "PM2.5"
    assert search.normalize_query("住房公积金\u3000贷款") == "住房公积金 贷款"


def test_full_width_punctuation_never_becomes_query_syntax():
    assert search.normalize_query("柳州：人口") == "柳州 人口"
    assert search.normalize_query("地区生产总值（GDP）") == "地区生产总值 GDP"


def test_a_query_as_typed_becomes_its_required_words_over_the_catalog_fields(departments):
    params = search.before_dataset_search({"q": "５Ｇ基站"})
    assert params["q"] == '+("5G") +("基站")'
    assert params["defType"] == "edismax"
    assert "information_item_names" in params["qf"] and "provider_text" in params["qf"]


def test_a_query_with_solr_syntax_keeps_every_word_required(departments):
    params = search.before_dataset_search({"q": "人口 OR 法人"})
    assert params["q"] == "人口 OR 法人"
    assert params["defType"] == "edismax" and params["mm"] == "1"


def test_explicit_parameters_and_fielded_queries_are_left_to_the_caller():
    assert search.before_dataset_search({"q": "人口", "defType": "dismax"}) == {
        "q": "人口", "defType": "dismax"}
    assert search.before_dataset_search({"q": "title:人口"}) == {"q": "title:人口"}
    assert search.before_dataset_search({"q": ""}) == {"q": ""}


def test_department_becomes_the_subtree_filter():
    fq = search.before_dataset_search({"fq": ' department:"ljq" +dataset_type:catalog'})["fq"]
    assert fq == ' provider_ancestors:"ljq" +dataset_type:catalog'
    assert search.before_dataset_search({"fq": "lead_department:ljq"})["fq"] == "lead_department:ljq"
