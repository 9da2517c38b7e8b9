"""One data, one source (Art 17): entries of other providers whose normalised information-item
names overlap at least the threshold are reported in the response, the form and a list."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.lifecycle.normalize import normalize_name

from .conftest import site_context

pytestmark = pytest.mark.usefixtures("world")


def items(*names):
    return [{"name": n, "identifier": f"x{i}", "data_type": "C", "length": 20, "description": n}
            for i, n in enumerate(names)]


HOUSING = ("不动产单元号", "权利人名称", "房屋坐落", "建筑面积", "登记时间")


def test_names_are_compared_after_normalisation():
    assert normalize_name(" 不动产单元号（ＩＤ） ") == normalize_name("不动产单元号(id)") == "不动产单元号id"
    assert normalize_name("权利人·名称") == "权利人名称"
    assert normalize_name("建筑 面积") == "建筑面积"


def test_an_entry_duplicating_another_providers_is_reported_and_recorded(call_as, world, new_entry):
    source = new_entry(org="lzsjyj", title="教育局房屋登记信息", information_items=items(*HOUSING))
    # 公安局 publishes nearly the same items, written differently
    dup = tk.get_action("package_create")(site_context(), {
        **__import__("tests.sharing.conftest", fromlist=["entry"]).entry(
            "lzsgaj", "公安局房屋信息", "unconditional",
            information_items=items("不动产单元号 ", "权利人·名称", "房屋坐落（地址）", "建筑面积", "户籍地址"))})
    warnings = dup["duplicate_warnings"]
    assert [w["name"] for w in warnings] == [source["name"]]
    assert warnings[0]["shared_count"] == 3 and warnings[0]["ratio"] == 60
    assert warnings[0]["url"].endswith(f"/catalog/{source['name']}")
    listed = call_as(world.authority, "duplicate_warning_list")
    row = next(r for r in listed["results"] if r["package_id"] == dup["id"])
    assert row["other_package_name"] == source["name"] and row["state"] == "open"
    # the provider sees its own, another department does not
    assert dup["id"] in [r["package_id"] for r in call_as(world.provider_editor, "duplicate_warning_list")["results"]]
    assert dup["id"] not in [r["package_id"] for r in call_as(world.consumer_admin, "duplicate_warning_list")["results"]]
    # when the items change so that the overlap goes, the warning is cleared
    cleaned = call_as(world.provider_editor, "package_patch", id=dup["id"],
                      information_items=items("户籍地址", "户号", "派出所"))
    assert cleaned["duplicate_warnings"] == []
    cleared = call_as(world.authority, "duplicate_warning_list", state="cleared")
    assert dup["id"] in [r["package_id"] for r in cleared["results"]]


def test_no_duplicate_below_the_threshold_within_a_provider_or_for_one_common_item(call_as, world, new_entry):
    new_entry(org="lzsjyj", title="教育局学籍", information_items=items("学籍号", "学生姓名", "学校名称", "年级", "班级"))
    # 2 of 5 shared: 40 % < 60 %
    low = new_entry(title="公安局学生信息", information_items=items("学籍号", "学生姓名", "户籍地", "监护人", "住址"))
    assert low["duplicate_warnings"] == []
    # the same department's own entries are not duplicates
    same = new_entry(org="lzsjyj", title="教育局学籍副本", information_items=items("学校名称", "年级", "班级"))
    assert same["duplicate_warnings"] == []
    # one shared item out of one is below the minimum of 2
    one = new_entry(title="只有一项", information_items=items("学校名称"))
    assert one["duplicate_warnings"] == []


@pytest.mark.ckan_config("ckanext.liuzhou.lifecycle.duplicate_threshold", "40")
def test_the_threshold_comes_from_config(call_as, world, new_entry):
    new_entry(org="lzsjyj", title="教育局教师信息", information_items=items("教师编号", "教师姓名", "任教学校", "职称", "学科"))
    check = call_as(world.provider_editor, "duplicate_check", owner_org="lzsgaj",
                    information_items=["教师编号", "教师姓名", "户籍地", "监护人", "住址"])
    assert check["threshold"] == 40
    assert [m["title"] for m in check["matches"]] == ["教育局教师信息"]


def test_duplicate_check_is_read_only_and_needs_a_user(call_as, world, new_entry):
    new_entry(org="lzsjyj", title="教育局校车信息", information_items=items("车牌号", "驾驶员", "核载人数"))
    found = call_as(world.provider_editor, "duplicate_check", owner_org="lzsgaj",
                    information_items='[{"name": "车牌号"}, {"name": "驾驶员"}, {"name": "核载人数"}]')
    assert found["matches"][0]["title"] == "教育局校车信息"
    assert call_as(world.provider_editor, "duplicate_check", owner_org="lzsjyj",
                   information_items="车牌号,驾驶员,核载人数")["matches"] == []
    assert call_as(world.provider_editor, "duplicate_check", owner_org="lzsgaj",
                   information_items=["完全不同", "毫不相关"])["matches"] == []
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("duplicate_check")({"user": "", "ignore_auth": False}, {"information_items": ["车牌号"]})


def test_the_form_shows_the_recorded_warning(app, call_as, world, new_entry, token):
    source = new_entry(org="lzsjyj", title="教育局食堂信息", information_items=items("食堂名称", "许可证号", "负责人"))
    dup = new_entry(title="公安局食堂信息", information_items=items("食堂名称", "许可证号", "负责人"))
    page = app.get(f"/catalog/edit/{dup['name']}", headers=token(world.provider_editor)).body
    assert "liuzhou-duplicate-warnings" in page and source["name"] in page
    entry_page = app.get(f"/catalog/{dup['name']}", headers=token(world.provider_editor)).body
    assert "liuzhou-duplicate-warnings" in entry_page
    # a department that does not provide it sees no warning on the entry
    assert "liuzhou-duplicate-warnings" not in app.get(f"/catalog/{dup['name']}", headers=token(world.other_admin)).body


def test_identifiers_many_providers_use_are_left_out(call_as, world, new_entry):
    for org in ("lzsjyj", "lzsrlzyhshbzj", "lzsxzspj", "lzsscjdglj", "lzsmzj"):  # five providers use 证照编号甲
        new_entry(org=org, title=f"{org}证照", information_items=items("证照编号甲", f"{org}专有项"))
    new_entry(org="lzsjyj", title="教育局办学许可", information_items=items("证照编号甲", "办学层次", "办学地址"))
    check = call_as(world.provider_editor, "duplicate_check", owner_org="lzsgaj",
                    information_items=["证照编号甲", "办学层次", "办学地址"])
    assert check["common"] == ["证照编号甲"]
    assert [m["title"] for m in check["matches"]] == ["教育局办学许可"]
    assert sorted(check["matches"][0]["shared"]) == sorted(["办学层次", "办学地址"])
    # the identifier alone is no duplicate, whoever else uses it
    alone = call_as(world.provider_editor, "duplicate_check", owner_org="lzsgaj",
                    information_items=["证照编号甲", "户籍地址"])
    assert alone["matches"] == []


def test_one_audit_row_per_check_lists_every_match(call_as, world, new_entry):
    """However many entries overlap, a check appends one row to the audit chain (Art 17, 25)."""
    import ckan.model as model
    from ckanext.liuzhou.audit.model import AuditLog

    parking = ("停车场编号", "停车场名称", "泊位数量", "收费标准", "管理单位")
    sources = [new_entry(org=org, title=f"{org}停车场信息", information_items=items(*parking))
               for org in ("lzsjyj", "lzsrlzyhshbzj", "lzsxxhjsglzx")]
    dup = new_entry(title="公安局停车场信息", information_items=items(*parking))
    assert {w["name"] for w in dup["duplicate_warnings"]} >= {s["name"] for s in sources}

    def rows():
        return (model.Session.query(AuditLog).filter(AuditLog.package_id == dup["id"],
                                                     AuditLog.action.like("duplicate.%")).all())
    (row,) = rows()
    assert row.action == "duplicate.check" and row.object_id == dup["id"]
    assert {m["other_package_id"] for m in row.detail["matches"]} >= {s["id"] for s in sources}
    assert all(m["shared"] and m["ratio"] == 100 for m in row.detail["matches"])
    # checking again with nothing changed appends nothing; clearing them appends one row
    call_as(world.provider_editor, "package_patch", id=dup["id"], notes="说明更新")
    assert len(rows()) == 1
    call_as(world.provider_editor, "package_patch", id=dup["id"], information_items=items("车牌号", "进场时间", "出场时间"))
    cleared = rows()[-1]
    assert len(rows()) == 2 and set(cleared.detail["cleared"]) >= {s["id"] for s in sources}


@pytest.mark.ckan_config("ckanext.liuzhou.lifecycle.duplicate_common_providers", "3")
def test_a_name_is_an_identifier_from_the_configured_number_of_providers_of_published_entries(
        call_as, world, new_entry):
    name = "共用编号乙"

    def common() -> list:
        return call_as(world.provider_editor, "duplicate_check", owner_org="lzsgaj",
                       information_items=[name, "核验结果乙"])["common"]

    new_entry(org="lzsjyj", title="教育局编号乙一", information_items=items(name, "甲项一"))
    new_entry(org="lzsjyj", title="教育局编号乙二", information_items=items(name, "甲项二"))
    new_entry(org="lzsmzj", title="民政局编号乙", information_items=items(name, "乙项"))
    assert common() == []           # two providers, however many entries
    new_entry(org="lzsxzspj", title="审批局编号乙", information_items=items(name, "丙项"), private=True)
    assert common() == []           # a private entry is not published
    new_entry(org="lzsscjdglj", title="市场监管局编号乙", information_items=items(name, "丁项"))
    assert common() == [name]       # the third provider


def test_names_go_with_an_entry_deleted_by_plain_sql_and_the_same_entry_comes_back(call_as, world, new_entry):
    """ckanext-harvest's ``harvest_source_clear`` deletes a source's packages with plain SQL: the
    entry's item names (Art 17) go with it, so the same entry, harvested again with its id, stores
    them again."""
    import sqlalchemy as sa
    import ckan.model as model
    from ckanext.liuzhou.lifecycle.model import ItemName

    made = new_entry(title="清除后再采集的目录", information_items=items(*HOUSING))
    assert model.Session.query(ItemName).filter(ItemName.package_id == made["id"]).count() == len(HOUSING)
    for table, key in (("package_extra", "package_id"), ("resource", "package_id"),
                       ("member", "table_id"), ("package", "id")):
        model.Session.execute(sa.text(f"DELETE FROM {table} WHERE {key} = :id"), {"id": made["id"]})
    model.Session.commit()
    model.Session.remove()  # as the harvest's next job: a new session, nothing of the deleted entry cached
    assert model.Session.query(ItemName).filter(ItemName.package_id == made["id"]).count() == 0
    again = new_entry(id=made["id"], name=made["name"], title="清除后再采集的目录", information_items=items(*HOUSING))
    assert again["id"] == made["id"]
    assert model.Session.query(ItemName).filter(ItemName.package_id == made["id"]).count() == len(HOUSING)
