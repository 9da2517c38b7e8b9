"""catalog/bulk.py: many entries validated by the form's schema and saved at once (the path of
imports and harvests). The contract: one Outcome per entry in input order; a refused entry has
field errors and saves nothing; a dry run writes nothing and takes no resource code."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.catalog import bulk

from .conftest import counts, department_entry, entry

pytestmark = pytest.mark.usefixtures("departments")


def _ctx(user):
    return {"user": user}


def test_dry_run_validates_every_entry_and_writes_nothing(people):
    before = counts()
    rows = [entry(title="批量甲"), entry(title="批量乙", sharing_type="conditional"),
            department_entry("lzsgaj", title="部门批量丙", update_cycle="sometimes")]
    out = bulk.save_many(_ctx(people.police_editor), rows, dry_run=True)
    assert [o.index for o in out] == [0, 1, 2]
    assert [o.action for o in out] == [bulk.CREATE, bulk.REFUSED, bulk.REFUSED]
    assert "sharing_conditions" in out[1].errors      # Art 22
    assert "update_cycle" in out[2].errors
    assert out[0].resource_code is None                # no number taken in a dry run
    assert counts() == before


def test_save_creates_the_valid_entries_and_refuses_the_others(people):
    before = counts()
    seen = []
    rows = [entry(title="批量保存甲"), entry(title="批量保存乙", classification="nonsense")]
    out = bulk.save_many(_ctx(people.police_editor), rows, progress=lambda d, t: seen.append((d, t)))
    assert [o.action for o in out] == [bulk.CREATE, bulk.REFUSED]
    assert seen[-1] == (2, 2)
    created = tk.get_action("package_show")({"user": people.police_editor}, {"id": out[0].id})
    assert created["title"] == "批量保存甲" and created["resource_code"] == out[0].resource_code
    assert counts().packages == before.packages + 1
    # an update names the entry by id
    again = bulk.save_many(_ctx(people.police_editor), [dict(created, notes="新的摘要")])
    assert again[0].action == bulk.UPDATE and again[0].id == created["id"]
    model.Session.remove()
    assert tk.get_action("package_show")({"user": people.police_editor}, {"id": created["id"]})["notes"] == "新的摘要"
