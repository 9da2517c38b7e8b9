"""evaluation/sql.py builds the ranking's ORDER BY from ``sort``: the whitelist is a real check,
not an ``assert`` that ``python -O`` removes."""
import subprocess
import sys

import pytest

from ckanext.liuzhou.evaluation import definitions as d
from ckanext.liuzhou.evaluation import sql


@pytest.mark.parametrize("by,sort", [
    ("department", "name; DROP TABLE package"),
    ("department", "title"),
    ("org; SELECT 1", "name"),
])
def test_a_grouping_or_sort_outside_the_whitelist_is_refused(by, sort):
    with pytest.raises(ValueError, match="unknown grouping"):
        sql.ranking_sql(by, sort, descending=False)


def test_every_indicator_and_grouping_of_the_whitelist_builds():
    for by in d.BY:
        for sort in ("name", *d.KEYS):
            order = "g.label" if sort == "name" else sort
            assert f"ORDER BY {order} DESC" in sql.ranking_sql(by, sort, descending=True)


def test_the_whitelist_holds_under_python_optimize():
    code = ("from ckanext.liuzhou.evaluation import sql\n"
            "try:\n    sql.ranking_sql('department', 'name; DROP TABLE package', False)\n"
            "except ValueError:\n    print('refused')\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "refused", out.stderr[-2000:]
