"""``ckan liuzhou catalog import|export``: a dry run reports and writes nothing, the import saves
the valid rows, the export writes the template; a hostile file exits non-zero with its message."""
from __future__ import annotations

import pytest

from ckan.cli.cli import ckan

from ckanext.liuzhou.transfer import reader

from tests.catalog.conftest import counts

from .conftest import DEPT, entries_of, row, xlsx

pytestmark = pytest.mark.usefixtures("departments")


def test_import_dry_run_then_import_then_export(cli, tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(xlsx([row(信息资源名称="柳州市命令行甲"), row(信息资源名称="柳州市命令行乙", 更新周期="偶尔")]))
    before = counts().packages
    result = cli.invoke(ckan, ["liuzhou", "catalog", "import", str(path), "--department", DEPT, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 rows: 1 new, 0 updated, 0 unchanged, 1 refused" in result.output
    assert "row 3 柳州市命令行乙: 更新周期" in result.output
    assert counts().packages == before
    result = cli.invoke(ckan, ["liuzhou", "catalog", "import", str(path), "--department", DEPT])
    assert result.exit_code == 0, result.output
    assert "柳州市命令行甲" in {p["title"] for p in entries_of()}
    out = tmp_path / "export.xlsx"
    result = cli.invoke(ckan, ["liuzhou", "catalog", "export", "--department", DEPT, "-o", str(out)])
    assert result.exit_code == 0, result.output
    titles = {v["title"] for _, v in reader.read(out.read_bytes(), "export.xlsx").main.rows}
    assert "柳州市命令行甲" in titles


def test_a_hostile_file_exits_with_its_message(cli, tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    result = cli.invoke(ckan, ["liuzhou", "catalog", "import", str(path), "--department", DEPT])
    assert result.exit_code == 2 and "密码" in result.output
