"""Every table as CSV and XLSX (parsed back), and ``ckan liuzhou evaluation report``."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ckan.tests import factories

from .conftest import PERIOD


@pytest.fixture(scope="module")
def headers(fx):
    return {"Authorization": factories.APIToken(user=fx.users["authority"])["token"]}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _xlsx(response):
    assert response.status_code == 200 and "spreadsheetml" in response.headers["Content-Type"]
    return load_workbook(io.BytesIO(response.get_data()))


def test_ranking_as_csv_and_xlsx(app, fx, headers):
    q = {**PERIOD, "sort": "requests_received desc"}
    rows = _csv(app.get("/evaluation/", query_string={**q, "format": "csv"}, headers=headers))
    assert rows[0][0] == "部门" and len(rows[0]) == 24
    top = rows[1]
    assert top[0] == "评估测试提供部门" and top[1:4] == ["4", "75.0", "50.0"]
    assert rows[0][-4:-2] == ["账户申请按期办理率 (%)", "资源下线按期审批率 (%)"] and top[-4:-2] == ["50.0", "40.0"]
    assert rows[0][-2:] == ["收到纠错数", "纠错按期更正率 (%)"]
    wb = _xlsx(app.get("/evaluation/", query_string={**q, "format": "xlsx"}, headers=headers))
    ws = wb.worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "部门" and values[1][0] == "评估测试提供部门" and values[1][1] == 4
    assert values[1][1 + 10] == 4.0  # handling_median_wd, the 11th indicator


def test_department_page_and_drill_down_exports(app, fx, headers):
    wb = _xlsx(app.get(f"/evaluation/department/{fx.p['name']}", query_string={**PERIOD, "format": "xlsx"},
                       headers=headers))
    figures, trend = wb.worksheets
    values = {r[1]: r[2] for r in figures.iter_rows(min_row=2, values_only=True)}
    assert values["按期决定率"] == 33.3 and values["收到的共享申请"] == 7
    months = list(trend.iter_rows(values_only=True))
    assert months[0][0] == "月份" and months[-1][0] == "2025-10"
    rows = _csv(app.get(f"/evaluation/department/{fx.p['name']}/ontime_decision",
                        query_string={**PERIOD, "format": "csv"}, headers=headers))
    assert len(rows) == 1 + 6 and {r[5] for r in rows[1:]} == {"是", "否"}
    rows = _csv(app.get(f"/evaluation/department/{fx.p['name']}/ontime_account",
                        query_string={**PERIOD, "format": "csv"}, headers=headers))
    assert len(rows) == 1 + 6 and sorted(r[5] for r in rows[1:]) == ["否"] * 3 + ["是"] * 3
    assert app.get("/evaluation/", query_string={"format": "pdf"}, headers=headers).status_code == 400


def test_report_command_writes_xlsx_csv_and_a_summary(cli, fx, tmp_path, ckan_config):
    from ckan.cli.cli import ckan

    out = tmp_path / "week.xlsx"
    result = cli.invoke(ckan, ["liuzhou", "evaluation", "report", "--from", PERIOD["from"], "--to", PERIOD["to"],
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2025-09-01" in result.output and "评估测试提供部门" in result.output
    wb = load_workbook(out)
    assert len(wb.worksheets) == 4
    names = [r[0] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "评估测试提供部门" in names
    assert "评估测试提供部门" in (tmp_path / "week.txt").read_text("utf-8")
    assert "账户申请按期办理率: " in result.output and "资源下线按期审批率: " in result.output
    header = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert header[-4:-2] == ("账户申请按期办理率 (%)", "资源下线按期审批率 (%)")
    out_csv = tmp_path / "week.csv"
    result = cli.invoke(ckan, ["liuzhou", "evaluation", "report", "--week", "--out", str(out_csv)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out_csv.read_text("utf-8-sig"))))
    assert rows[0][0] == "部门" and len(rows) > 30
    assert cli.invoke(ckan, ["liuzhou", "evaluation", "report", "--week", "--from", "2025-01-01"]).exit_code != 0
