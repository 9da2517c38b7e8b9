"""The demo loader builds Liuzhou's departments, the role users and the catalog, idempotently."""
import pytest

import ckan.model as model
from ckan.tests.helpers import call_action

from ckanext.liuzhou.catalog import credit_code
from ckanext.liuzhou.demo import loader


@pytest.fixture(scope="module")
def loaded(departments):
    first = loader.load(echo=lambda _: None)
    second = loader.load(echo=lambda _: None)
    return first, second


def test_second_run_creates_nothing(loaded):
    first, second = loaded
    assert sum(second.created.values()) == 0, second.line()
    assert second.existing["organizations"] == len(loader.departments())
    assert second.existing["users"] == len(loader.USERS)
    assert second.existing["entries"] == len(loader.entries()) >= 50


def test_every_department_with_level_parent_and_a_valid_sample_code(loaded):
    for row in loader.departments():
        org = call_action("organization_show", id=row["name"])
        assert org["title"] == row["title"]
        assert org["level"] == row["level"]
        assert (org.get("parent") or "") == row["parent"]
        assert credit_code.problem(org["credit_code"]) is None
        assert org["credit_code_sample"] is True


def test_one_user_per_role_with_the_right_capacity(loaded):
    for u in loader.USERS:
        user = model.User.get(u.name)
        assert user is not None and user.state == "active"
        assert user.sysadmin is u.sysadmin
        if u.org:
            caps = {m.capacity for m in model.Session.query(model.Member).filter_by(
                group_id=model.Group.get(u.org).id, table_id=user.id, state="active")}
            assert caps == {u.role}


def test_entries_spread_over_the_three_classifications(loaded):
    result = call_action("package_search", q="*:*", rows=0, **{"facet.field": '["classification"]'})
    counts = {i["name"]: i["count"] for i in result["search_facets"]["classification"]["items"]}
    assert set(counts) == {"base", "theme", "department"}
    assert result["count"] == len(loader.entries())


def test_search_through_solr_finds_demo_entries_by_a_chinese_word(loaded):
    result = call_action("package_search", q="人口")
    titles = [d["title"] for d in result["results"]]
    assert any("人口" in t for t in titles), titles


def _sample_of(title: str) -> dict:
    from ckanext.liuzhou.demo import samples

    pkg = call_action("package_search", fq=f'title:"{title}"')["results"][0]
    return next(r for r in pkg["resources"] if r["name"] == samples.SAMPLE_NAME)


def test_every_entry_has_sample_data_read_through_the_platform(loaded, app):
    """The demo's locations are fictitious; each entry carries a sample file to download."""
    from ckan.tests import factories
    from ckanext.liuzhou.demo import samples

    first, second = loaded
    assert first.created["sample files"] == len(loader.entries())
    assert second.existing["sample files"] == len(loader.entries())
    entries = {e["title"]: e for e in loader.entries()}
    open_title = next(t for t, e in entries.items() if e["sharing_type"] == "unconditional")
    closed_title = next(t for t, e in entries.items()
                        if e["sharing_type"] == "conditional" and e["owner_org"] != "lzsrlzyhshbzj")
    token = {"Authorization": factories.APIToken(user="consumer_member")["token"]}

    response = app.get(f"/data/{_sample_of(open_title)['id']}", headers=token)
    assert response.status_code == 200
    header = response.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == entries[open_title]["information_items"][0]["name"]
    assert app.get(f"/data/{_sample_of(closed_title)['id']}", headers=token).status_code == 403
    table = call_action("datastore_search", resource_id=_sample_of(open_title)["id"])
    assert table["total"] == samples.ROWS
