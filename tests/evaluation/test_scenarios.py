"""Application scenarios (应用场景) and the indicators of support for applications (Art 34):
a department's editor registers the scenarios that use shared data, citing only entries the
department may read and requests it is party to; the provider whose data a scenario of
another department relies on counts it. On the fixture of conftest.py (Q consumes P's data)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.conftest import make_user

from .conftest import PERIOD


@pytest.fixture(scope="module")
def q_editor(fx):
    return make_user(fx.q["name"], "editor")["name"]


@pytest.fixture(scope="module")
def p_editor(fx):
    return make_user(fx.p["name"], "editor")["name"]


@pytest.fixture(scope="module")
def auth():
    tokens: dict[str, dict] = {}

    def headers(user: str) -> dict:
        if user not in tokens:
            tokens[user] = {"Authorization": factories.APIToken(user=user)["token"]}
        return tokens[user]
    return headers


def _recent() -> dict:
    today = dt.date.today()
    return {"from": (today - dt.timedelta(days=40)).isoformat(), "to": (today + dt.timedelta(days=1)).isoformat()}


def _audit(object_id: str) -> list[str]:
    return [a for a, in model.Session.execute(sa.text(
        "SELECT action FROM liuzhou_audit_log WHERE object_type = 'scenario' AND object_id = :id ORDER BY id"),
        {"id": object_id})]


@pytest.fixture(scope="module")
def scenario(fx, q_editor, call_as_module):
    """Q's scenario: P's unconditional entry e1 and Q's delivered request r1 (for P's e2)."""
    return call_as_module(q_editor, "scenario_create", name="社保待遇资格静默认证", serves="退休人员免于每年到窗口认证",
                          entries=[fx.entries["e1"]["name"]], requests=[fx.requests["r1"]])


def test_a_department_registers_a_scenario_with_an_audit_row(fx, scenario):
    assert scenario["org"]["id"] == fx.q["id"]
    assert [e["id"] for e in scenario["entries"]] == [fx.entries["e1"]["id"]]
    assert [r["id"] for r in scenario["requests"]] == [fx.requests["r1"]]
    assert [p["id"] for p in scenario["providers"]] == [fx.p["id"]]
    assert _audit(scenario["id"]) == ["scenario.create"]


def test_only_entries_the_department_may_read(fx, q_editor, call_as):
    # e3 is not shared; e2 is conditional and no request delivered it to this user's scope
    for key in ("e3", "e2"):
        with pytest.raises(tk.ValidationError) as e:
            call_as(q_editor, "scenario_create", name="x", serves="y", entries=[fx.entries[key]["name"]])
        assert "entries" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        call_as(q_editor, "scenario_create", name="x", serves="y", entries=["no-such-entry"])
    assert "entries" in e.value.error_dict


def test_only_requests_the_department_is_party_to(fx, q_editor, call_as):
    with pytest.raises(tk.ValidationError) as e:   # r10: the township provides to P
        call_as(q_editor, "scenario_create", name="x", serves="y", requests=[fx.requests["r10"]])
    assert "requests" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:   # nothing cited
        call_as(q_editor, "scenario_create", name="x", serves="y")
    assert "entries" in e.value.error_dict


def test_a_member_or_another_department_may_not_write(fx, scenario, p_editor, call_as):
    with pytest.raises(tk.NotAuthorized):
        call_as(fx.users["q_member"], "scenario_create", name="x", serves="y", entries=[fx.entries["e1"]["name"]])
    with pytest.raises(tk.NotAuthorized):   # P's editor names Q
        call_as(p_editor, "scenario_create", org=fx.q["name"], name="x", serves="y", entries=[fx.entries["e1"]["name"]])
    for who in (p_editor, fx.users["authority"]):
        with pytest.raises(tk.NotAuthorized):
            call_as(who, "scenario_update", id=scenario["id"], name="改名")
        with pytest.raises(tk.NotAuthorized):
            call_as(who, "scenario_delete", id=scenario["id"])
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("scenario_list")({"user": "", "ignore_auth": False}, {})


def test_who_sees_a_scenario(fx, scenario, call_as):
    sid = scenario["id"]
    # Q's users, P's (its data), the Authority; not the township's, not the county authority (no party there)
    for who in ("q_member", "p_member", "authority"):
        assert sid in [s["id"] for s in call_as(fx.users[who], "scenario_list")["results"]], who
        assert call_as(fx.users[who], "scenario_show", id=sid)["name"] == "社保待遇资格静默认证"
    for who in ("t_admin", "county_authority", "nobody"):
        assert sid not in [s["id"] for s in call_as(fx.users[who], "scenario_list")["results"]], who
        with pytest.raises(tk.NotAuthorized):
            call_as(fx.users[who], "scenario_show", id=sid)
    assert [s["id"] for s in call_as(fx.users["authority"], "scenario_list", provider=fx.p["name"])["results"]] == [sid]
    assert call_as(fx.users["authority"], "scenario_list", provider=fx.t["name"])["count"] == 0


def test_the_provider_counts_the_scenarios_its_data_supports(fx, scenario, p_editor, call_as):
    # P's own scenario on its own data does not count for P (support for others' applications)
    call_as(p_editor, "scenario_create", name="内部核查", serves="本部门核查", entries=[fx.entries["e1"]["name"]])
    figures = call_as(fx.users["authority"], "evaluation_show", id=fx.p["name"], **_recent())["figures"]
    assert (figures["scenarios_supported"], figures["scenario_departments"]) == (1, 1)
    rows = call_as(fx.users["authority"], "evaluation_detail", id=fx.p["name"], indicator="scenarios_supported",
                   **_recent())["rows"]
    assert [(r["ref"], r["other"]) for r in rows] == [(scenario["id"], fx.q["title"])]
    # registered after the fixture's period: not counted there
    assert call_as(fx.users["authority"], "evaluation_show", id=fx.p["name"], **PERIOD)["figures"]["scenarios_supported"] == 0
    # the consumer itself supports nothing by registering
    assert call_as(fx.users["authority"], "evaluation_show", id=fx.q["name"], **_recent())["figures"]["scenarios_supported"] == 0


def test_update_and_withdraw(fx, q_editor, call_as):
    made = call_as(q_editor, "scenario_create", name="就业补贴发放", serves="补贴直达", requests=[fx.requests["r1"]])
    changed = call_as(q_editor, "scenario_update", id=made["id"], name="就业补贴免申即享",
                      entries=[fx.entries["e1"]["name"]])
    assert changed["name"] == "就业补贴免申即享" and changed["serves"] == "补贴直达"
    assert [r["id"] for r in changed["requests"]] == [fx.requests["r1"]] and len(changed["entries"]) == 1
    with pytest.raises(tk.ValidationError):
        call_as(q_editor, "scenario_update", id=made["id"], entries=[fx.entries["e3"]["name"]])
    call_as(q_editor, "scenario_delete", id=made["id"])
    with pytest.raises(tk.ObjectNotFound):
        call_as(q_editor, "scenario_show", id=made["id"])
    assert _audit(made["id"]) == ["scenario.create", "scenario.update", "scenario.delete"]


def test_the_same_form_sent_twice_makes_one_scenario(fx, q_editor, call_as):
    data = dict(name="重复提交", serves="测试", entries=[fx.entries["e1"]["name"]], idempotency_key="k-" + fx.q["name"])
    assert call_as(q_editor, "scenario_create", **data)["id"] == call_as(q_editor, "scenario_create", **data)["id"]


# ------------------------------------------------------------------ pages

def test_the_form_registers_a_scenario(app, fx, q_editor, auth):
    form = app.get("/scenario/new", headers=auth(q_editor))
    assert form.status_code == 200
    soup = BeautifulSoup(form.get_data(as_text=True), "html.parser")
    offered = [i["value"] for i in soup.select("input[name=requests]")]
    assert fx.requests["r1"] in offered and fx.requests["r10"] not in offered
    r = app.post("/scenario/new", headers=auth(q_editor), follow_redirects=False, data={
        "name": "网页登记的场景", "serves": "窗口办事", "requests": fx.requests["r1"],
        "entries_more": fx.entries["e1"]["name"]})
    assert r.status_code == 302 and "/scenario/" in r.headers["Location"]
    page = app.get(r.headers["Location"], headers=auth(q_editor)).get_data(as_text=True)
    assert "网页登记的场景" in page and fx.entries["e1"]["title"] in page
    refused = app.post("/scenario/new", headers=auth(q_editor), data={
        "name": "x", "serves": "y", "entries_more": fx.entries["e3"]["name"]})
    assert refused.status_code == 200 and "liuzhou-form-errors" in refused.get_data(as_text=True)


def test_pages_refuse_what_the_actions_refuse(app, fx, scenario, auth):
    assert app.get("/scenario/new", headers=auth(fx.users["q_member"])).status_code == 403
    assert app.get(f"/scenario/{scenario['id']}", headers=auth(fx.users["t_admin"])).status_code == 403
    assert app.get(f"/scenario/{scenario['id']}/edit", headers=auth(fx.users["p_member"])).status_code == 403
    assert app.get("/scenario/no-such-scenario", headers=auth(fx.users["authority"])).status_code == 404
    anon = app.get("/scenario/", follow_redirects=False)
    assert anon.status_code == 302 and "/user/login" in anon.headers["Location"]
    listed = app.get("/scenario/", headers=auth(fx.users["authority"])).get_data(as_text=True)
    assert "社保待遇资格静默认证" in listed
