"""Unauthorised stops (Art 33.1): the Authority's list and review of the flags (flagged by
:mod:`..violations`).
"""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import config as lz_config
from ...calendar import store as cal
from ... import authz
from ...formats import Names
from ...validation import validate_or_raise as _validate
from .. import dictize, events, schema, states
from ..model import Violation
from .common import acting_org, actor_of, commit, filter_org, load, page

_ = tk._


def _violation_dicts(rows: list[Violation]) -> list[dict]:
    names = Names([r.actor_id for r in rows] + [r.reviewed_by for r in rows], [r.provider_org_id for r in rows])
    pkgs = dictize.packages([r.package_id for r in rows])
    rids = {r.resource_id for r in rows if r.resource_id}
    resources = dict(model.Session.query(model.Resource.id, model.Resource.name).filter(
        model.Resource.id.in_(rids))) if rids else {}
    return [dictize.violation(r, names, pkgs, resources) for r in rows]


@tk.side_effect_free
def violation_list(context, data_dict) -> dict:
    """Art 33.1: data services stopped without the Authority's permission, for the Authority
    (a county authority: its county), newest first. :param state: open | confirmed |
    dismissed :param kind: :param org: the provider
    """
    tk.check_access("violation_list", context, data_dict)
    data = _validate(data_dict, schema.violation_list(), context)
    user = actor_of(context)
    query = model.Session.query(Violation)
    if not (authz.is_authority(user) or authz.is_sysadmin(user)):
        query = query.filter(Violation.provider_org_id.in_(list(authz.county_jurisdiction(user)) or [""]))
    if data.get("state"):
        query = query.filter(Violation.state == data["state"])
    if data.get("kind"):
        query = query.filter(Violation.kind == data["kind"])
    query = filter_org(query, Violation.provider_org_id, data.get("org"))
    count = query.count()
    rows = page(query, data, Violation.created.desc(), Violation.id)
    return {"count": count, "results": _violation_dicts(rows)}


def violation_review(context, data_dict) -> dict:
    """Art 33: the Authority confirms a flagged stop as a violation (责令改正) or dismisses it
    (e.g. a suspension justified under Art 31), with notes. :param id: :param decision:
    confirm | dismiss :param notes:
    """
    tk.check_access("violation_review", context, data_dict)
    data = _validate(data_dict, schema.violation_review(), context)
    actor = actor_of(context)
    v = load(Violation, data["id"], lock=True)
    states.check("violation", "review", v.state)
    now = cal.utcnow()
    v.state = "confirmed" if data["decision"] == "confirm" else "dismissed"
    v.reviewed_by, v.reviewed_at, v.review_notes = actor.id, now, data["notes"]
    role = "authority" if authz.is_authority(actor) else "county_authority"
    events.record("violation", v, data["decision"], actor, role,
                  actor_org_id=acting_org(actor, lz_config.authority_org()), from_state="open", to_state=v.state,
                  now=now, package_id=v.package_id, resource_id=v.resource_id,
                  share_request_id=v.share_request_id, provider_org_id=v.provider_org_id,
                  detail={"notes": v.review_notes}, notify=[authz.org_name(v.provider_org_id)])
    commit(context)
    return _violation_dicts([v])[0]
