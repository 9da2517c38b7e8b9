"""The aggregated figures kept between requests (evaluation/cache.py, Art 34) are exactly the
figures of the statement that computes everything at once: on the hand-computed fixture, for
every grouping, sort and period; a new refresh, a renamed department or a live event shows at
once; and a reader only ever gets the rows of its own scope."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.calendar import store as cal
from ckanext.liuzhou.evaluation import cache, definitions, queries, scope

from tests.conftest import make_user

from .conftest import EXPECTED_P, PERIOD, _request, sh

NOW = dt.datetime(2025, 11, 20, 6, 30)  # naive UTC: 14:30 in Shanghai


def _period(a: str, b: str) -> queries.Period:
    return queries.Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b))


PERIODS = [_period(PERIOD["from"], PERIOD["to"]), _period("2025-09-03", "2025-10-17"),
           _period("2024-11-01", "2025-11-20"), _period("2025-10-09", "2025-10-09")]
SORTS = [("name", False), ("name", True), ("requests_received", True), ("handling_p90_wd", False),
         ("ontime_decision", True), ("scenarios_supported", True), ("entries_general", False)]


@pytest.fixture()
def refreshed(fx):
    cache.clear()
    yield queries.refresh(NOW)
    model.Session.execute(sa.text("DELETE FROM liuzhou_eval_agg; DELETE FROM liuzhou_eval_refresh"))
    model.Session.commit()
    cache.clear()


def _both(period, **kw):
    """The figures in one statement (nothing kept), then twice through the cache."""
    src = queries.source(NOW)
    one = queries.ranking(period, src=src, kept=False, **kw)
    first = queries.ranking(period, src=src, **kw)
    again = queries.ranking(period, src=src, **kw)
    return one, first, again


def test_the_source_names_the_refresh_it_reads(fx, refreshed):
    src = queries.source(NOW)
    assert src.agg_as_of == NOW and src.agg_version
    queries.refresh(NOW)
    assert queries.source(NOW).agg_version != src.agg_version  # the same time, another refresh


@pytest.mark.parametrize("by", definitions.BY)
def test_kept_figures_equal_the_figures_of_one_statement(fx, refreshed, by):
    for period in PERIODS:
        for sort, descending in SORTS:
            one, first, again = _both(period, by=by, sort=sort, descending=descending)
            assert one, (period, by)
            assert one == first == again, (period, by, sort, descending)  # the same rows in the same order
    assert cache.stats["hits"] >= len(PERIODS) * len(SORTS)


def test_the_hand_computed_figures_through_the_cache(fx, refreshed):
    for _i in range(2):  # computed, then read from the cache
        rows = queries.ranking(PERIODS[0], src=queries.source(NOW), scope={fx.p["id"]})
        assert {k: rows[0][k] for k in definitions.KEYS} == EXPECTED_P
    assert cache.stats["hits"] >= 1


def test_the_kept_trend_equals_the_trend_of_one_statement(fx, refreshed):
    src = queries.source(NOW)
    for period in (queries.trend_period(PERIODS[0]), PERIODS[1]):
        one = queries.trend(period, {fx.p["id"]}, src=src, kept=False)
        assert one == queries.trend(period, {fx.p["id"]}, src=src) == queries.trend(period, {fx.p["id"]}, src=src)
        assert any(m["requests_received"] for m in one)


def test_a_refresh_replaces_the_kept_figures(fx, refreshed):
    """Between two refreshes the aggregated figures are those of the last one (as_of); the next
    refresh is another key, even at the same time."""
    period = PERIODS[0]
    before = {r["key"]: r for r in queries.ranking(period, src=queries.source(NOW))}[fx.p["id"]]
    assert before["requests_received"] == 7
    rid = "cache-test-request"
    qm = model.User.get(fx.users["q_member"]).id
    _request(rid, fx.entries["e2"], fx.p, fx.q, qm, sh(2025, 10, 21), state="approved", decided=sh(2025, 10, 22))
    model.Session.commit()
    try:
        stale = {r["key"]: r for r in queries.ranking(period, src=queries.source(NOW))}[fx.p["id"]]
        assert stale == before
        queries.refresh(NOW)
        src = queries.source(NOW)
        now = {r["key"]: r for r in queries.ranking(period, src=src)}[fx.p["id"]]
        assert now["requests_received"] == 8
        assert queries.ranking(period, src=src) == queries.ranking(period, src=src, kept=False)
    finally:
        model.Session.execute(sa.text("DELETE FROM liuzhou_share_request WHERE id = :id"), {"id": rid})
        model.Session.commit()
        queries.refresh(NOW)


def test_a_renamed_department_shows_at_once(fx, refreshed):
    period = PERIODS[0]
    queries.ranking(period, src=queries.source(NOW))
    admin = factories.Sysadmin()
    rename = tk.get_action("organization_patch")
    rename({"user": admin["name"]}, {"id": fx.p["id"], "title": "评估测试提供部门（更名）"})
    try:
        src = queries.source(NOW)
        rows = {r["key"]: r for r in queries.ranking(period, src=src)}
        assert rows[fx.p["id"]]["label"] == "评估测试提供部门（更名）"
        assert list(rows.values()) == queries.ranking(period, src=src, kept=False)
    finally:
        rename({"user": admin["name"]}, {"id": fx.p["id"], "title": fx.p["title"]})


@pytest.mark.ckan_config("ckanext.liuzhou.evaluation.live_seconds", "10")
def test_a_change_made_elsewhere_shows_within_the_live_seconds(fx, refreshed):
    """A change this process did not commit (another web node's, or SQL's) is not seen until the
    live figures are older than ``live_seconds``; until then they carry the time they were
    computed."""
    period = PERIODS[0]
    first = queries.source(NOW)
    queries.ranking(period, src=first)
    model.Session.execute(sa.text('UPDATE "group" SET title = :t WHERE id = :id'),
                          {"t": "评估测试提供部门（更名）", "id": fx.p["id"]})
    model.Session.commit()
    try:
        later = NOW + dt.timedelta(seconds=9)
        src = queries.source(later)
        rows = {r["key"]: r for r in queries.ranking(period, src=src)}
        assert rows[fx.p["id"]]["label"] == fx.p["title"]
        assert src.as_of("scenarios_supported") == NOW and src.oldest() == NOW
        src = queries.source(later + dt.timedelta(seconds=1))
        rows = {r["key"]: r for r in queries.ranking(period, src=src)}
        assert rows[fx.p["id"]]["label"] == "评估测试提供部门（更名）"
        assert src.as_of("scenarios_supported") == src.now
        assert list(rows.values()) == queries.ranking(period, src=src, kept=False)
    finally:
        model.Session.execute(sa.text('UPDATE "group" SET title = :t WHERE id = :id'),
                              {"t": fx.p["title"], "id": fx.p["id"]})
        model.Session.commit()


@pytest.mark.ckan_config("ckanext.liuzhou.evaluation.live_seconds", "0")
def test_with_no_live_seconds_every_call_computes_the_live_figures(fx, refreshed):
    period = PERIODS[0]
    queries.ranking(period, src=queries.source(NOW))
    model.Session.execute(sa.text('UPDATE "group" SET title = :t WHERE id = :id'),
                          {"t": "评估测试提供部门（更名）", "id": fx.p["id"]})
    model.Session.commit()
    try:
        rows = {r["key"]: r for r in queries.ranking(period, src=queries.source(NOW))}
        assert rows[fx.p["id"]]["label"] == "评估测试提供部门（更名）"
    finally:
        model.Session.execute(sa.text('UPDATE "group" SET title = :t WHERE id = :id'),
                              {"t": fx.p["title"], "id": fx.p["id"]})
        model.Session.commit()


def test_a_live_indicator_moves_at_once(fx, refreshed, call_as):
    """A scenario registered after the refresh counts at once: the indicators without an
    aggregate are computed on every call, beside the kept ones."""
    today = cal.local_date(cal.utcnow())
    period = queries.Period(today - dt.timedelta(days=30), today)
    src = queries.source()
    before = {r["key"]: r for r in queries.ranking(period, src=src)}[fx.p["id"]]["scenarios_supported"]
    editor = make_user(fx.q["name"], "editor")["name"]
    s = call_as(editor, "scenario_create", name="缓存测试场景", serves="测试",
                entries=[fx.entries["e1"]["name"]])
    try:
        src = queries.source()
        after = {r["key"]: r for r in queries.ranking(period, src=src)}[fx.p["id"]]
        assert after["scenarios_supported"] == before + 1
        assert queries.ranking(period, src=src) == queries.ranking(period, src=src, kept=False)
    finally:
        for table, col in (("liuzhou_scenario_entry", "scenario_id"), ("liuzhou_scenario_request", "scenario_id"),
                           ("liuzhou_scenario", "id")):
            model.Session.execute(sa.text(f"DELETE FROM {table} WHERE {col} = :id"), {"id": s["id"]})
        model.Session.commit()


@pytest.mark.parametrize("by", definitions.BY)
def test_a_county_authority_never_gets_the_citys_kept_rows(fx, refreshed, call_as, by):
    """The Authority's call keeps the city's rows; the county authority's call right after gets
    its county's only, the figures of its scope computed without the cache."""
    allowed = scope.ranking_scope(model.User.get(fx.users["county_authority"]))
    assert fx.t["id"] in allowed and fx.p["id"] not in allowed
    city = call_as(fx.users["authority"], "evaluation_ranking", by=by, **PERIOD)
    county = call_as(fx.users["county_authority"], "evaluation_ranking", by=by, **PERIOD)
    assert cache.stats["hits"] + cache.stats["misses"] > 0
    keys = [r["key"] for r in county["rows"]]
    assert keys != [r["key"] for r in city["rows"]]
    if by == "department":
        assert fx.t["id"] in keys and set(keys) <= allowed
        return
    expected = queries.ranking(PERIODS[0], by=by, scope=allowed, src=queries.source(), kept=False)
    assert keys == [r["key"] or "-" for r in expected]
    assert [{k: r[k] for k in definitions.KEYS} for r in county["rows"]] == \
        [{k: r[k] for k in definitions.KEYS} for r in expected]


def _table(app, headers, path="/evaluation/", **args):
    soup = BeautifulSoup(app.get(path, query_string={**PERIOD, **args}, headers=headers).body, "html.parser")
    return soup.select_one("table.liuzhou-ranking")


def test_the_ranking_table_is_rendered_again_when_its_input_changes(app, fx, refreshed, call_as):
    """The table as rendered is kept per language and input: the same figures give the same
    table, another weight (the score), sort, language or scope another one."""
    authority = {"Authorization": factories.APIToken(user=fx.users["authority"])["token"]}
    county = {"Authorization": factories.APIToken(user=fx.users["county_authority"])["token"]}
    first = _table(app, authority)
    assert str(first) == str(_table(app, authority)) and cache.tables.stats["hits"] >= 1
    row = first.select_one(f'tr[data-key="{fx.p["id"]}"]')
    score = row.select_one('td[data-indicator="score"]').get_text(strip=True)
    before = call_as(fx.users["authority"], "evaluation_weights_show")["weights"]
    call_as(fx.users["authority"], "evaluation_weights_update", weights={"requests_received": 50})
    try:
        changed = _table(app, authority).select_one(f'tr[data-key="{fx.p["id"]}"]')
        assert changed.select_one('td[data-indicator="score"]').get_text(strip=True) != score
    finally:
        call_as(fx.users["authority"], "evaluation_weights_update",
                weights={w["key"]: w["weight"] for w in before})
    english = _table(app, authority, path="/en/evaluation/")
    assert english.select_one("thead th a").get_text(strip=True) == "Department"
    assert first.select_one("thead th a").get_text(strip=True) == "部门"
    assert fx.p["id"] not in str(_table(app, county)) and fx.t["id"] in str(_table(app, county))
    names = [tr["data-key"] for tr in _table(app, authority, sort="name desc").select("tbody tr")]
    assert names == [tr["data-key"] for tr in first.select("tbody tr")][::-1]
