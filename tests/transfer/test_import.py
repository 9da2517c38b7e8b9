"""catalog_import: a dry run first (every row judged by the form's schema, nothing written),
then the valid rows imported; the same workbook again changes nothing; a corrected workbook
updates the entries it names (Art 13–22)."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.activity.model import Activity
from ckanext.liuzhou.transfer import writer
from ckanext.liuzhou.transfer.model import CatalogImport

from tests.catalog.conftest import counts

from .conftest import DEPT, call, do_import, entries_of, row, xlsx

pytestmark = pytest.mark.usefixtures("departments")


def _by_title(report):
    return {r["title"]: r for r in report["rows"]}


def test_the_dry_run_reports_each_row_and_writes_no_entry(roles):
    before = counts()
    book = xlsx([row(), row(信息资源名称="柳州市驾驶证信息", 更新周期="有时候"),
                 row(信息资源名称="柳州市交通违法信息", 共享类型="有条件")])
    out = do_import(roles.editor, book)
    rows = _by_title(out["report"])
    assert out["state"] == "done" and out["dry_run"] is True
    assert rows["柳州市机动车登记信息"]["action"] == "create" and rows["柳州市机动车登记信息"]["action_label"] == "新建"
    cycle = rows["柳州市驾驶证信息"]["errors"]["更新周期"][0]
    assert "有时候" in cycle and "每日" in cycle                 # the word, and the accepted words
    assert rows["柳州市交通违法信息"]["action"] == "refused"
    assert set(rows["柳州市交通违法信息"]["errors"]) >= {"共享条件", "法律依据"}   # Art 22, under headings
    assert out["report"]["counts"] == {"create": 1, "update": 0, "unchanged": 0, "refused": 2}
    assert [r["row"] for r in out["report"]["rows"]] == [2, 3, 4]
    after = counts()
    assert (after.packages, after.codes_issued, after.counter_total) == \
        (before.packages, before.codes_issued, before.counter_total)


def test_the_example_names_its_faulty_rows(roles):
    out = do_import(roles.editor, writer.example())
    rows = out["report"]["rows"]
    refused = [r for r in rows if r["action"] == "refused"]
    assert [r["row"] for r in refused] == [4, 5]
    assert "共享条件" in refused[0]["errors"]
    assert "更新周期" in refused[1]["errors"] and "信息项" in refused[1]["errors"]
    assert [r["action"] for r in rows[:2]] == ["create", "create"]


def test_import_the_valid_rows_of_a_dry_run_then_again_changes_nothing(roles):
    book = xlsx([row(信息资源名称="柳州市幂等甲"), row(信息资源名称="柳州市幂等乙", 更新周期="每日"),
                 row(信息资源名称="柳州市幂等丙", 更新周期="有时候")])
    dry = do_import(roles.editor, book)
    assert dry["can_import"]
    done = call(roles.editor, "catalog_import", id=dry["id"], dry_run=False)
    assert done["state"] == "done" and done["source_id"] == dry["id"]
    assert done["report"]["counts"] == {"create": 2, "update": 0, "unchanged": 0, "refused": 1}
    stored = {p["title"]: p for p in entries_of() if p["title"].startswith("柳州市幂等")}
    assert set(stored) == {"柳州市幂等甲", "柳州市幂等乙"}
    assert stored["柳州市幂等乙"]["update_cycle"] == "daily" and stored["柳州市幂等甲"]["resource_code"]
    assert [i["name"] for i in stored["柳州市幂等甲"]["information_items"]] == ["号牌号码", "登记日期"]
    activities = model.Session.query(Activity).count()
    again = do_import(roles.editor, book, dry_run=False)
    assert again["report"]["counts"] == {"create": 0, "update": 0, "unchanged": 2, "refused": 1}
    model.Session.remove()
    assert model.Session.query(Activity).count() == activities
    assert {p["title"]: p["metadata_modified"] for p in entries_of() if p["title"] in stored} == \
        {t: p["metadata_modified"] for t, p in stored.items()}


def test_a_corrected_workbook_updates_by_code_or_by_title(roles):
    book = xlsx([row(信息资源名称="柳州市更正甲"), row(信息资源名称="柳州市更正乙")])
    do_import(roles.editor, book, dry_run=False)
    stored = {p["title"]: p for p in entries_of() if p["title"].startswith("柳州市更正")}
    code = stored["柳州市更正甲"]["resource_code"]
    fixed = xlsx([row(信息资源名称="柳州市更正甲（新名称）", 信息资源代码=code, 更新周期="每月"),
                  row(信息资源名称="柳州市更正乙", 信息资源摘要="更正后的摘要。")])
    dry = do_import(roles.editor, fixed)
    assert [r["action"] for r in dry["report"]["rows"]] == ["update", "update"]
    out = do_import(roles.editor, fixed, dry_run=False)
    assert out["report"]["counts"]["update"] == 2
    after = {p["id"]: p for p in entries_of()}
    first = after[stored["柳州市更正甲"]["id"]]
    assert first["title"] == "柳州市更正甲（新名称）" and first["update_cycle"] == "monthly"
    assert first["resource_code"] == code                                      # the code never changes
    assert after[stored["柳州市更正乙"]["id"]]["notes"] == "更正后的摘要。"


def test_an_update_keeps_the_entrys_resources(roles):
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市带资源目录")]), dry_run=False)
    pkg = next(p for p in entries_of() if p["title"] == "柳州市带资源目录")
    tk.get_action("resource_create")({"user": roles.editor}, {
        "package_id": pkg["id"], "name": "接口", "url": "http://127.0.0.1/api", "resource_type": "api"})
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市带资源目录", 更新周期="每周")]), dry_run=False)
    pkg = next(p for p in entries_of() if p["title"] == "柳州市带资源目录")
    assert pkg["update_cycle"] == "weekly" and [r["name"] for r in pkg["resources"]] == ["接口"]


def test_duplicates_within_the_workbook_are_refused_on_the_later_row(roles):
    out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市重复"), row(信息资源名称="柳州市重复")]))
    first, second = out["report"]["rows"]
    assert first["action"] == "create" and second["action"] == "refused"
    assert "第 2 行" in second["errors"]["信息资源名称"][0]


def test_items_on_the_second_sheet(roles):
    items = [{"信息资源名称": "柳州市分表目录", "信息项名称": "姓名", "标识符": "xm", "数据类型": "字符型", "数据长度": 50},
             {"信息资源名称": "柳州市分表目录", "信息项名称": "出生日期", "标识符": "csrq", "数据类型": "日期", "数据长度": 8}]
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市分表目录", 信息项=None)], items=items), dry_run=False)
    pkg = next(p for p in entries_of() if p["title"] == "柳州市分表目录")
    assert [(i["name"], i["data_type"]) for i in pkg["information_items"]] == [("姓名", "C"), ("出生日期", "D")]


def test_another_provider_in_the_row_is_refused(roles):
    out = do_import(roles.editor, xlsx([row(信息资源提供方="柳州市人力资源和社会保障局")]))
    assert "信息资源提供方" in out["report"]["rows"][0]["errors"]


def test_a_hostile_file_leaves_no_record(roles):
    before = model.Session.query(CatalogImport).count()
    with pytest.raises(tk.ValidationError) as info:
        do_import(roles.editor, b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    assert "密码" in info.value.error_dict["upload"][0]
    model.Session.remove()
    assert model.Session.query(CatalogImport).count() == before


@pytest.mark.ckan_config("ckanext.liuzhou.import.job_rows", "1")
def test_a_long_import_is_a_job_with_progress(roles):
    import ckan.lib.jobs as jobs
    jobs.get_queue().empty()
    out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市作业甲"), row(信息资源名称="柳州市作业乙")]),
                    dry_run=False)
    assert out["state"] == "queued" and out["total"] == 2 and "report" not in out
    assert [j.func_name for j in jobs.get_queue().jobs] == ["ckanext.liuzhou.transfer.imports.run_job"]
    jobs.Worker().work(burst=True)   # the jobs worker, on the real Redis queue
    model.Session.remove()
    status = call(roles.editor, "catalog_import_status", id=out["id"])
    assert status["state"] == "done" and status["done"] == status["total"] == 2
    assert status["report"]["counts"]["create"] == 2
    assert {"柳州市作业甲", "柳州市作业乙"} <= {p["title"] for p in entries_of()}


def test_a_running_import_without_heartbeat_shows_as_interrupted(roles):
    import datetime as dt
    out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市中断")]))
    imp = model.Session.get(CatalogImport, out["id"])
    imp.state, imp.heartbeat = "running", dt.datetime.utcnow() - dt.timedelta(hours=1)
    model.Session.commit()
    assert call(roles.editor, "catalog_import_status", id=out["id"])["state"] == "interrupted"


def test_the_history_lists_the_departments_imports(roles):
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市历史")]), file_name="历史.xlsx")
    history = call(roles.editor, "catalog_import_list", department=DEPT)
    assert history[0]["file_name"] == "历史.xlsx" and "report" not in history[0]
