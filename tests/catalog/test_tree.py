"""Departments (organization schema) and their tree (Art 9): credit code, level, parent,
division code and roles; no cycles, and a child's level is never above its parent's."""
from __future__ import annotations

import pytest

import ckan.model as model

from ckanext.liuzhou import tree
from ckanext.liuzhou.catalog import credit_code
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("departments")

_serial = iter(range(10**6))


def code(seed=None):
    return credit_code.make_sample("450200", seed or f"tree-{next(_serial)}")


def dept(name, **over):
    data = {"name": name, "title": f"测试部门 {name}", "credit_code": code(name), "level": "city"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def create(call_as, people):
    def make(name, **over):
        return call_as(people.sysadmin, "organization_create", **dept(name, **over))
    return make


class TestCreditCode:
    def test_a_valid_code_is_stored_upper_case(self, create):
        made = create("cc-ok", credit_code=code("cc-ok").lower())
        assert made["credit_code"] == code("cc-ok")

    @pytest.mark.parametrize("bad", [None, "", "123", "91350100M000100Y44", "91350100M000100Y4O"])
    def test_missing_or_invalid_is_refused(self, refused, people, bad):
        refused(people.sysadmin, "organization_create", "credit_code", **dept("cc-bad", credit_code=bad))

    def test_one_department_per_code(self, create, refused, people):
        create("cc-first", credit_code=code("shared"))
        refused(people.sysadmin, "organization_create", "credit_code",
                **dept("cc-second", credit_code=code("shared")))

    def test_a_department_keeps_its_own_code_on_update(self, create, call_as, people):
        create("cc-keep")
        updated = call_as(people.sysadmin, "organization_patch", id="cc-keep", title="改名后的部门")
        assert model.Group.get("cc-keep").extras["credit_code"] == code("cc-keep")
        assert updated["title"] == "改名后的部门"


class TestFields:
    @pytest.mark.parametrize("level", ["city", "county", "township", "village"])
    def test_the_four_levels(self, create, level):
        assert create(f"lv-{level}", level=level)["level"] == level

    @pytest.mark.parametrize("level", [None, "", "province", "市"])
    def test_other_levels_are_refused(self, refused, people, level):
        refused(people.sysadmin, "organization_create", "level", **dept("lv-bad", level=level))

    @pytest.mark.parametrize("division", ["450200", "450206001000"])
    def test_division_codes_of_6_or_12_digits(self, create, division):
        made = create(f"div-{division}", division_code=division)
        assert made["division_code"] == division

    @pytest.mark.parametrize("division", ["45020", "4502001", "4502060010001", "45020a", "四五零二零零"])
    def test_other_division_codes_are_refused(self, refused, people, division):
        refused(people.sysadmin, "organization_create", "division_code", **dept("div-bad", division_code=division))

    def test_roles_are_a_multiple_select(self, create, call_as, people):
        create("roles-ok", roles=["county_authority", "lead:population"])
        shown = call_as(people.sysadmin, "organization_show", id="roles-ok")
        assert shown["roles"] == ["county_authority", "lead:population"]

    def test_an_unknown_role_is_refused(self, refused, people):
        refused(people.sysadmin, "organization_create", "roles", **dept("roles-bad", roles=["authority", "king"]))

    def test_the_parent_must_exist(self, refused, people):
        refused(people.sysadmin, "organization_create", "parent", **dept("orphan", parent="no-such-dept"))

    def test_the_parent_is_stored_by_name(self, create):
        create("by-id-parent")
        made = create("by-id", level="county", parent=model.Group.get("by-id-parent").id)
        assert made["parent"] == "by-id-parent"


class TestNoCycles:
    def test_a_department_under_itself_is_refused(self, create, refused, people):
        create("self-a")
        refused(people.sysadmin, "organization_patch", "parent", id="self-a", parent="self-a")

    def test_a_to_b_to_a_through_updates_is_refused(self, create, refused, call_as, people):
        create("cyc-a")
        create("cyc-b", parent="cyc-a")
        refused(people.sysadmin, "organization_patch", "parent", id="cyc-a", parent="cyc-b")
        assert not call_as(people.sysadmin, "organization_show", id="cyc-a").get("parent")

    def test_a_longer_cycle_is_refused(self, create, refused, people):
        create("loop-a")
        create("loop-b", parent="loop-a", level="county")
        create("loop-c", parent="loop-b", level="township")
        refused(people.sysadmin, "organization_patch", "parent", id="loop-a", parent="loop-c")

    def test_a_department_with_sub_departments_cannot_be_renamed(self, create, refused, people):
        create("ren-a")
        create("ren-b", parent="ren-a", level="county")
        refused(people.sysadmin, "organization_patch", "name", id="ren-a", name="ren-a-new")


class TestLevels:
    @pytest.mark.parametrize("parent_level, child_level", [
        ("county", "city"), ("township", "county"), ("village", "township"), ("village", "city")])
    def test_a_child_above_its_parent_is_refused_on_create(self, create, refused, people,
                                                            parent_level, child_level):
        create(f"p-{parent_level}-{child_level}", level=parent_level)
        refused(people.sysadmin, "organization_create", "level",
                **dept(f"c-{parent_level}-{child_level}", level=child_level,
                       parent=f"p-{parent_level}-{child_level}"))

    @pytest.mark.parametrize("parent_level, child_level", [
        ("city", "city"), ("city", "county"), ("county", "township"), ("city", "village")])
    def test_same_or_lower_is_accepted(self, create, parent_level, child_level):
        create(f"pa-{parent_level}-{child_level}", level=parent_level)
        made = create(f"ch-{parent_level}-{child_level}", level=child_level, parent=f"pa-{parent_level}-{child_level}")
        assert made["parent"] == f"pa-{parent_level}-{child_level}"

    def test_raising_a_child_above_its_parent_is_refused(self, create, refused, call_as, people):
        create("up-p", level="county")
        create("up-c", level="township", parent="up-p")
        refused(people.sysadmin, "organization_patch", "level", id="up-c", level="city")
        assert call_as(people.sysadmin, "organization_show", id="up-c")["level"] == "township"

    def test_lowering_a_parent_below_its_children_is_refused(self, create, refused, call_as, people):
        create("down-p", level="county")
        create("down-c", level="township", parent="down-p")
        refused(people.sysadmin, "organization_patch", "level", id="down-p", level="village")
        assert call_as(people.sysadmin, "organization_show", id="down-p")["level"] == "county"

    def test_a_parent_may_move_up_and_a_child_down(self, create, call_as, people):
        create("move-p", level="county")
        create("move-c", level="township", parent="move-p")
        assert call_as(people.sysadmin, "organization_patch", id="move-p", level="city")
        assert call_as(people.sysadmin, "organization_patch", id="move-c", level="village")
        assert call_as(people.sysadmin, "organization_show", id="move-c")["level"] == "village"

    def test_a_department_admin_is_held_to_the_same_rules(self, create, refused, call_as):
        create("adm-p", level="county")
        create("adm-c", level="township", parent="adm-p")
        admin = make_user("adm-p", "admin")["name"]
        refused(admin, "organization_patch", "level", id="adm-p", level="village")
        assert call_as(admin, "organization_patch", id="adm-p", description="职责简介")["description"] == "职责简介"


class TestTheTree:
    def test_ancestry_up_to_the_top(self):
        chain = [d["name"] for d in tree.ancestry("ljqlbzsample1")]
        assert chain == ["ljqlbzsample1", "ljqlbz", "ljq"]
        assert tree.ancestry(model.Group.get("ljqlbz").id)[0]["name"] == "ljqlbz"

    def test_subtree(self):
        assert set(tree.subtree_names("ljq")) == {"ljq", "ljqdsjj", "ljqlbz", "ljqlbzsample1"}
        assert tree.subtree_names("lzsscjdglj") == ["lzsscjdglj"]

    def test_forest_by_level_then_title(self):
        roots = tree.forest()
        names = [r["name"] for r in roots]
        levels = [r["level"] for r in roots]
        assert levels == sorted(levels, key=["city", "county", "township", "village"].index)
        assert "ljq" in names and "ljqlbz" not in names
        ljq = next(r for r in roots if r["name"] == "ljq")
        assert {c["name"] for c in ljq["children"]} == {"ljqdsjj", "ljqlbz"}

    def test_every_demo_department_fits_the_rules(self):
        for d in tree._departments().values():
            if d["parent"]:
                parent = tree._departments()[d["parent"]]
                order = ["city", "county", "township", "village"]
                assert order.index(d["level"]) >= order.index(parent["level"]), d
