"""The header's count of new dashboard activities, in one query where CKAN needs ten.

Every page a signed-in user opens shows the count of new activities in their dashboard
(ckanext-activity's ``header.html`` calls ``dashboard_new_activities_count``). CKAN answers it
by building the whole dashboard stream: three look-ups of what the user follows, the hidden
users' ids, a union of up to six queries and a dictized page of activities, about a third of
the search page's time. Most civil servants follow nothing; their dashboard is their own
stream (what they did, and what was done to their account), which one query counts.

The count is CKAN's, to the row: the ``ckan.activity_list_limit`` newest activities of the
stream (after CKAN's filters: the hidden users of ``ckan.hide_activity_from_users``, and the
permission labels of package activities), of which those by someone else and newer than the
user's last look at the dashboard. A user who follows anything, a call with parameters, or a
dashboard never viewed goes to CKAN's own action (``tests/test_activity_count.py`` compares
both on each kind of stream).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

# One round trip: whether the user follows anything, and the count over their own stream.
_COUNT = sa.text("""
SELECT
  EXISTS (SELECT 1 FROM user_following_user WHERE follower_id = :me)
  OR EXISTS (SELECT 1 FROM user_following_dataset WHERE follower_id = :me)
  OR EXISTS (SELECT 1 FROM user_following_group WHERE follower_id = :me) AS follows,
  d.activity_stream_last_viewed AS last_viewed,
  (SELECT count(*) FROM (
      SELECT a.user_id, a."timestamp" FROM activity a
      WHERE (a.user_id = :me OR a.object_id = :me)
        AND a.user_id NOT IN (  -- as CKAN's notin_: a NULL user passes only an empty list
              SELECT u.id FROM "user" u WHERE u.name = ANY(:hidden) OR u.id = ANY(:hidden))
        AND (:all_labels OR a.activity_type IS NULL OR a.activity_type NOT LIKE '%package'
             OR a.permission_labels && CAST(:labels AS text[]))
      ORDER BY a."timestamp" DESC
      LIMIT :lim) s
   WHERE s.user_id <> :me AND s."timestamp" > d.activity_stream_last_viewed) AS new
FROM (SELECT 1) one LEFT JOIN dashboard d ON d.user_id = :me
""")


def _hidden_names() -> list[str]:
    """``ckan.hide_activity_from_users``, or the site user (named after ``ckan.site_id``)."""
    names = tk.config.get("ckan.hide_activity_from_users")
    if isinstance(names, str):
        names = names.split()
    return list(names or [tk.config.get("ckan.site_id")])


@tk.chained_action
@tk.side_effect_free
def dashboard_new_activities_count(up_func, context: dict, data_dict: dict) -> Any:
    """The number of new activities in the user's dashboard, as CKAN counts it.

    One query for users who follow nothing (the usual case); CKAN's own action otherwise."""
    if data_dict:
        return up_func(context, data_dict)
    tk.check_access("dashboard_new_activities_count", context, data_dict)
    user = context.get("auth_user_obj") or model.User.get(context.get("user") or "")
    if user is None:
        return up_func(context, data_dict)
    labels = (None if authz.is_sysadmin(user.name)
              else lib_plugins.get_permission_labels().get_user_dataset_labels(user))
    row = model.Session.execute(_COUNT, {
        "me": user.id, "hidden": _hidden_names(), "all_labels": labels is None,
        "labels": list(labels or []), "lim": int(tk.config.get("ckan.activity_list_limit")),
    }).one()
    if row.follows or row.last_viewed is None:
        return up_func(context, data_dict)
    return int(row.new)
