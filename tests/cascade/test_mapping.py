"""A regional entry becomes a city catalog entry (cascade/mapping.py, Art 9, 23) on its own:
what the region gives is kept, what it does not give gets the marker and is named, and a
missing choice is read the most restrictive way. (The harvest itself: test_down.py.)"""
from __future__ import annotations

import pytest

from ckanext.liuzhou.cascade import mapping

OWNER = "org-id"


def regional(**over) -> dict:
    remote = {
        "id": "r-1", "name": "shbx", "title": " 社会保险参保信息 ", "notes": "参保人员基本信息",
        "sharing_type": "conditional", "sharing_conditions": "用于社会保障业务", "legal_basis": "《社会保险法》",
        "format_category": "database", "sharing_method": "platform", "open_attribute": "not_open",
        "update_cycle": "monthly", "resource_code": "450000-001",
        "information_items": [{"name": "xm", "data_type": "C", "description": "姓名"}],
        "tags": [{"name": "社保"}],
        "resources": [{"id": "res-1", "name": "接口", "url": "http://gx.invalid/api", "resource_type": "api",
                       "format": "API", "extra": "dropped"}],
    }
    remote.update(over)
    return remote


def test_a_complete_regional_entry_is_kept_as_given():
    pkg, missing, code = mapping.to_catalog(regional(), OWNER)
    assert missing == []
    assert code == "450000-001"  # kept aside: the city assigns its own codes (Art 13)
    assert pkg["id"] == "r-1" and pkg["name"] == "gx-shbx" and pkg["owner_org"] == OWNER
    assert pkg["title"] == "社会保险参保信息" and pkg["type"] == "catalog"
    assert (pkg["private"], pkg["state"], pkg["classification"], pkg["subclass"]) == (
        False, "active", "department", "department")
    assert (pkg["sharing_type"], pkg["legal_basis"], pkg["update_cycle"]) == ("conditional", "《社会保险法》", "monthly")
    assert [t["name"] for t in pkg["tags"]] == ["社保", mapping.REGIONAL_TAG]
    assert pkg["resources"] == [{"id": "res-1", "name": "接口", "url": "http://gx.invalid/api",
                                 "resource_type": "api", "format": "API"}]


def test_a_stock_ckan_entry_gives_its_fields_as_extras():
    remote = regional()
    extras = [{"key": k, "value": remote.pop(k)} for k in ("sharing_type", "legal_basis", "update_cycle")]
    pkg, missing, _code = mapping.to_catalog({**remote, "extras": extras}, OWNER)
    assert missing == []
    assert (pkg["sharing_type"], pkg["legal_basis"], pkg["update_cycle"]) == ("conditional", "《社会保险法》", "monthly")


def test_what_the_region_does_not_give_is_marked_and_named_and_read_the_strict_way():
    remote = {"id": "r-2", "name": "bare", "title": "", "notes": "",
              "resources": [{"id": "res-2", "format": "CSV"}]}
    pkg, missing, code = mapping.to_catalog(remote, OWNER)
    assert code is None
    assert pkg["title"] == "bare"   # a title is never empty
    # the most restrictive reading: on request only, not open
    assert (pkg["sharing_type"], pkg["open_attribute"], pkg["sharing_method"]) == ("conditional", "not_open", "platform")
    assert set(missing) == {"notes", "format_category", "sharing_type", "sharing_method", "open_attribute",
                            "update_cycle", "sharing_conditions", "legal_basis", "information_items",
                            "resources.resource_type"}
    for field in ("notes", "sharing_conditions", "legal_basis"):
        assert mapping.is_marked(pkg[field]), field
    assert mapping.is_marked(pkg["information_items"][0]["name"])
    assert pkg["resources"] == [{"id": "res-2", "format": "CSV", "name": "res-2", "url": "",
                                 "resource_type": "file"}]
    assert [t["name"] for t in pkg["tags"]] == [mapping.REGIONAL_TAG]


@pytest.mark.parametrize("field, value", [("sharing_type", "shared"), ("update_cycle", "sometimes"),
                                          ("open_attribute", "")])
def test_a_choice_the_catalog_does_not_know_is_replaced_and_named(field, value):
    pkg, missing, _code = mapping.to_catalog(regional(**{field: value}), OWNER)
    assert pkg[field] == mapping.DEFAULTS[field] and missing == [field]


def test_a_conditionally_open_entry_without_conditions_is_marked():
    pkg, missing, _code = mapping.to_catalog(regional(open_attribute="conditional_open"), OWNER)
    assert missing == ["open_conditions"] and mapping.is_marked(pkg["open_conditions"])


def test_a_regional_base_or_theme_catalog_is_a_department_catalog_here():
    pkg, missing, _code = mapping.to_catalog(regional(classification="base"), OWNER)
    assert pkg["classification"] == "department" and missing == ["classification"]


def test_the_local_name_is_stable_and_fits_ckan():
    assert mapping.local_name("shbx") == mapping.local_name("shbx") == "gx-shbx"
    assert len(mapping.local_name("x" * 200)) == 100


@pytest.mark.parametrize("value, marked", [(mapping.MARK, True), (f"前{mapping.MARK}后", True), ("《社会保险法》", False),
                                           (None, False), (["x"], False)])
def test_is_marked(value, marked):
    assert mapping.is_marked(value) is marked
