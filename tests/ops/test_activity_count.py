"""The header's new-activity count (ops/activity_count.py) is CKAN's count, in one query."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.activity.logic import action as activity_action
from ckanext.activity.model import Activity

pytestmark = pytest.mark.usefixtures("clean_db", "with_request_context")


def ours(user):
    return tk.get_action("dashboard_new_activities_count")({"user": user["name"]}, {})


def ckans(user):
    context = {"user": user["name"], "model": model, "session": model.Session,
               "auth_user_obj": model.User.get(user["name"])}
    return activity_action.dashboard_new_activities_count(context, {})


def mark_seen(user):
    tk.get_action("dashboard_mark_activities_old")({"user": user["name"]}, {})


def changed_by(actor, user, about="x"):
    """An activity about ``user`` by ``actor`` (CKAN records a profile edit under the edited
    user's own name, so one by someone else is written as the activity plugin writes rows)."""
    model.Session.add(Activity(actor["id"], user["id"], "changed user", {"fullname": about}))
    model.Session.commit()


@pytest.fixture
def stock_stream_forbidden(monkeypatch):
    """CKAN's stream may not be built: the one-query path must answer alone."""
    from ckanext.activity.model import activity as activity_model

    def refuse(*args, **kwargs):
        raise AssertionError("CKAN's dashboard stream was built")
    monkeypatch.setattr(activity_model, "dashboard_activity_list", refuse)


def test_an_edit_by_someone_else_is_new_and_own_work_is_not():
    user, admin = factories.User(), factories.Sysadmin()
    mark_seen(user)
    changed_by(user, user)                            # the user's own activity
    assert ours(user) == ckans(user) == 0
    changed_by(admin, user, "改一次")
    changed_by(admin, user, "改两次")
    assert ours(user) == ckans(user) == 2
    mark_seen(user)
    assert ours(user) == ckans(user) == 0


@pytest.mark.usefixtures("stock_stream_forbidden")
def test_a_user_following_nothing_is_answered_by_one_query():
    user, admin = factories.User(), factories.Sysadmin()
    mark_seen(user)
    changed_by(admin, user)
    assert ours(user) == 1


@pytest.mark.ckan_config("ckan.activity_list_limit", 3)
def test_only_the_newest_page_of_the_stream_counts():
    user, admin = factories.User(), factories.Sysadmin()
    mark_seen(user)
    changed_by(admin, user)                           # new, but pushed off the first page
    for n in range(3):
        changed_by(user, user, f"自己改{n}")
    assert ours(user) == ckans(user) == 0
    changed_by(admin, user, "再改")
    assert ours(user) == ckans(user) == 1


def test_the_site_users_work_is_hidden():
    user = factories.User()
    mark_seen(user)
    site_user = model.User.get(tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"])
    changed_by({"id": site_user.id}, user)
    assert ours(user) == ckans(user) == 0


def test_a_follower_gets_ckans_own_count():
    user, colleague = factories.User(), factories.User()
    tk.get_action("follow_user")({"user": user["name"]}, {"id": colleague["id"]})
    mark_seen(user)
    tk.get_action("user_update")({"user": colleague["name"]}, {
        "id": colleague["id"], "email": colleague["email"], "fullname": "同事改了自己的资料"})
    assert ours(user) == ckans(user) == 1


def test_anonymous_is_refused_as_by_ckan():
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("dashboard_new_activities_count")({"user": ""}, {})

