"""The demo's workflow history (bench/workflow_history.py) gives the Art 12 and Art 21 figures
something to show: account requests and resource offlining decisions with realistic delays,
some late, loaded once, and nothing changed in today's catalog.

It writes permanent 2026 history, so it runs on a database of its own (``departments``: a
fresh one with the demo's departments, and one entry of its own to retire resources of)
instead of after the evaluation tests' data, whose figures it would change; it passes alone
and in any order."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from bench import workflow_history
from ckanext.liuzhou.evaluation import queries
from ckanext.liuzhou.lifecycle.model import AccountRequest, ResourceOffline
from tests.sharing.conftest import PROVIDER, entry

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def catalog(departments):
    """One conditional entry of 公安局: what the history requests and retires resources of."""
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return tk.get_action("package_create")({"user": site, "ignore_auth": True},
                                           entry(PROVIDER, "常住人口核验信息", "conditional"))


def test_demo_history_has_account_requests_and_offlining_decisions_some_late(catalog):
    added = workflow_history.seed(echo=lambda _: None, today=TODAY)
    assert added["account requests"] == 40 and added["offline applications"] == 12
    assert workflow_history.seed(echo=lambda _: None, today=TODAY) == {}   # loaded once

    mark = f"%{workflow_history.MARKER}%"
    accounts = model.Session.query(AccountRequest).filter(AccountRequest.reason.like(mark)).all()
    offline = model.Session.query(ResourceOffline).filter(ResourceOffline.reason.like(mark)).all()
    assert {a.decision_on_time for a in accounts} >= {True, False}
    assert {a.decision_on_time for a in offline} >= {True, False}
    assert {a.state for a in offline} >= {"completed", "rejected"}
    # the resources are retired ones: no resource of today's catalog is touched
    assert not model.Session.query(model.Resource).filter(
        model.Resource.id.in_([a.resource_id for a in offline])).count()

    period = queries.Period(TODAY - dt.timedelta(days=240), TODAY)
    city = next(r for r in queries.ranking(period, by="level") if r["key"] == "city")
    assert 0 < city["ontime_account"] < 100 and 0 < city["ontime_resource_offline"] < 100
