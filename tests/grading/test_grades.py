"""The catalog field ``data_grade`` and the Operator's list of grades (分级分类, 《政务数据共享条例》
security chapter): the default, entries saved before grading, the list's edits and who may make
them, the grade facet with Chinese labels, and the evaluation's breakdown by grade."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from ckanext.liuzhou.grading.model import DataGrade

from tests.sharing.conftest import PROVIDER, entry

from .conftest import site_context

pytestmark = pytest.mark.usefixtures("with_request_context")
DEFAULT = [("general", "一般", False), ("important", "重要", True), ("core", "核心", True)]


def _list(call_as, user) -> list:
    return [(g["value"], g["label_zh"], g["authority_approval"]) for g in call_as(user, "data_grade_list")["grades"]]


@pytest.fixture
def restore_list():
    yield
    model.Session.query(DataGrade).delete()
    model.Session.commit()


def test_a_new_entry_is_general_unless_graded_and_a_grade_off_the_list_is_refused(world):
    create = lambda **kw: tk.get_action("package_create")(site_context(), entry(PROVIDER, "分级默认测试", "unconditional", **kw))
    pkg = create()
    assert pkg["data_grade"] == "general"
    tk.get_action("package_delete")(site_context(), {"id": pkg["id"]})
    with pytest.raises(tk.ValidationError) as e:
        create(name="fenji-juemi", data_grade="top_secret")
    assert "data_grade" in e.value.error_dict


def test_an_entry_saved_before_grading_reads_as_general_without_a_rewrite(world, graded):
    pid = graded["important"]["id"]
    extra = model.Session.query(model.PackageExtra).filter_by(package_id=pid, key="data_grade").one()
    model.Session.delete(extra)   # as every entry stored before this field existed
    model.Session.commit()
    try:
        shown = tk.get_action("package_show")(site_context(), {"id": pid, "use_cache": False})
        assert shown["data_grade"] == "general"
        assert model.Session.query(model.PackageExtra).filter_by(package_id=pid, key="data_grade").count() == 0
    finally:
        tk.get_action("package_patch")(site_context(), {"id": pid, "data_grade": "important"})


def test_every_signed_in_user_reads_the_list_and_only_the_operator_changes_it(world, call_as, restore_list):
    assert _list(call_as, world.consumer_member) == DEFAULT
    new = [{"value": "general", "label_zh": "一般数据", "label_en": "General"},
           {"value": "important", "label_zh": "重要数据", "label_en": "Important", "authority_approval": True},
           {"value": "core", "label_zh": "核心数据", "label_en": "Core", "authority_approval": True},
           {"value": "sensitive_ops", "label_zh": "敏感业务", "label_en": "Sensitive operations",
            "authority_approval": True}]
    for user in (world.provider_admin, world.authority, world.consumer_admin):
        with pytest.raises(tk.NotAuthorized):
            call_as(user, "data_grade_list_update", grades=new)
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("data_grade_list")({"user": "", "ignore_auth": False}, {})
    before = model.Session.query(AuditLog).filter_by(action="data_grade.list_update").count()
    result = call_as(world.operator, "data_grade_list_update", grades=new)
    assert result["customized"] and [g["label_zh"] for g in result["grades"]] == ["一般数据", "重要数据", "核心数据", "敏感业务"]
    assert model.Session.query(AuditLog).filter_by(action="data_grade.list_update").count() == before + 1
    # the new grade is a choice of the form, and needs the Authority's approval
    pkg = tk.get_action("package_create")(site_context(), entry(PROVIDER, "敏感业务测试", "conditional",
                                                                data_grade="sensitive_ops"))
    req = call_as(world.consumer_member, "share_request_create", package_id=pkg["name"], purpose="测试",
                  basis="测试依据", scope_users=[world.consumer_scoped], valid_until="2099-12-31")
    req = call_as(world.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    assert req["state"] == "authority_review"
    # a grade that entries carry cannot be removed; reset is refused for the same reason
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.operator, "data_grade_list_update", grades=new[:3])
    assert "sensitive_ops" in str(e.value.error_dict)
    tk.get_action("dataset_purge")(site_context(), {"id": pkg["id"]})
    assert _list(call_as, world.operator)[3][0] == "sensitive_ops"
    assert call_as(world.operator, "data_grade_list_update", reset=True)["customized"] is False
    assert _list(call_as, world.consumer_member) == DEFAULT


@pytest.mark.parametrize("grades, words", [
    ([{"value": "general", "label_zh": "一般"}], "core"),                      # a contract grade removed
    ([*[{"value": v, "label_zh": z} for v, z, _a in DEFAULT], {"value": "Bad Code", "label_zh": "坏"}], "code"),
    ([*[{"value": v, "label_zh": z} for v, z, _a in DEFAULT], {"value": "core", "label_zh": "重复"}], "twice"),
    ([*[{"value": v, "label_zh": z} for v, z, _a in DEFAULT], {"value": "x", "label_zh": ""}], "Chinese label"),
    ("general,important,core", "list"), ([], "list"), ([1, 2], "not a grade"),
])
def test_a_list_that_breaks_the_contract_or_is_not_a_list_is_refused(world, call_as, grades, words, restore_list):
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.operator, "data_grade_list_update", grades=grades)
    assert list(e.value.error_dict) == ["grades"]   # (the words differ by the request's language)
    assert model.Session.query(DataGrade).count() == 0   # nothing saved


def test_the_search_facet_counts_the_grades_with_chinese_labels(world, graded):
    result = tk.get_action("package_search")(site_context(), {
        "q": "分级测试目录", "facet.field": ["data_grade"], "rows": 0})
    items = {i["name"]: (i["display_name"], i["count"]) for i in result["search_facets"]["data_grade"]["items"]}
    assert items == {"general": ("一般", 1), "important": ("重要", 1), "core": ("核心", 1)}
    found = tk.get_action("package_search")(site_context(), {"fq": "data_grade:core", "q": "分级测试目录"})
    assert [p["title"] for p in found["results"]] == ["分级测试目录core"]


def test_the_evaluation_counts_a_departments_entries_by_grade(world, call_as, graded):
    rows = call_as(world.authority, "evaluation_ranking")["rows"]
    figures = next(r for r in rows if r["key"] == model.Group.get(PROVIDER).id)
    assert figures["entries_important"] >= 1 and figures["entries_core"] >= 1
    assert figures["entries_general"] + figures["entries_important"] + figures["entries_core"] == figures["entries"]
