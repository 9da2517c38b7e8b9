"""The benchmark's generated catalog: realistic, valid under the catalog rules, the same each time."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from bench import corpus
from ckanext.liuzhou.catalog import vocab

CJK = re.compile(r"[\u4e00-\u9fff]")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@pytest.fixture(scope="module")
def catalog():
    return corpus.Catalog(seed=7)


@pytest.fixture(scope="module")
def sample(catalog):
    return list(catalog.entries(0, 1500))


def test_same_index_same_entry_other_seed_other_catalog(catalog):
    assert catalog.entry(42) == corpus.Catalog(seed=7).entry(42)
    assert catalog.entry(42)["title"] != corpus.Catalog(seed=8).entry(42)["title"] or \
        catalog.entry(42)["notes"] != corpus.Catalog(seed=8).entry(42)["notes"]


def test_names_are_unique_and_carry_the_prefix(catalog, sample):
    assert len({e["name"] for e in sample}) == len(sample)
    assert catalog.entry(3, prefix="c1")["name"] == "c1-7-000003"


def test_providers_come_from_the_real_tree_across_four_levels(catalog, sample):
    levels = Counter(catalog.by_name[e["owner_org"]].level for e in sample)
    assert set(levels) == set(vocab.LEVELS)
    assert levels["city"] > levels["county"] > levels["township"] > levels["village"]


def test_text_is_chinese(sample):
    for e in sample[:200]:
        assert CJK.search(e["title"]) and CJK.search(e["notes"])
        assert all(CJK.search(i["name"]) for i in e["information_items"])


def test_classification_rules_art_15(sample):
    kinds = Counter(e["classification"] for e in sample)
    assert set(kinds) == {"base", "theme", "department"}
    for e in sample:
        if e["classification"] == "base":
            leads = vocab.DEFAULT_LEAD_DEPARTMENTS[e["subclass"]]
            assert e["owner_org"] in leads and e["lead_department"] in leads
        elif e["classification"] == "theme":
            assert vocab.SUBCLASS_OF[e["subclass"]] == "theme" and e["lead_department"]
        else:
            assert e["subclass"] == "department" and "lead_department" not in e


def test_sharing_and_open_rules_art_22(sample):
    assert set(Counter(e["sharing_type"] for e in sample)) == {"unconditional", "conditional", "not_shared"}
    for e in sample:
        if e["sharing_type"] == "conditional":
            assert e["sharing_conditions"] and e["legal_basis"]
        if e["sharing_type"] == "not_shared":
            assert e["legal_basis"] and e["open_attribute"] == "not_open"
        if e["open_attribute"] == "conditional_open":
            assert e["open_conditions"]


def test_information_items_art_13(sample):
    for e in sample:
        items = e["information_items"]
        assert 4 <= len(items) <= 10
        assert len({i["name"] for i in items}) == len(items)
        assert len({i["identifier"].lower() for i in items}) == len(items)
        for i in items:
            assert IDENTIFIER.match(i["identifier"])
            assert i["data_type"] in vocab.DATA_TYPES
            if i["data_type"] in vocab.LENGTH_REQUIRED:
                lo, hi = vocab.LENGTH_BOUNDS[i["data_type"]]
                assert lo <= i["length"] <= hi


def test_stock_dataset_has_the_same_content_as_plain_ckan_fields(catalog):
    entry = catalog.entry(5)
    stock = corpus.to_stock(entry)
    assert set(stock) == {"name", "title", "notes", "owner_org", "tags", "extras", "resources"}
    assert (stock["name"], stock["title"], stock["notes"]) == (entry["name"], entry["title"], entry["notes"])
    extras = {x["key"]: x["value"] for x in stock["extras"]}
    assert all(isinstance(v, str) for v in extras.values())
    assert extras["sharing_type"] == entry["sharing_type"]
    assert json.loads(extras["information_items"]) == entry["information_items"]
    assert [t["name"] for t in stock["tags"]] == entry["tags"]
    assert all(set(r) == {"name", "description", "format", "url"} for r in stock["resources"])


def test_project_payload_uses_tag_string(catalog):
    data = corpus.api_entry(catalog.entry(5))
    assert "tags" not in data and data["tag_string"] == ",".join(catalog.entry(5)["tags"])


def test_generated_entries_pass_the_catalog_schema(departments, catalog):
    """Entries of every classification and level are accepted by package_create as they are."""
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories

    admin = factories.Sysadmin()["name"]
    picked, seen = [], set()
    for e in catalog.entries(0, 400):   # one of each classification at each level, every sharing type
        keys = {(e["classification"], catalog.by_name[e["owner_org"]].level), e["sharing_type"]}
        if keys - seen:
            seen |= keys
            picked.append(e)
    assert len(picked) >= 8
    for e in picked:
        created = tk.get_action("package_create")({"user": admin}, corpus.api_entry(e))
        assert created["title"] == e["title"] and created["resource_code"]
