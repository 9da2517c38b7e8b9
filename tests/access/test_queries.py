"""The per-request work of the access layer: CKAN's permission labels worked out once per
transaction (and again after a membership changes), the Reader's roles without queries of their
own, grants loaded only when a decision needs them, and what a search page costs in SQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import plugins as lib_plugins
from ckan.lib.plugins import DefaultPermissionLabels
from ckan.tests import factories

from ckanext.liuzhou.access import policy
from ckanext.liuzhou import authz

pytestmark = pytest.mark.usefixtures("data")


class Statements:
    """Counts the SQL statements sent while it is open."""

    def __init__(self):
        self.sql: list[str] = []

    def _count(self, conn, cursor, statement, *args):
        self.sql.append(statement)

    def __enter__(self):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", self._count)

    def matching(self, *texts: str) -> int:
        return sum(all(t in s for t in texts) for s in self.sql)


def _user(name: str) -> model.User:
    return model.User.get(name)


def test_the_portal_supplies_the_permission_labels(data):
    assert type(lib_plugins.get_permission_labels()).__name__ == "LiuzhouPlugin"


@pytest.mark.parametrize("who", ["provider_editor", "consumer_member", "operator", "authority",
                                 "county_authority", "other_admin"])
def test_user_labels_are_ckans_own(data, who):
    model.Session.rollback()
    u = _user(getattr(data.world, who))
    ours = lib_plugins.get_permission_labels().get_user_dataset_labels(u)
    assert sorted(ours) == sorted(DefaultPermissionLabels().get_user_dataset_labels(u))
    assert "public" in ours and f"creator-{u.id}" in ours
    assert any(label.startswith("member-") for label in ours)


def test_user_labels_match_ckans_across_groups_deleted_departments_and_roles(data):
    """Labels from the memberships (no organization_list_for_user) equal CKAN's for a user who is
    also in a plain group, in a deleted department and an editor elsewhere."""
    model.Session.rollback()
    user = factories.User()
    u = _user(user["name"])
    editor_of, gone = (model.Session.query(model.Group).filter_by(is_organization=True, state="active")
                       .order_by(model.Group.name).limit(2).all())
    group = model.Group(name="liuzhou-test-plain-group", type="group", is_organization=False)
    model.Session.add(group)
    model.Session.flush()
    for g, capacity in ((editor_of, "editor"), (gone, "member"), (group, "member")):
        model.Session.add(model.Member(table_name="user", table_id=u.id, group=g, capacity=capacity,
                                       state="active"))
    gone.state = "deleted"
    model.Session.flush()
    ours = lib_plugins.get_permission_labels().get_user_dataset_labels(u)
    assert sorted(ours) == sorted(DefaultPermissionLabels().get_user_dataset_labels(u))
    assert f"member-{editor_of.id}" in ours
    assert f"member-{gone.id}" not in ours and f"member-{group.id}" not in ours
    model.Session.rollback()


def test_a_members_labels_cost_no_query_once_the_memberships_are_read(data):
    model.Session.rollback()
    u = _user(data.world.consumer_member)
    authz.memberships(u)   # every page reads them (roles, notifications)
    with Statements() as labels_sql:
        ours = lib_plugins.get_permission_labels().get_user_dataset_labels(u)
    assert not labels_sql.sql
    assert sorted(ours) == sorted(DefaultPermissionLabels().get_user_dataset_labels(u))
    model.Session.rollback()


def test_dataset_labels_are_ckans_own(data):
    pkg = model.Package.get(data.world.conditional["id"])
    assert (lib_plugins.get_permission_labels().get_dataset_labels(pkg)
            == DefaultPermissionLabels().get_dataset_labels(pkg))


def test_user_labels_are_worked_out_once_per_transaction(data):
    model.Session.rollback()
    u = _user(data.world.consumer_member)
    labels = lib_plugins.get_permission_labels()
    with Statements() as first:
        a = labels.get_user_dataset_labels(u)
    with Statements() as again:
        b = labels.get_user_dataset_labels(u)
    assert first.sql and not again.sql
    assert a == b
    a.append("tampered")   # a caller changing its list does not change the next answer
    assert "tampered" not in labels.get_user_dataset_labels(u)
    model.Session.rollback()
    with Statements() as next_transaction:
        labels.get_user_dataset_labels(u)
    assert next_transaction.sql


def test_a_new_membership_shows_in_the_labels_at_once(data):
    model.Session.rollback()
    user = factories.User()
    u = _user(user["name"])
    labels = lib_plugins.get_permission_labels()
    before = labels.get_user_dataset_labels(u)
    org = model.Group.get(data.world.conditional["owner_org"])
    assert f"member-{org.id}" not in before
    member = model.Member(table_name="user", table_id=u.id, group=org, capacity="member",
                          state="active")
    model.Session.add(member)
    model.Session.flush()   # same transaction: the memo must not answer with the old list
    assert f"member-{org.id}" in labels.get_user_dataset_labels(u)
    model.Session.rollback()


@pytest.mark.parametrize("who, authority, operator", [
    ("authority", True, False), ("operator", False, True), ("provider_editor", False, False),
    ("county_authority", False, False)])
def test_reader_roles_come_with_the_memberships(data, who, authority, operator):
    model.Session.rollback()
    u = _user(getattr(data.world, who))
    authz.memberships(u)                 # the one query of the memberships
    with Statements() as sql:
        reader = policy.build(u)
    assert (reader.authority, reader.operator) == (authority, operator)
    if who in ("operator", "provider_editor"):   # admins' county jurisdiction reads their departments
        assert sql.sql == []


def test_grants_are_loaded_only_when_a_decision_needs_them(data):
    model.Session.rollback()
    w = data.world
    reader = policy.build(_user(w.consumer_scoped))
    with Statements() as sql:
        own_or_open = reader.decide(w.unconditional["id"], w.unconditional["owner_org"], "unconditional")
    assert own_or_open.readable and not sql.matching("liuzhou_share_request")
    assert reader.grants is None
    with Statements() as sql:
        granted = reader.decide(w.conditional["id"], w.conditional["owner_org"], "conditional")
    assert granted.readable and granted.via == "grant"
    assert granted.share_request_id == data.grant["id"]
    assert sql.matching("liuzhou_share_request") == 1
    with Statements() as sql:   # once per Reader
        assert "id:(" in reader.solr_readable_clause()
    assert not sql.matching("liuzhou_share_request")


def test_a_search_page_asks_for_the_labels_once(app, data):
    w = data.world
    user = model.User.get(w.consumer_member)
    token = tk.get_action("api_token_create")(
        {"user": w.sysadmin, "ignore_auth": False}, {"user": user.name, "name": "queries"})["token"]
    app.get("/catalog/?q=人口", headers={"Authorization": token})  # warm
    with Statements() as sql:
        res = app.get("/catalog/?q=人口", headers={"Authorization": token})
    assert res.status_code == 200 and "数据权限" in res.get_data(as_text=True)
    # the labels: worked out once, not for package_search, the access facet's count and the
    # header's activity count each; for a member from the memberships the page reads anyway
    # (one query), with no organization_list_for_user
    assert sql.matching("SELECT member.id", "member.capacity IN") == 0
    assert sql.matching("SELECT member.group_id", "group_is_organization") == 1
