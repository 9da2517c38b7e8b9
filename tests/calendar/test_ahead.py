"""Warning ahead of a year whose holiday arrangement nobody has entered (its deadlines would be
provisional): `ckan liuzhou doctor` names it, the Operator gets one notice, and the Operator and
the Authority see a banner from ``ckanext.liuzhou.calendar.warn_days`` (60) days before."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from ckan.tests import factories

from ckanext.liuzhou.calendar import store
from ckanext.liuzhou.cli import liuzhou
from ckanext.liuzhou.sharing import cli as sharing_cli
from tests.conftest import make_user

OPERATOR, AUTHORITY = "lzsxxhjsglzx", "lzsdsjfzj"


@pytest.fixture(scope="module")
def people(departments):
    return {"operator": make_user(OPERATOR, "member")["name"],
            "authority": make_user(AUTHORITY, "admin")["name"],
            "department": make_user("lzsgaj", "admin")["name"]}


def calendar_line(output: str) -> str:
    return next(line for line in output.splitlines() if " calendar " in f" {line} ")


def test_doctor_names_the_unknown_year_within_60_days(people, cli):
    assert 2027 not in store.load().confirmed_years
    near = cli.invoke(liuzhou, ["doctor", "--on", "2026-11-15"])  # 1 Jan 2027 is 47 days away
    assert near.exit_code == 0, near.output  # a warning, not a failure
    line = calendar_line(near.output)
    assert line.startswith("WARN") and "2027" in line
    far = cli.invoke(liuzhou, ["doctor", "--on", "2026-10-01"])  # 92 days away: nothing yet
    assert calendar_line(far.output).startswith("OK") and "2027" not in calendar_line(far.output)


def test_the_operator_gets_one_notice(people, call_as, freezer):
    freezer.move_to("2026-11-15 02:00:00")
    first = CliRunner().invoke(sharing_cli.deadlines, [])
    assert first.exit_code == 0, first.output
    assert "holiday arrangement of 2027 is not entered" in first.output
    assert "2027" not in CliRunner().invoke(sharing_cli.deadlines, []).output  # once
    inbox = call_as(people["operator"], "notification_list")["results"]
    notices = [n for n in inbox if n.get("object_type") == "calendar_year"]
    assert len(notices) == 1
    assert (notices[0]["object_id"], notices[0]["url"], notices[0]["title"]) == ("2027", "/calendar/?year=2027", "2027")
    others = call_as(people["department"], "notification_list")["results"]
    assert [n for n in others if n.get("object_type") == "calendar_year"] == []


def test_banner_for_the_operator_and_the_authority_only(app, people, ckan_config, monkeypatch):
    today = store.local_date(store.utcnow())
    calendar = store.load()
    first_unknown = next(y for y in range(today.year, today.year + 50) if not calendar.knows(y))
    days = max(0, (dt.date(first_unknown, 1, 1) - today).days)
    monkeypatch.setitem(ckan_config, "ckanext.liuzhou.calendar.warn_days", days)

    def banner(user):
        token = factories.APIToken(user=user)["token"]
        response = app.get("/sharing/mine", headers={"Authorization": token})
        assert response.status_code == 200
        return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".liuzhou-calendar-banner")

    for who in ("operator", "authority"):
        shown = banner(people[who])
        assert shown is not None and str(first_unknown) in shown.get_text(), who
    assert banner(people["department"]) is None
    assert "粘贴通知" in banner(people["operator"]).get_text()
    assert "粘贴通知" not in banner(people["authority"]).get_text()
    if days > 0:  # a day short of the unknown year: no banner yet
        monkeypatch.setitem(ckan_config, "ckanext.liuzhou.calendar.warn_days", days - 1)
        assert banner(people["operator"]) is None
