"""The aggregates of the indicators (Art 34) equal the live SQL: on the hand-computed fixture
and on a generated history of requests, deliveries, quality issues, reads, account requests and
offlining applications, for every grouping and for periods that start and end inside months."""
from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
import sqlalchemy as sa

import ckan.model as model

from ckanext.liuzhou.audit import chain
from ckanext.liuzhou.evaluation import aggregate, definitions, queries
from ckanext.liuzhou.lifecycle.model import AccountRequest, ResourceOffline
from ckanext.liuzhou.sharing.model import Delivery, QualityIssue

from tests.conftest import make_user

from .conftest import EXPECTED_P, PERIOD, _entry, _org, _request, sh

NOW = dt.datetime(2025, 11, 20, 6, 30)  # naive UTC: 14:30 in Shanghai


def _period(a: str, b: str) -> queries.Period:
    return queries.Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b))


PERIODS = [_period(PERIOD["from"], PERIOD["to"]), _period("2025-09-03", "2025-10-17"),
           _period("2024-11-01", "2025-11-20"), _period("2025-10-09", "2025-10-09"),
           _period("2025-06-15", "2025-09-30")]


def live(now=NOW) -> queries.Source:
    return queries.Source(frozenset(), None, now)


def agg(as_of=NOW, now=NOW) -> queries.Source:
    return queries.Source(aggregate.aggregated_keys(), as_of, now)


@pytest.fixture()
def refreshed(fx):
    yield queries.refresh(NOW)
    # other tests of the session read the live figures
    model.Session.execute(sa.text("DELETE FROM liuzhou_eval_agg; DELETE FROM liuzhou_eval_refresh"))
    model.Session.commit()


def _compare(period: queries.Period, by: str, as_of=NOW):
    a = queries.ranking(period, by=by, src=agg(as_of))
    b = queries.ranking(period, by=by, src=live(as_of))
    assert a == b, (period, by, [(x["key"], k, x[k], y[k]) for x, y in zip(a, b) for k in x if x[k] != y[k]][:10])
    return a


def test_every_indicator_declared_aggregated_is_read_from_the_aggregates():
    declared = frozenset(i.key for i in definitions.INDICATORS if i.aggregated)
    assert aggregate.aggregated_keys() == declared
    # the indicators added with the scenarios, the demand list and the error reports are computed
    # live (small tables), beside the aggregated ones; the grades are counted with the catalog's
    # other stocks, from the aggregates
    assert frozenset(definitions.KEYS) - declared == {
        "scenarios_supported", "scenario_departments", "demands_received", "demands_ontime", "demands_met",
        "corrections_received", "corrections_fixed_ontime"}


@pytest.mark.parametrize("by", definitions.BY)
def test_aggregates_equal_the_live_sql_on_the_fixture(fx, refreshed, by):
    assert refreshed["row_count"] > 0
    for period in PERIODS:
        _compare(period, by)


def test_the_hand_computed_figures_from_the_aggregates(fx, refreshed):
    rows = queries.ranking(PERIODS[0], src=agg(), scope={fx.p["id"]})
    figures = rows[0]
    # overdue_now is counted at NOW, after the period: r6, r3's open issue (as in conftest)
    assert {k: figures[k] for k in definitions.KEYS} == EXPECTED_P


def test_the_trend_from_the_aggregates_equals_the_live_trend(fx, refreshed):
    for period in (queries.trend_period(PERIODS[0]), PERIODS[1]):
        a = queries.trend(period, {fx.p["id"]}, src=agg())
        b = queries.trend(period, {fx.p["id"]}, src=live())
        assert a == b


def test_a_change_after_the_refresh_shows_at_the_next(fx, refreshed, call_as):
    """The aggregates are the figures as of the refresh; the live ones move at once."""
    period = PERIODS[0]
    before = {r["key"]: r for r in queries.ranking(period, src=agg())}[fx.p["id"]]
    rid = str(uuid.uuid4())
    qm = model.User.get(fx.users["q_member"]).id
    _request(rid, fx.entries["e2"], fx.p, fx.q, qm, sh(2025, 10, 21), state="approved", decided=sh(2025, 10, 22))
    model.Session.commit()
    try:
        stale = {r["key"]: r for r in queries.ranking(period, src=agg())}[fx.p["id"]]
        now = {r["key"]: r for r in queries.ranking(period, src=live())}[fx.p["id"]]
        assert stale["requests_received"] == before["requests_received"] == 7
        assert now["requests_received"] == 8
        # an indicator without an aggregate is computed live in the same statement
        mixed = queries.Source(aggregate.aggregated_keys() - {"requests_received"}, NOW, NOW)
        row = {r["key"]: r for r in queries.ranking(period, src=mixed)}[fx.p["id"]]
        assert (row["requests_received"], row["requests_made"]) == (8, before["requests_made"])
        queries.refresh(NOW)
        for by in definitions.BY:
            _compare(period, by)
    finally:
        model.Session.execute(sa.text("DELETE FROM liuzhou_share_request WHERE id = :id"), {"id": rid})
        model.Session.commit()


def _generate(fx, n: int, seed: int) -> list[str]:
    """A history over 14 months before NOW among three departments of its own (two of the
    city, a township of 柳江区), so the fixture's figures stay as counted by hand."""
    rnd = random.Random(seed)
    tag = f"{seed}{uuid.uuid4().hex[:4]}"
    orgs = [_org(f"gena-{tag}", "生成历史甲局", "city"), _org(f"genb-{tag}", "生成历史乙局", "city"),
            _org(f"genc-{tag}", "生成历史丙镇", "township", "ljq")]
    entries = []
    for o in orgs:
        for k, (stype, cycle) in enumerate((("unconditional", "daily"), ("conditional", "monthly"))):
            entries.append(_entry(o["name"], f"生成历史目录{k}{o['title']}", stype, cycle,
                                  created=NOW - dt.timedelta(days=300 * k + 20),
                                  modified=NOW - dt.timedelta(days=rnd.randrange(0, 60))))
    owner = {o["id"]: o for o in orgs}
    users = {o["id"]: model.User.get(make_user(o["name"], "admin")["name"]) for o in orgs}
    ids = []
    start = NOW - dt.timedelta(days=430)
    for i in range(n):
        pkg = rnd.choice(entries)
        provider = owner[pkg["owner_org"]]
        consumer = rnd.choice([o for o in orgs if o["id"] != provider["id"]])
        created = start + dt.timedelta(minutes=rnd.randrange(0, 430 * 24 * 60))
        fate = rnd.random()
        rid = f"gen-{seed}-{i}-{uuid.uuid4().hex[:6]}"
        deadline = created + dt.timedelta(days=rnd.randrange(1, 8))
        decided = created + dt.timedelta(hours=rnd.randrange(1, 240))
        if fate < 0.15 or decided > NOW:
            _request(rid, pkg, provider, consumer, users[consumer["id"]].id, created, state="submitted",
                     deadline=deadline)
        elif fate < 0.3:
            _request(rid, pkg, provider, consumer, users[consumer["id"]].id, created, state="rejected",
                     decided=decided)
        else:
            _request(rid, pkg, provider, consumer, users[consumer["id"]].id, created, state="delivered",
                     decided=decided, deadline=deadline)
            model.Session.flush()
            when = decided + dt.timedelta(hours=rnd.randrange(1, 48))
            if when < NOW:
                dl = Delivery(share_request_id=rid, number=1, delivered_by=users[provider["id"]].id,
                              delivered_at=when, method="platform", resource_ids=[], notes="",
                              quality_window_ends=when + dt.timedelta(days=3))
                model.Session.add(dl)
                model.Session.flush()
                if rnd.random() < 0.3:
                    raised = when + dt.timedelta(hours=rnd.randrange(1, 60))
                    resolved = raised + dt.timedelta(hours=rnd.randrange(1, 200))
                    model.Session.add(QualityIssue(
                        share_request_id=rid, delivery_id=dl.id, state="resolved" if resolved < NOW else "open",
                        raised_by=users[consumer["id"]].id, raised_at=min(raised, NOW), description="缺失",
                        deadline=raised + dt.timedelta(days=3), resolved_by=users[provider["id"]].id if resolved < NOW else None,
                        resolved_at=resolved if resolved < NOW else None))
        if rnd.random() < 0.6:
            reader = rnd.choice(orgs)
            u = users[reader["id"]]
            chain.append(action="data.read", created=created + dt.timedelta(hours=3), actor_id=u.id, actor_name=u.name,
                         actor_org=reader["name"], package_id=pkg["id"], object_type="package",
                         object_id=pkg["id"], provider_org=provider["name"])
        if rnd.random() < 0.2:
            org = rnd.choice(orgs)
            handled = created + dt.timedelta(hours=rnd.randrange(1, 150))
            done = handled < NOW and rnd.random() < 0.85
            model.Session.add(AccountRequest(
                id=f"{rid}-a", kind="create", org_id=org["id"], requester_id=users[org["id"]].id,
                user_name=f"{rid}-u", reason="测试", state="approved" if done else "submitted",
                deadline=created + dt.timedelta(days=3), decided_by=users[org["id"]].id if done else None,
                decided_at=handled if done else None, state_changed_at=created, state_changed_by=users[org["id"]].id,
                created=created, modified=created))
        if rnd.random() < 0.1:
            handled = created + dt.timedelta(hours=rnd.randrange(1, 150))
            done = handled < NOW and rnd.random() < 0.8
            model.Session.add(ResourceOffline(
                id=f"{rid}-o", package_id=pkg["id"], resource_id=f"{rid}-r", resource_name="接口",
                provider_org_id=provider["id"], applicant_id=users[provider["id"]].id, reason="停用",
                legal_basis="《测试条例》", deadline=created + dt.timedelta(days=4),
                decided_by=users[provider["id"]].id if done else None, decided_at=handled if done else None,
                state="rejected" if done else "submitted", notified_orgs=[], state_changed_at=created,
                state_changed_by=users[provider["id"]].id, created=created, modified=created))
        ids.append(rid)
    model.Session.commit()
    return orgs


def test_aggregates_equal_the_live_sql_on_a_generated_history(fx):
    orgs = _generate(fx, 400, seed=20)
    rnd = random.Random(7)
    try:
        queries.refresh(NOW)
        periods = list(PERIODS)
        for _i in range(6):  # periods starting and ending on any day
            a = dt.date(2024, 10, 1) + dt.timedelta(days=rnd.randrange(0, 400))
            periods.append(queries.Period(a, min(a + dt.timedelta(days=rnd.randrange(0, 200)), dt.date(2025, 11, 20))))
        counted = 0
        for period in periods:
            for by in definitions.BY:
                rows = _compare(period, by)
                counted += sum(r["requests_received"] for r in rows if r["key"] in {o["id"] for o in orgs})
            for org in orgs:
                assert queries.trend(period, {org["id"]}, src=agg()) == queries.trend(period, {org["id"]}, src=live())
        assert counted > 400  # the generated requests were counted, not an empty comparison
    finally:
        model.Session.execute(sa.text("DELETE FROM liuzhou_eval_agg; DELETE FROM liuzhou_eval_refresh"))
        for table, col in (("liuzhou_quality_issue", "share_request_id"), ("liuzhou_delivery", "share_request_id"),
                           ("liuzhou_share_request", "id")):
            model.Session.execute(sa.text(f"DELETE FROM {table} WHERE {col} LIKE 'gen-20-%'"))
        model.Session.execute(sa.text("DELETE FROM liuzhou_account_request WHERE id LIKE 'gen-20-%'"))
        model.Session.execute(sa.text("DELETE FROM liuzhou_resource_offline WHERE id LIKE 'gen-20-%'"))
        for o in orgs:  # out of every other test's figures
            model.Session.execute(sa.text("UPDATE package SET state = 'deleted' WHERE owner_org = :id"), {"id": o["id"]})
            model.Session.execute(sa.text("UPDATE \"group\" SET state = 'deleted' WHERE id = :id"), {"id": o["id"]})
        model.Session.commit()


def test_without_a_refresh_every_figure_is_live(fx):
    src = queries.source(NOW)
    assert src.agg == frozenset() and src.as_of("entries") == NOW


def test_the_score_by_month_is_kept_by_the_refresh(fx, refreshed):
    months = [p.start.strftime("%Y-%m") for p in queries.months_back(NOW.date(), 24)]
    stored = queries.stored_monthly_scores(fx.p["id"], months, NOW)
    live_scores = queries.monthly_scores(NOW.date(), 24, live())
    assert stored == {m: live_scores[m][fx.p["id"]] for m in months}
    assert stored["2025-10"] is not None
    # weights changed after the refresh: the stored history is not used
    model.Session.execute(sa.text(
        "INSERT INTO liuzhou_eval_weight (indicator, weight, modified) VALUES ('entries', 1, :t)"),
        {"t": NOW + dt.timedelta(minutes=1)})
    try:
        assert queries.stored_monthly_scores(fx.p["id"], months, NOW) is None
    finally:
        model.Session.execute(sa.text("DELETE FROM liuzhou_eval_weight"))
        model.Session.commit()
