"""The Art 34 score: a weighted total per department, the weights the Authority sets (each change
an audit row), refused for everyone else and for hostile values, the formula and the history
by month, and ``as_of`` on every figure — through the actions and the pages."""
from __future__ import annotations

import math
import re

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.evaluation import definitions, score

from .conftest import PERIOD

ONLY = {k: 0 for k in definitions.KEYS}


@pytest.fixture()
def weights_reset():
    yield
    model.Session.execute(sa.text("DELETE FROM liuzhou_eval_weight"))
    model.Session.commit()


def _audit_rows() -> int:
    return model.Session.execute(sa.text(
        "SELECT count(*) FROM liuzhou_audit_log WHERE action = 'evaluation.weights_update'")).scalar()


def test_every_row_of_the_ranking_has_a_score_and_as_of(fx, call_as):
    result = call_as(fx.users["authority"], "evaluation_ranking", **PERIOD)
    assert result["as_of"] and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", result["as_of"])
    assert all("score" in r and r["as_of"] == result["as_of"] for r in result["rows"])
    assert all(i["as_of"] for g in result["groups"] for i in g["indicators"])
    assert sum(t["share"] for t in result["formula"]) == pytest.approx(100, abs=0.5)
    mine = next(r for r in result["rows"] if r["key"] == fx.p["id"])
    shown = call_as(fx.users["p_admin"], "evaluation_show", id=fx.p["name"], **PERIOD)
    # the same score on the ranking and on the department's own page (compared with the whole city)
    assert shown["score"]["value"] == mine["score"] is not None
    assert shown["as_of"] and shown["score"]["as_of"] == shown["as_of"]


def test_the_score_from_weights_by_hand(fx, call_as, weights_reset):
    call_as(fx.users["authority"], "evaluation_weights_update",
            weights={**ONLY, "completeness": 1, "mounting_rate": 1})
    shown = call_as(fx.users["authority"], "evaluation_show", id=fx.p["name"], **PERIOD)
    assert shown["score"]["value"] == 62.5  # (75 % + 50 %) / 2
    call_as(fx.users["authority"], "evaluation_weights_update", weights={"completeness": 3})
    shown = call_as(fx.users["authority"], "evaluation_show", id=fx.p["name"], **PERIOD)
    assert shown["score"]["value"] == 68.8  # (3 × 0.75 + 1 × 0.5) / 4 = 0.6875
    # a count is compared with every department: P received the most requests of the period
    call_as(fx.users["authority"], "evaluation_weights_update",
            weights={**ONLY, "requests_received": 1})
    rows = call_as(fx.users["authority"], "evaluation_ranking", sort="score", **PERIOD)["rows"]
    assert rows[0]["key"] == fx.p["id"] and rows[0]["score"] == 100.0
    assert [r["score"] for r in rows if r["score"] is not None] == sorted(
        (r["score"] for r in rows if r["score"] is not None), reverse=True)


def test_the_authority_sets_the_weights_and_each_change_is_audited(fx, call_as, weights_reset):
    before = _audit_rows()
    result = call_as(fx.users["authority"], "evaluation_weights_update", weights={"freshness": 5, "entries": 0})
    assert result["changed"] == ["freshness"]  # entries was 0 already
    assert next(w for w in result["weights"] if w["key"] == "freshness")["weight"] == 5
    assert _audit_rows() == before + 1
    detail = model.Session.execute(sa.text(
        "SELECT detail, actor_name FROM liuzhou_audit_log WHERE action = 'evaluation.weights_update' "
        "ORDER BY id DESC LIMIT 1")).first()
    assert detail.detail == {"before": {"freshness": 2.0}, "after": {"freshness": 5.0}}
    assert detail.actor_name == fx.users["authority"]
    call_as(fx.users["authority"], "evaluation_weights_update", weights={"freshness": 5})
    assert _audit_rows() == before + 1  # nothing changed: nothing recorded


@pytest.mark.parametrize("role", ["county_authority", "p_admin", "q_member", "nobody"])
def test_no_one_else_sets_the_weights(fx, call_as, role):
    with pytest.raises(tk.NotAuthorized):
        call_as(fx.users[role], "evaluation_weights_update", weights={"freshness": 9})
    assert score.weights()["freshness"]["weight"] == score.DEFAULT_WEIGHTS["freshness"]


def test_who_reads_the_weights(fx, call_as):
    assert call_as(fx.users["county_authority"], "evaluation_weights_show")["weights"]
    for role in ("p_admin", "nobody"):
        with pytest.raises(tk.NotAuthorized):
            call_as(fx.users[role], "evaluation_weights_show")


@pytest.mark.parametrize("weights", [
    {"freshness": -1}, {"freshness": math.nan}, {"freshness": "NaN"}, {"freshness": "abc"},
    {"freshness": math.inf}, {"freshness": "1e309"}, {"freshness": 101}, {"freshness": 10 ** 30},
    {"freshness": True}, {"freshness": None}, {"freshness": [1]}, {"no_such_indicator": 1}, {}, [],
    "not json", "[1, 2]", {k: 0 for k in definitions.KEYS}, {"freshness": ""},
])
def test_hostile_weights_are_refused_and_change_nothing(fx, call_as, weights):
    before = (_audit_rows(), score.weights())
    with pytest.raises(tk.ValidationError) as e:
        call_as(fx.users["authority"], "evaluation_weights_update", weights=weights)
    assert e.value.error_dict
    model.Session.rollback()
    assert (_audit_rows(), score.weights()) == before


def test_the_score_by_month(fx, call_as):
    h = call_as(fx.users["p_admin"], "evaluation_score_history", id=fx.p["name"], to="2025-10-31")
    assert [m["month"] for m in h["months"]][-3:] == ["2025-08", "2025-09", "2025-10"] and len(h["months"]) == 12
    assert h["months"][-1]["score"] is not None and h["as_of"]
    with pytest.raises(tk.NotAuthorized):
        call_as(fx.users["q_member"], "evaluation_score_history", id=fx.p["name"])
    with pytest.raises(tk.ValidationError):
        call_as(fx.users["p_admin"], "evaluation_score_history", id=fx.p["name"], months=99)


# ------------------------------------------------------------------ pages

@pytest.fixture(scope="module")
def auth():
    tokens: dict[str, dict] = {}

    def headers(user: str) -> dict:
        if user not in tokens:
            tokens[user] = {"Authorization": factories.APIToken(user=user)["token"]}
        return tokens[user]
    return headers


def _page(response) -> BeautifulSoup:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[-1500:])
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_ranking_page_shows_the_score_the_formula_and_the_time(app, fx, auth):
    soup = _page(app.get("/evaluation/", query_string={**PERIOD, "sort": "score desc"},
                         headers=auth(fx.users["authority"])))
    assert soup.select_one("th.liuzhou-eval-score a[data-sort=score]")
    row = soup.select_one(f"tr[data-key='{fx.p['id']}'] td[data-indicator=score]")
    assert re.match(r"\d+\.\d$", row.get_text(strip=True))
    formula = soup.select_one("#score-formula")
    assert "完整率" in formula.get_text() or formula.select(".liuzhou-eval-terms span")
    assert soup.select_one(".liuzhou-eval-as-of")["data-as-of"].endswith("+08:00")


def test_the_department_page_shows_its_score_and_its_history(app, fx, auth):
    soup = _page(app.get(f"/evaluation/department/{fx.p['name']}", query_string=PERIOD,
                         headers=auth(fx.users["p_admin"])))
    assert re.match(r"\d+\.\d$", soup.select_one(".liuzhou-eval-score .value").get_text(strip=True))
    assert soup.select_one("svg#chart-score") and soup.select_one(".liuzhou-eval-as-of")


def test_the_weights_page_a_form_for_the_authority_only(app, fx, auth, weights_reset):
    soup = _page(app.get("/evaluation/weights", headers=auth(fx.users["authority"])))
    assert soup.select_one("input[name=w-freshness]")
    token = soup.select_one("input[name=_csrf_token]")["value"]
    form = {f"w-{k}": str(v) for k, v in score.DEFAULT_WEIGHTS.items()}
    r = app.post("/evaluation/weights", data={**form, "w-freshness": "-3", "_csrf_token": token},
                 headers=auth(fx.users["authority"]))
    soup = _page(r)
    assert soup.select_one(".liuzhou-errors") and score.weights()["freshness"]["weight"] == 2
    r = app.post("/evaluation/weights", data={**form, "w-freshness": "4", "_csrf_token": token},
                 headers=auth(fx.users["authority"]), follow_redirects=False)
    assert r.status_code == 302 and score.weights()["freshness"]["weight"] == 4
    soup = _page(app.get("/evaluation/weights", headers=auth(fx.users["county_authority"])))
    assert not soup.select_one("input[name=w-freshness]")
    assert soup.select_one("tr[data-key=freshness]").get_text().count("4")
