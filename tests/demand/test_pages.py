"""The demand pages over HTTP, as each role (docs/demand.md, the pages table): the form, the
lists, a need's page with the routing form and its suggestions (the Operator, the Authority for a
dispute) and the answer form (an admin of the department routed to), the overdue items page.

Users sign in with API tokens (CKAN then skips the CSRF check, as for any API client)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

from ckan.tests import factories

from .conftest import CONSUMER, MONDAY, PROVIDER

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def auth():
    tokens: dict[str, dict] = {}

    def headers(user: str) -> dict:
        if user not in tokens:
            tokens[user] = {"Authorization": factories.APIToken(user=user)["token"]}
        return tokens[user]
    return headers


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[-2000:])
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def steps(soup: BeautifulSoup) -> set[str]:
    return {s["id"].removeprefix("step-") for s in soup.select("section.liuzhou-step")}


def test_a_department_user_files_a_need_through_the_form(app, world, auth, call_as):
    form = page(app.get("/demand/new", headers=auth(world.consumer_member))).select_one("form#liuzhou-demand-form")
    for name in ("title", "duty", "basis", "information_items", "needed_by", "valid_until", "idempotency_key"):
        assert form.select_one(f"[name={name}]") is not None, name
    key = form.select_one("[name=idempotency_key]")["value"]
    data = {"title": "低保对象死亡注销信息", "duty": "低保资格动态复核", "basis": "《社会救助暂行办法》第十二条",
            "information_items": "公民身份号码，姓名\n死亡日期", "needed_by": "2027-03-31",
            "consumer_org": CONSUMER, "idempotency_key": key}
    first = app.post("/demand/new", headers=auth(world.consumer_member), data=data, follow_redirects=False)
    again = app.post("/demand/new", headers=auth(world.consumer_member), data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # one form, one need
    demand_id = first.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    d = call_as(world.operator, "demand_show", id=demand_id)
    assert d["information_items"] == ["公民身份号码", "姓名", "死亡日期"] and d["state"] == "submitted"


def test_a_form_with_errors_comes_back_with_the_messages(app, world, auth):
    soup = page(app.post("/demand/new", headers=auth(world.consumer_member), data={"title": "x"}))
    assert soup.select_one(".liuzhou-form-errors") is not None
    assert {e["data-field"] for e in soup.select(".liuzhou-field-error")} >= {"duty", "basis", "needed_by"}
    assert "履职事项" in soup.get_text()


def test_the_form_is_refused_to_a_user_of_no_department_and_visitors_sign_in(app, auth):
    from tests.conftest import make_user
    assert app.get("/demand/new", headers=auth(make_user()["name"])).status_code == 403
    visitor = app.get("/demand/new", follow_redirects=False)
    assert visitor.status_code == 302 and "/user/login" in visitor.headers["Location"]


def test_the_operator_sees_suggestions_and_routes_from_the_page(app, world, auth, call_as, file_need):
    d = file_need(title="常住人口核验信息", information_items=["公民身份号码", "姓名"])
    soup = page(app.get(f"/demand/{d['id']}", headers=auth(world.operator)))
    assert steps(soup) == {"route"}
    assert PROVIDER in [r["data-candidate"] for r in soup.select("tr[data-candidate]")]
    assert "人口基础信息" in soup.select_one(f"tr[data-candidate={PROVIDER}]").get_text()
    done = app.post(f"/demand/{d['id']}/route", headers=auth(world.operator), data={"provider_org": PROVIDER},
                    follow_redirects=False)
    assert done.status_code == 302
    assert call_as(world.operator, "demand_show", id=d["id"])["state"] == "routed"


def test_the_filer_and_the_provider_see_no_routing_form(app, world, auth, file_need):
    d = file_need()
    for user in (world.consumer_member, world.authority):
        soup = page(app.get(f"/demand/{d['id']}", headers=auth(user)))
        assert steps(soup) == set() and not soup.select("tr[data-candidate]")
    assert app.post(f"/demand/{d['id']}/route", headers=auth(world.consumer_member),
                    data={"provider_org": PROVIDER}).status_code == 403
    assert app.get(f"/demand/{d['id']}", headers=auth(world.other_admin)).status_code == 403
    assert app.get("/demand/no-such-need", headers=auth(world.operator)).status_code == 404


def test_the_provider_answers_with_an_entry_and_a_share_request_exists(app, world, auth, call_as, file_need):
    d = file_need("routed")
    soup = page(app.get(f"/demand/{d['id']}", headers=auth(world.provider_admin)))
    assert steps(soup) == {"answer"}
    options = [o["value"] for o in soup.select("#answer-entry-form select[name=package_id] option")]
    assert world.conditional["name"] in options and world.county_conditional["name"] not in options
    assert page(app.get(f"/demand/{d['id']}", headers=auth(world.provider_editor))).select("section.liuzhou-step") == []
    done = app.post(f"/demand/{d['id']}/answer", headers=auth(world.provider_admin),
                    data={"answer": "entry", "package_id": world.conditional["name"]}, follow_redirects=False)
    assert done.status_code == 302
    after = page(app.get(f"/demand/{d['id']}", headers=auth(world.consumer_member)))
    link = after.select_one("a#demand-share-request")
    rid = link["href"].rsplit("/", 1)[-1]
    assert call_as(world.consumer_member, "share_request_show", id=rid)["state"] == "submitted"
    assert after.select_one("#demand-state")["data-state"] == "met"


def test_a_refusal_without_a_reason_comes_back_with_the_message(app, world, auth, call_as, file_need):
    d = file_need("routed")
    soup = page(app.post(f"/demand/{d['id']}/answer", headers=auth(world.provider_admin),
                         data={"answer": "refuse", "reason_code": "security"}))
    assert soup.select_one(".liuzhou-form-errors") is not None
    assert call_as(world.operator, "demand_show", id=d["id"])["state"] == "routed"
    app.post(f"/demand/{d['id']}/answer", headers=auth(world.provider_admin),
             data={"answer": "refuse", "reason_code": "security", "reason": "涉密"})
    soup = page(app.get(f"/demand/{d['id']}", headers=auth(world.consumer_member)))
    assert "涉及国家秘密或安全" in soup.select_one(".liuzhou-demand-answer").get_text()


def test_the_authority_decides_a_dispute_on_the_page(app, world, auth, call_as, file_need):
    d = file_need("disputed")
    assert steps(page(app.get(f"/demand/{d['id']}", headers=auth(world.operator)))) == set()
    soup = page(app.get(f"/demand/{d['id']}", headers=auth(world.authority)))
    assert steps(soup) == {"route"} and "裁定答复部门" in soup.get_text()
    app.post(f"/demand/{d['id']}/route", headers=auth(world.authority), data={"provider_org": PROVIDER})
    assert call_as(world.operator, "demand_show", id=d["id"])["assigned"] is True


def test_lists_and_the_overdue_items_page(app, world, auth, call_as, need_data):
    with freeze_time(MONDAY):
        d = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2026-04-30"))
        call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    # the lists are newest first, 25 a page: this need of March is found among the overdue ones
    mine = page(app.get("/demand/?overdue=1", headers=auth(world.consumer_member)))
    assert d["id"] in [r["data-demand"] for r in mine.select("tr[data-demand]")]
    review = page(app.get("/demand/review?overdue=1", headers=auth(world.provider_admin)))
    assert d["id"] in [r["data-demand"] for r in review.select("tr[data-demand]")]
    assert d["id"] not in [r["data-demand"] for r in
                           page(app.get("/demand/all?overdue=1", headers=auth(world.other_admin))).select("tr[data-demand]")]
    overdue = page(app.get("/sharing/overdue", headers=auth(world.authority)))
    rows = overdue.select("#overdue-demands tr[data-demand]")
    assert d["id"] in [r["data-demand"] for r in rows]
    assert "逾期未答复的需求" in overdue.get_text()
