"""The dashboard (Art 34): the city's sharing at a glance for the Authority, a county's for its
county authority, refused to everyone else; every figure carries ``as_of`` and every chart
links to the list behind it. Figures are those of the hand-computed fixture (conftest.py)."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import PERIOD

FIGURES = ("totals", "by_state", "by_month", "ontime", "slowest", "most_used", "growth", "overdue")


@pytest.fixture(scope="module")
def auth():
    tokens: dict[str, dict] = {}

    def headers(user: str) -> dict:
        if user not in tokens:
            tokens[user] = {"Authorization": factories.APIToken(user=user)["token"]}
        return tokens[user]
    return headers


def _by(rows, key):
    return {r[key]: r for r in rows}


def test_the_authority_sees_the_city(fx, call_as):
    d = call_as(fx.users["authority"], "evaluation_dashboard", **PERIOD)
    assert d["scope"]["city"] and d["period"] == PERIOD
    assert all(d[f]["as_of"] for f in FIGURES)
    assert [m["month"] for m in d["by_month"]["months"]] == ["2025-09", "2025-10"]
    # P decided in 2, 3, 4, 4, 5 working days: the slowest, before the township's same-day decision
    slow = _by(d["slowest"]["rows"], "id")
    assert slow[fx.p["id"]]["handling_median_wd"] == 4.0 and slow[fx.p["id"]]["handling_p90_wd"] == 4.6
    assert slow[fx.t["id"]]["handling_median_wd"] == 0.0
    ids = [r["id"] for r in d["slowest"]["rows"]]
    assert ids.index(fx.p["id"]) < ids.index(fx.t["id"])
    # r6 undecided and r3's open quality issue
    assert _by(d["overdue"]["rows"], "id")[fx.p["id"]]["overdue_now"] == 2
    # e2: read twice by Q and delivered once (r1); e4 delivered (r3); e1 read by T; P's own read not counted
    used = _by(d["most_used"]["rows"], "name")
    assert used[fx.entries["e2"]["name"]]["uses"] == 3
    assert used[fx.entries["e4"]["name"]]["uses"] == 1 and used[fx.entries["e1"]["name"]]["uses"] == 1
    assert d["most_used"]["rows"][0]["name"] == fx.entries["e2"]["name"]


def test_a_county_authority_sees_its_county_only(fx, call_as):
    d = call_as(fx.users["county_authority"], "evaluation_dashboard", **PERIOD)
    assert not d["scope"]["city"] and d["scope"]["label"] == "柳州市柳江区人民政府"
    # only r10 has a party in the county (the township provides it; delivered)
    assert d["by_state"]["rows"] == [{"state": "delivered", "count": 1}]
    assert [(m["month"], m["requests_received"]) for m in d["by_month"]["months"]] == [("2025-09", 1), ("2025-10", 0)]
    assert [(m["month"], m["ontime_decision"]) for m in d["ontime"]["months"]] == [("2025-09", 100.0), ("2025-10", None)]
    assert [r["id"] for r in d["slowest"]["rows"]] == [fx.t["id"]]
    assert [(r["name"], r["uses"]) for r in d["most_used"]["rows"]] == [(fx.entries["e5"]["name"], 1)]
    # e5 was made on 1 August: one entry in the catalog, none new in the period
    assert [(m["month"], m["new"], m["total"]) for m in d["growth"]["months"]] == [("2025-09", 0, 1), ("2025-10", 0, 1)]
    assert d["overdue"]["rows"] == [] and d["totals"]["overdue_now"] == 0 and d["totals"]["entries"] == 1


@pytest.mark.parametrize("who", ["p_admin", "p_member", "q_member", "t_admin", "nobody", ""])
def test_departments_users_of_none_and_visitors_are_refused(fx, who):
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("evaluation_dashboard")({"user": fx.users.get(who, who), "ignore_auth": False}, dict(PERIOD))


def test_a_period_that_ends_before_it_starts_is_refused(fx, call_as):
    with pytest.raises(tk.ValidationError):
        call_as(fx.users["authority"], "evaluation_dashboard", **{"from": "2025-10-01", "to": "2025-09-01"})
    with pytest.raises(tk.ValidationError):
        call_as(fx.users["authority"], "evaluation_dashboard", **{"from": "2020-01-01", "to": "2025-09-01"})


def test_the_default_period_is_the_twelve_months_ending_today(fx, call_as):
    d = call_as(fx.users["authority"], "evaluation_dashboard")
    assert len(d["by_month"]["months"]) == 12 and d["period"]["from"].endswith("-01")


# ------------------------------------------------------------------ the page

def _charts(response) -> tuple[BeautifulSoup, dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup, json.loads(soup.select_one("script#liuzhou-dashboard-data").string)


def test_the_page_links_every_chart_to_the_list_behind_it(app, fx, auth):
    soup, charts = _charts(app.get("/evaluation/dashboard", query_string=PERIOD, headers=auth(fx.users["authority"])))
    assert "数据共享" in soup.select_one("h1").get_text()
    assert len(soup.select("[data-chart]")) == 7 == len(charts)
    assert all(c["list"] and c["as_of"] for c in charts.values())
    assert {p["url"] for p in charts["by_state"]["points"]} >= {"/sharing/all?state=delivered", "/sharing/all?state=submitted"}
    slow = dict(zip(charts["slowest"]["categories"], charts["slowest"]["urls"]))
    assert slow[fx.p["title"]] == f"/evaluation/department/{fx.p['id']}/handling_median_wd?from=2025-09-01&to=2025-10-31"
    assert charts["by_month"]["urls"][0] == "/evaluation/?sort=requests_received+desc&from=2025-09-01&to=2025-09-30"
    assert f"/catalog/{fx.entries['e2']['name']}" in charts["most_used"]["urls"]
    assert charts["overdue"]["list"] == "/sharing/overdue"
    # ECharts comes from the portal itself, never from a CDN
    scripts = [s.get("src", "") for s in soup.select("script[src]")]
    assert any("echarts" in s for s in scripts) and not any(s.startswith(("http:", "https:", "//")) for s in scripts)
    # the state chart's links open a list that shows those requests
    listed = app.get("/sharing/all?state=delivered", headers=auth(fx.users["authority"]))
    assert listed.status_code == 200 and f"/sharing/request/{fx.requests['r1']}" in listed.get_data(as_text=True)


def test_the_page_for_a_county_authority_and_refusals(app, fx, auth):
    soup, charts = _charts(app.get("/evaluation/dashboard", query_string=PERIOD, headers=auth(fx.users["county_authority"])))
    assert "柳州市柳江区人民政府" in soup.select_one("h1").get_text()
    assert charts["slowest"]["categories"] == [fx.t["title"]]
    for who in ("p_admin", "q_member", "nobody"):
        assert app.get("/evaluation/dashboard", headers=auth(fx.users[who])).status_code == 403
    anon = app.get("/evaluation/dashboard", follow_redirects=False)
    assert anon.status_code == 302 and "/user/login" in anon.headers["Location"]
    assert app.get("/evaluation/dashboard", query_string={"from": "x"}, headers=auth(fx.users["authority"])).status_code == 400
