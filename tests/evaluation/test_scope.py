"""Whose evaluation figures a user may see (evaluation/scope.py, Art 34), on its own: the
Authority every department, a county authority the departments of its county, a department
its own, nobody else any. (The pages and actions built on it: test_access.py.)"""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import factories

from ckanext.liuzhou.evaluation import scope
from tests.conftest import make_user
from tests.sharing.conftest import AUTHORITY, CONSUMER, COUNTY_AUTHORITY, COUNTY_DEPT, OPERATOR, PROVIDER


@pytest.fixture(scope="module")
def ids(evaluation_departments):
    return {name: model.Group.get(name).id for name in (PROVIDER, CONSUMER, COUNTY_DEPT, OPERATOR, AUTHORITY)}


def user(org=None, role="member", sysadmin=False):
    name = (factories.Sysadmin() if sysadmin else make_user(org, role))["name"]
    return model.User.get(name)


def test_the_authority_and_sysadmins_see_every_department(ids):
    for who in (user(AUTHORITY, "admin"), user(sysadmin=True)):
        assert scope.ranking_scope(who) is None
        assert all(scope.may_see_department(who, org_id) for org_id in ids.values())


def test_a_county_authority_sees_the_departments_of_its_county_only(ids):
    county = user(COUNTY_AUTHORITY, "admin")
    ranked = scope.ranking_scope(county)
    assert ids[COUNTY_DEPT] in ranked and ids[PROVIDER] not in ranked
    assert scope.may_see_department(county, ids[COUNTY_DEPT])
    assert not scope.may_see_department(county, ids[PROVIDER])


@pytest.mark.parametrize("org, role", [(PROVIDER, "member"), (PROVIDER, "admin"), (OPERATOR, "member")])
def test_a_department_sees_its_own_figures_and_ranks_nobody(ids, org, role):
    who = user(org, role)
    assert scope.ranking_scope(who) == set()
    assert scope.may_see_department(who, ids[org])
    assert not scope.may_see_department(who, ids[CONSUMER])
    assert [g.name for g in scope.own_departments(who)] == [org]


def test_visitors_and_users_of_no_department_see_nothing(ids):
    lone = user()
    for who in (None, lone):
        assert scope.ranking_scope(who) == set()
        assert not scope.may_see_department(who, ids[PROVIDER])
        assert scope.own_departments(who) == []
    assert not scope.may_see_department(user(AUTHORITY, "admin"), "")


def test_a_department_is_named_by_id_or_name(ids):
    assert scope.department_ids(PROVIDER) == scope.department_ids(ids[PROVIDER]) == ids[PROVIDER]
    assert scope.department_ids("no-such-department") is None
