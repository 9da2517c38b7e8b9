"""Who sees which figures (Art 34): the Authority every department, a county authority its
county's, a department its own; others are refused — through the actions and over HTTP."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import PERIOD


@pytest.fixture(scope="module")
def auth():
    tokens: dict[str, dict] = {}

    def headers(user: str) -> dict:
        if user not in tokens:
            tokens[user] = {"Authorization": factories.APIToken(user=user)["token"]}
        return tokens[user]
    return headers


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[-1500:])
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# ------------------------------------------------------------------ actions

def test_the_authority_ranks_every_department(fx, call_as):
    rows = call_as(fx.users["authority"], "evaluation_ranking", **PERIOD)["rows"]
    keys = {r["key"] for r in rows}
    assert {fx.p["id"], fx.q["id"], fx.t["id"]} <= keys and len(rows) > 30


def test_a_county_authority_ranks_its_county_only(fx, call_as):
    rows = call_as(fx.users["county_authority"], "evaluation_ranking", **PERIOD)["rows"]
    names = {r["label"] for r in rows}
    assert fx.t["id"] in {r["key"] for r in rows} and fx.p["id"] not in {r["key"] for r in rows}
    assert "柳州市柳江区人民政府" in names and "柳州市公安局" not in names
    assert call_as(fx.users["county_authority"], "evaluation_show", id=fx.t["name"], **PERIOD)["figures"]["entries"] == 1
    with pytest.raises(tk.NotAuthorized):
        call_as(fx.users["county_authority"], "evaluation_show", id=fx.p["name"], **PERIOD)
    with pytest.raises(tk.NotAuthorized):
        call_as(fx.users["county_authority"], "evaluation_detail", id=fx.p["name"], indicator="entries", **PERIOD)


@pytest.mark.parametrize("who", ["p_admin", "p_member"])
def test_a_department_sees_its_own_figures_only(fx, call_as, who):
    user = fx.users[who]
    assert call_as(user, "evaluation_show", id=fx.p["name"], **PERIOD)["figures"]["requests_received"] == 7
    assert len(call_as(user, "evaluation_detail", id=fx.p["name"], indicator="requests_received", **PERIOD)["rows"]) == 7
    for action, data in (("evaluation_show", {"id": fx.q["name"]}), ("evaluation_ranking", {}),
                         ("evaluation_detail", {"id": fx.q["name"], "indicator": "entries"}),
                         ("evaluation_detail", {"id": "city", "by": "level", "indicator": "entries"})):
        with pytest.raises(tk.NotAuthorized):
            call_as(user, action, **data, **PERIOD)


@pytest.mark.parametrize("who", ["nobody", ""])
def test_users_of_no_department_and_visitors_are_refused(fx, who):
    context = {"user": who, "ignore_auth": False}
    for action, data in (("evaluation_ranking", {}), ("evaluation_show", {"id": fx.p["name"]}),
                         ("evaluation_detail", {"id": fx.p["name"], "indicator": "entries"})):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)(dict(context), data)


# ------------------------------------------------------------------ pages

def test_ranking_page_for_the_authority(app, fx, auth):
    soup = page(app.get("/evaluation/", query_string={**PERIOD, "sort": "requests_received desc"},
                        headers=auth(fx.users["authority"])))
    assert "部门评估" in soup.title.get_text() or "评估" in soup.get_text()
    first = soup.select("table.liuzhou-ranking tbody tr")[0]
    assert first["data-key"] == fx.p["id"]
    assert first.select_one("td[data-indicator=requests_received]").get_text(strip=True) == "7"
    link = first.select_one("td[data-indicator=requests_received] a")["href"]
    assert f"/evaluation/department/{fx.p['id']}/requests_received" in link
    # every indicator heading sorts on the server, with its definition as a tooltip
    headings = soup.select("table.liuzhou-ranking th.sortable a[data-sort]")
    assert len(headings) == 23 and all("sort=" in a["href"] for a in headings)
    # the deadlines of Art 12 and 21, under "service received", sortable like any other
    service = {a["data-sort"]: a.get_text(strip=True) for a in headings[-4:-2]}  # then 校核纠错's two
    assert service == {"ontime_account": "账户申请按期办理率", "ontime_resource_offline": "资源下线按期审批率"}
    assert "所获服务时效" in [th.get_text(strip=True) for th in soup.select("th.liuzhou-eval-group")]
    assert first.select_one("td[data-indicator=ontime_account]").get_text(strip=True) == "50.0%"
    assert first.select_one("td[data-indicator=ontime_resource_offline]").get_text(strip=True) == "40.0%"
    assert soup.select("dl.liuzhou-eval-definitions dd")
    # reached from the header, where it is the current section
    nav = soup.select_one("header a[href='/evaluation/']")
    assert nav is not None and nav.get_text(strip=True) == "评估考核"


@pytest.mark.parametrize("by", ["level", "county"])
def test_ranking_by_level_and_county(app, fx, auth, by):
    soup = page(app.get("/evaluation/", query_string={**PERIOD, "by": by}, headers=auth(fx.users["authority"])))
    labels = [th.get_text(strip=True) for th in soup.select("table.liuzhou-ranking tbody th")]
    assert ("市级" in labels and "乡镇" in labels) if by == "level" else "柳州市柳江区人民政府" in labels


def test_department_page_with_charts_and_drill_down(app, fx, auth):
    soup = page(app.get(f"/evaluation/department/{fx.p['name']}", query_string=PERIOD,
                        headers=auth(fx.users["p_member"])))
    cards = {c["data-indicator"]: c for c in soup.select(".liuzhou-eval-card")}
    assert len(cards) == 23
    assert cards["ontime_decision"].select_one(".value").get_text(strip=True) == "33.3%"
    assert cards["ontime_decision"].select_one(".definition").get_text(strip=True)
    svgs = soup.select("svg.liuzhou-chart")
    assert len(svgs) == 6 and svgs[0].select("rect")
    assert not soup.select("script[src*='http']")  # no external script
    href = cards["overdue_now"].select_one("a")["href"]
    drill = page(app.get(href, headers=auth(fx.users["p_member"])))
    links = [a["href"] for a in drill.select("table.liuzhou-eval-detail a")]
    assert sorted(links) == sorted(f"/sharing/request/{fx.requests[k]}" for k in ("r3", "r6"))
    # the Art 12 and 21 figures, with their definitions, down to the applications behind them
    assert cards["ontime_account"].select_one(".value").get_text(strip=True) == "50.0%"
    assert "市信息化建设管理中心" in cards["ontime_account"].select_one(".definition").get_text()
    assert cards["ontime_resource_offline"].select_one(".value").get_text(strip=True) == "40.0%"
    drill = page(app.get(cards["ontime_resource_offline"].select_one("a")["href"], headers=auth(fx.users["p_admin"])))
    links = [a["href"] for a in drill.select("table.liuzhou-eval-detail a")]
    assert sorted(links) == sorted(f"/lifecycle/resource-offline/{i}" for k, i in fx.offlines.items() if k != "t1")
    assert "4 个工作日" in drill.get_text() or "4个工作日" in drill.get_text()


def test_pages_refuse_what_the_actions_refuse(app, fx, auth):
    # a department's user asking for the ranking is sent to its own page
    r = app.get("/evaluation/", headers=auth(fx.users["p_member"]), follow_redirects=False)
    assert r.status_code == 302 and f"/evaluation/department/{fx.p['name']}" in r.headers["Location"]
    assert app.get(f"/evaluation/department/{fx.q['name']}", headers=auth(fx.users["p_member"])).status_code == 403
    assert app.get(f"/evaluation/department/{fx.q['name']}/entries",
                   headers=auth(fx.users["p_member"])).status_code == 403
    assert app.get("/evaluation/", headers=auth(fx.users["nobody"])).status_code == 403
    assert app.get(f"/evaluation/department/{fx.p['name']}",
                   headers=auth(fx.users["county_authority"])).status_code == 403
    anon = app.get("/evaluation/", follow_redirects=False)
    assert anon.status_code == 302 and "/user/login" in anon.headers["Location"]
    assert app.get("/evaluation/department/no-such-department", headers=auth(fx.users["authority"])).status_code == 404
    assert app.get("/evaluation/", query_string={"from": "2025-10-01", "to": "2025-01-01"},
                   headers=auth(fx.users["authority"])).status_code == 400
