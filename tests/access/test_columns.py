"""A grant opens only the approved information items of a table (access/columns.py, Art 25,
26.4), read on its own: which columns a grant reads, and which DataStore searches it refuses.
(The same rules through the real DataStore and its SQL plans: test_delivered.py.)"""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.access import columns

pytestmark = pytest.mark.usefixtures("with_request_context")  # tk._ in the refusals

ITEMS = [{"name": "公民身份号码", "identifier": "gmsfhm"}, {"name": "姓名", "identifier": "xm"},
         {"name": "出生日期"}]  # an item without an identifier is matched by its name
TABLE = ["_id", "gmsfhm", "xm", "出生日期", "_full_text"]


@pytest.mark.parametrize("stored", [ITEMS, json.dumps(ITEMS, ensure_ascii=False)])
def test_the_items_of_an_entry_as_stored_or_dictized(stored):
    assert columns.entry_items(stored) == ITEMS


@pytest.mark.parametrize("stored", [None, "", "not json", "{}", json.dumps({"a": 1}), [1, "x"]])
def test_items_that_are_not_a_list_of_items_are_none(stored):
    assert columns.entry_items(stored) == []


def test_a_grant_of_some_items_reads_their_columns_and_the_row_id():
    assert columns.allowed_columns(ITEMS, ["gmsfhm"]) == {"_id", "gmsfhm", "公民身份号码"}
    assert columns.allowed_columns(ITEMS, ["出生日期"]) == {"_id", "出生日期"}


def test_a_grant_of_every_item_or_no_restriction_reads_the_whole_table():
    assert columns.allowed_columns(ITEMS, ["gmsfhm", "xm", "出生日期"]) is None
    assert columns.allowed_columns(ITEMS, None) is None


def test_a_grant_of_no_item_reads_only_the_row_id():
    assert columns.allowed_columns(ITEMS, []) == {"_id"}


ALLOWED = {"_id", "gmsfhm", "公民身份号码"}


def test_a_search_without_fields_is_projected_onto_the_readable_columns():
    data = {"resource_id": "r"}
    columns.restrict_search(data, ALLOWED, TABLE)
    assert data["fields"] == ["_id", "gmsfhm"]   # never _full_text, never another item


@pytest.mark.parametrize("data", [
    {"fields": "gmsfhm, xm"}, {"fields": ["xm"]}, {"filters": {"xm": "张三"}}, {"filters": '{"xm": "张三"}'},
    {"q": {"xm": "张"}}, {"q": '{"xm": "张"}'}, {"sort": "xm desc"}, {"sort": '"xm" asc, gmsfhm'},
])
def test_naming_a_column_not_delivered_is_refused_and_names_it(data):
    with pytest.raises(tk.NotAuthorized) as e:
        columns.restrict_search(dict(data), ALLOWED, TABLE)
    assert "xm" in str(e.value) and "gmsfhm" in str(e.value)  # the column refused, the items delivered


@pytest.mark.parametrize("data", [{"q": "张三"}, {"full_text": "张三"}])
def test_a_search_of_every_column_is_refused(data):
    with pytest.raises(tk.NotAuthorized):
        columns.restrict_search(dict(data), ALLOWED, TABLE)


def test_a_search_within_the_delivered_columns_passes_unchanged():
    data = {"fields": ["gmsfhm"], "filters": {"gmsfhm": "4502"}, "q": {"gmsfhm": "4502"}, "sort": "gmsfhm desc"}
    columns.restrict_search(data, ALLOWED, TABLE)
    assert data == {"fields": ["gmsfhm"], "filters": {"gmsfhm": "4502"}, "q": {"gmsfhm": "4502"},
                    "sort": "gmsfhm desc"}


def test_the_table_description_lists_only_the_readable_columns():
    info = {"fields": [{"id": c} for c in TABLE]}
    assert [f["id"] for f in columns.restrict_info(info, ALLOWED)["fields"]] == ["_id", "gmsfhm"]
