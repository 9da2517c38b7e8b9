"""The public notice of a resource offlining (Art 21.3) and who is told about it."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa

import ckan.model as model

from ..calendar import store as cal
from .. import authz
from ..sharing import states as share_states
from ..sharing import workflow as share_workflow
from ..sharing.model import ShareRequest
from .model import ResourceOffline
from .states import COMPLETED, NOTICE, NOTICE_WORKDAYS

USING = share_states.OPEN - {share_states.REJECTED}


def window(start: dt.datetime) -> dt.datetime:
    """End of the 10-working-day notice that starts at ``start`` (day 0 = the approval day)."""
    return cal.deadline_or_error(start, NOTICE_WORKDAYS, "notice_ends")


def on_notice(now: Optional[dt.datetime] = None):
    """SQL: applications whose notice is showing now."""
    now = now or cal.utcnow()
    return sa.and_(ResourceOffline.state.in_([NOTICE, COMPLETED]),
                   ResourceOffline.notice_starts <= now, ResourceOffline.notice_ends >= now)


def showing(app: ResourceOffline, now: Optional[dt.datetime] = None) -> bool:
    now = now or cal.utcnow()
    return (app.state in (NOTICE, COMPLETED) and app.notice_starts is not None
            and app.notice_starts <= now <= app.notice_ends)


def ended(app: ResourceOffline, now: Optional[dt.datetime] = None) -> bool:
    now = now or cal.utcnow()
    return app.notice_ends is not None and now > app.notice_ends


def affected_requests(app: ResourceOffline) -> list[ShareRequest]:
    """Open or active share requests on the entry that include the resource (no list = all)."""
    reqs = (model.Session.query(ShareRequest)
            .filter(ShareRequest.package_id == app.package_id, ShareRequest.state.in_(list(USING)))
            .order_by(ShareRequest.created).all())
    return [r for r in reqs if not r.resource_ids or app.resource_id in r.resource_ids]


def tell_consumers(app: ResourceOffline, event: str, actor: model.User, role: str,
                   actor_org_id: Optional[str], now: dt.datetime) -> list[str]:
    """An event on the timeline of each affected request, notifying its consumer."""
    told = []
    for req in affected_requests(app):
        share_workflow.record_event(
            req, event, actor, role, actor_org_id=actor_org_id, from_state=req.state, to_state=req.state,
            now=now, detail={"resource_offline_id": app.id, "resource_id": app.resource_id,
                             "resource_name": app.resource_name, "notice_ends": app.notice_ends},
            notify=[authz.org_name(req.consumer_org_id)])
        told.append(authz.org_name(req.consumer_org_id))
    return sorted(set(told))
