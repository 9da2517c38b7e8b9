"""The real catalog as a bench corpus (bench/real_catalog.py): the departments' own text, cleaned,
mapped onto the catalog's codes and onto Liuzhou's departments, valid under the form's rules,
the same each time; and the clerk queries made from its titles."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from bench import corpus
from bench import real_catalog as rc
from ckanext.liuzhou.catalog import vocab

pytestmark = pytest.mark.skipif(not rc.DATA.exists(), reason=f"{rc.DATA} not on this machine")


@pytest.fixture(scope="module")
def catalog():
    return rc.RealCatalog(limit=2000)


@pytest.fixture(scope="module")
def sample(catalog):
    return list(catalog.entries(0, 2000))


def test_same_index_same_entry_and_the_order_mixes_the_portals(catalog, sample):
    assert rc.RealCatalog(limit=10).entry(7) == catalog.entry(7)
    assert len({e["name"] for e in sample}) == len(sample)
    portals = Counter(catalog.raw[i]["portal"].split("_")[0] for i in range(2000))
    assert set(portals) == {"jiangsu", "zhejiang", "hainan", "shanghai"}


@pytest.mark.parametrize("real, expected", [
    ("省农业农村厅", "lzsnyncj"), ("南京市公安局", "lzsgaj"), ("市市场监督管理局", "lzsscjdglj"),
    ("盐城市人力资源和社会保障局", "lzsrlzyhshbzj"), ("上海市交通委员会", "lzsjtysj"),
    ("镇江市医疗保障局", "lzsybj"), ("诸暨市大数据发展管理中心", "lzsdsjfzj"),
])
def test_a_bureau_goes_to_the_liuzhou_bureau_of_its_remit(catalog, real, expected):
    assert catalog.department_for(real) == (expected, "bureau")


def test_a_county_level_provider_goes_to_a_county_and_the_rest_by_a_stable_hash(catalog):
    for real in ("泰兴市人民政府办公室", "吴江区", "淮安市盱眙县", "上海市浦东新区人民政府"):
        name, how = catalog.department_for(real)
        assert how == "county" and catalog.by_name[name].level == "county"
    name, how = catalog.department_for("泗洪县大数据中心")
    assert how == "county" and "大数据" in catalog.by_name[name].title
    name, how = catalog.department_for("市文化广电和旅游局")
    assert how == "hash" and catalog.by_name[name].level == "city"
    assert catalog.department_for("市文化广电和旅游局") == (name, how)
    assert catalog.department_for("", "某某目录")[1] == "empty"


def test_text_is_cleaned_and_items_are_names_of_type_c(catalog, sample):
    for e in sample:
        assert e["title"] and e["notes"]
        assert not re.search(r"<[a-zA-Z/][^>]*>|[\r\n\t]", e["title"] + e["notes"])
        assert e["information_items"] and all(i["data_type"] == "C" for i in e["information_items"])
    published = [i for i in range(2000) if catalog.raw[i].get("items")]
    assert published, "the sample holds entries with published items"
    i = published[0]
    assert [x["name"] for x in catalog.entry(i)["information_items"]][0] == catalog.raw[i]["items"][0].strip()


def test_codes_are_the_catalogs_and_base_only_where_the_lead_department_provides(sample):
    for e in sample:
        assert e["update_cycle"] in {c for c in corpus.CYCLES}
        assert e["format_category"] in set(corpus.FORMATS) | {"media"}
        assert e["open_attribute"] in {"open", "conditional_open", "not_open"}
        if e["open_attribute"] != "open":
            assert e["open_conditions"]
        if e["classification"] == "base":
            assert e["owner_org"] in vocab.DEFAULT_LEAD_DEPARTMENTS[e["subclass"]]
            assert e["lead_department"] == e["owner_org"]
        else:
            assert (e["classification"], e["subclass"]) == ("department", "department")


def test_what_did_not_map_is_counted(catalog):
    m = catalog.mapping(2000)
    assert m["entries"] == 2000
    assert sum(m["department"].values()) == 2000 and sum(m["classification"].values()) == 2000
    assert m["unmapped"]["information_items"]["total"] > 0
    assert set(m["unmapped"]) >= {"information_items", "update_cycle", "format", "open"}


def test_the_stock_side_gets_the_same_text(sample):
    e = sample[3]
    s = corpus.to_stock(e)
    assert (s["name"], s["title"], s["notes"], s["owner_org"]) == (e["name"], e["title"], e["notes"], e["owner_org"])


def test_clerk_queries_of_every_kind_from_the_loaded_titles(catalog):
    queries = catalog.clerk_queries
    kinds = Counter(q["kind"] for q in queries)
    assert kinds == Counter(rc.QUERY_KINDS)
    titles = set(catalog.titles())
    assert all(q["title"] in titles for q in queries)
    for q in queries:
        if q["kind"] == "pinyin":
            assert re.fullmatch(r"[a-z]+", q["q"])
        if q["kind"] == "typo":
            assert any(c in rc.TYPOS.values() for c in q["q"])
    assert rc.RealCatalog(limit=2000).search_queries == catalog.search_queries
    assert len(set(catalog.search_queries)) == len(queries)


@pytest.mark.usefixtures("departments")
def test_the_entries_pass_the_forms_rules(catalog):
    """A dry run of save_many (the form's schema, Art 13, 15, 17, 22) refuses none of the first 150."""
    import ckan.plugins.toolkit as tk
    from ckanext.liuzhou.catalog import bulk

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    out = bulk.save_many({"user": site}, [corpus.api_entry(catalog.entry(i)) for i in range(150)], dry_run=True)
    refused = [(catalog.entry(o.index)["title"], o.errors) for o in out if o.action == bulk.REFUSED]
    assert not refused
