"""The hand-computed fixture of the evaluation (Art 34), in September–October 2025.

That period holds the National Day holiday of 2025 (1–8 October off; Sunday 28 September and
Saturday 11 October are working days), so each working-day figure below differs from what
calendar days or plain weekdays would give. Rows are written straight into the workflow
tables with their historical times (the workflows themselves are tested in tests/sharing);
the departments are new ones with a per-session suffix, so rows other tests leave in the
shared, append-only audit log never count here.

Provider P (city) ← consumer Q (city); a township T (in 柳江区, the county authority's
county) provides to P. Expected figures are in ``EXPECTED`` with how they were counted.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.audit import chain
from ckanext.liuzhou.cascade.mapping import MARK
from ckanext.liuzhou.cascade.model import NegativeListVersion
from ckanext.liuzhou.catalog import credit_code
from ckanext.liuzhou.lifecycle.model import AccountRequest, ResourceOffline, UpkeepNotice, UpkeepTarget
from ckanext.liuzhou.sharing.model import Delivery, QualityIssue, ShareRequest

from tests.conftest import _migrate, make_user
from tests.sharing.conftest import ITEMS, entry

SUFFIX = uuid.uuid4().hex[:6]
PERIOD = {"from": "2025-09-01", "to": "2025-10-31"}


def sh(y, m, d, hh=10, mm=0) -> dt.datetime:
    """Naive UTC of a Shanghai wall-clock time."""
    return dt.datetime(y, m, d, hh, mm) - dt.timedelta(hours=8)


@dataclass
class Fixture:
    p: dict            # provider (city)
    q: dict            # consumer (city)
    t: dict            # township under 柳江区 (ljq)
    entries: dict      # e1 … e5 → package dict
    requests: dict     # r1 … r10 → id
    users: dict        # role → user name
    accounts: dict     # a1 … → account request id (Art 12)
    offlines: dict     # o1 … → resource offline application id (Art 21)


def _org(name: str, title: str, level: str, parent: str = "") -> dict:
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    return tk.get_action("organization_create")(site, {
        "name": name, "title": title, "level": level, "parent": parent, "division_code": "450200",
        "roles": [], "credit_code": credit_code.make_sample("450200", name), "credit_code_sample": True})


def _entry(org: str, title: str, sharing_type: str, cycle: str, *, created: dt.datetime,
           modified: dt.datetime, resources=None, **over) -> dict:
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    data = entry(org, title, sharing_type, update_cycle=cycle, **over)
    if resources is not None:
        data["resources"] = resources
    pkg = tk.get_action("package_create")(site, data)
    model.Session.execute(sa.text("UPDATE package SET metadata_created = :c, metadata_modified = :m WHERE id = :id"),
                          {"c": created, "m": modified, "id": pkg["id"]})
    model.Session.commit()
    return pkg


def _request(rid, pkg, provider, consumer, requester, created, *, state, decided=None, deadline=None):
    req = ShareRequest(id=rid, kind="share", package_id=pkg["id"], provider_org_id=provider["id"],
                       consumer_org_id=consumer["id"], requester_id=requester, resource_ids=[],
                       information_items=["gmsfhm"], purpose="测试", basis="测试", sharing_method="platform",
                       valid_from=dt.date(2025, 9, 1), valid_until=dt.date(2027, 12, 31), state=state,
                       deadline=deadline, state_changed_at=decided or created, state_changed_by=requester,
                       decided_by=requester if decided else None, decided_at=decided,
                       created=created, modified=decided or created)
    model.Session.add(req)
    return req


def _read(user: dict, actor_org: str, provider_org: str, pkg: dict, when: dt.datetime) -> None:
    chain.append(action="data.read", created=when, actor_id=user["id"], actor_name=user["name"],
                 actor_org=actor_org, package_id=pkg["id"], object_type="package", object_id=pkg["id"],
                 provider_org=provider_org)


@pytest.fixture(scope="package")
def evaluation_departments(reset_db, migrate_db_for, reset_index):
    import ckan.plugins
    from ckanext.liuzhou.demo import loader

    ckan.plugins.load_all()
    reset_db()
    _migrate(migrate_db_for)
    reset_index()
    loader.load_departments()


@pytest.fixture(scope="package")
def fx(evaluation_departments) -> Fixture:
    p = _org(f"evp-{SUFFIX}", "评估测试提供部门", "city")
    q = _org(f"evq-{SUFFIX}", "评估测试使用部门", "city")
    t = _org(f"evt-{SUFFIX}", "评估测试乡镇", "township", "ljq")
    users = {
        "p_admin": make_user(p["name"], "admin")["name"],
        "p_member": make_user(p["name"], "member")["name"],
        "q_member": make_user(q["name"], "member")["name"],
        "t_admin": make_user(t["name"], "admin")["name"],
        "authority": make_user("lzsdsjfzj", "admin")["name"],
        "county_authority": make_user("ljqdsjj", "admin")["name"],
        "nobody": factories.User()["name"],
    }
    online = [{"name": "接口", "resource_type": "api", "url": "http://data.liuzhou.example/api/x"}]
    offline = [{"name": "库表", "resource_type": "database", "url": "http://data.liuzhou.example/db/x",
                "online_status": "offline"}]
    created = sh(2025, 8, 1)
    e = {
        # unconditional, daily, updated on the last day: complete, mounted, fresh
        "e1": _entry(p["name"], "评估测试地址信息", "unconditional", "daily", created=created,
                     modified=sh(2025, 10, 31, 12), resources=online),
        # conditional, monthly, last updated 46 days before the end: stale; its resource is offline
        "e2": _entry(p["name"], "不动产抵押登记信息", "conditional", "monthly", created=created,
                     modified=sh(2025, 9, 15), resources=offline),
        # not shared, irregular (no freshness), no resource; the list allows conditional: flagged
        "e3": _entry(p["name"], "涉密户籍档案", "not_shared", "irregular", created=created,
                     modified=sh(2025, 9, 1), resources=[]),
        # conditional, weekly, updated 3 days before the end; the legal basis is the regional
        # platform's marker: incomplete and flagged (no legal basis)
        "e4": _entry(p["name"], "不动产登记信息", "conditional", "weekly", created=created,
                     modified=sh(2025, 10, 28), resources=online, legal_basis=MARK),
        # the township's entry
        "e5": _entry(t["name"], "评估测试乡镇低保名单", "conditional", "yearly", created=created,
                     modified=sh(2025, 3, 1), resources=online),
    }
    model.Session.add(NegativeListVersion(
        fetched_by="test", source_url="http://region.example/negative-list", sha256=SUFFIX, fetched_at=sh(2025, 8, 1),
        items=[{"id": "NL-1", "name": "不动产登记信息", "keywords": ["不动产"], "sharing_type": "conditional",
                "legal_basis": "《不动产登记暂行条例》"},
               {"id": "NL-2", "name": "户籍档案", "keywords": ["户籍"], "sharing_type": "conditional",
                "legal_basis": "《户口登记条例》"},
               {"id": "NL-3", "name": "低保名单", "keywords": [], "sharing_type": "conditional",
                "legal_basis": "《社会救助暂行办法》"}]))

    qm = model.User.get(users["q_member"]).id
    pa = model.User.get(users["p_admin"]).id
    r = {k: str(uuid.uuid4()) for k in ("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r10")}
    # received by P from Q (day 0 = the day of submission, Shanghai)
    _request(r["r1"], e["e2"], p, q, qm, sh(2025, 9, 1), state="delivered", decided=sh(2025, 9, 3))        # 2 WD
    _request(r["r2"], e["e2"], p, q, qm, sh(2025, 9, 25), state="rejected", decided=sh(2025, 10, 9))       # 5 WD (28 Sep works)
    _request(r["r3"], e["e4"], p, q, qm, sh(2025, 9, 30), state="quality_issue", decided=sh(2025, 10, 11),  # 3 WD on the working Saturday
             deadline=sh(2025, 10, 29, 23, 59))
    _request(r["r4"], e["e2"], p, q, qm, sh(2025, 10, 10), state="approved", decided=sh(2025, 10, 15))      # 4 WD (11 Oct works)
    _request(r["r5"], e["e2"], p, q, qm, sh(2025, 10, 20), state="approved",
             decided=dt.datetime(2025, 10, 23, 17, 0))          # 01:00 on the 24th in Shanghai: 4 WD
    _request(r["r6"], e["e2"], p, q, qm, sh(2025, 10, 27), state="submitted", deadline=sh(2025, 10, 30, 23, 59))
    _request(r["r7"], e["e2"], p, q, qm, sh(2025, 10, 28), state="withdrawn")
    _request(r["r8"], e["e2"], p, q, qm, sh(2025, 8, 20), state="approved", decided=sh(2025, 8, 21))        # before the period
    # made by P, received by the township: decided the same day
    _request(r["r10"], e["e5"], t, p, pa, sh(2025, 9, 5), state="delivered", decided=sh(2025, 9, 5, 16))
    model.Session.flush()

    def deliver(rid, when, n=1):
        dl = Delivery(share_request_id=rid, number=n, delivered_by=pa, delivered_at=when, method="platform",
                      resource_ids=[], notes="", quality_window_ends=when + dt.timedelta(days=3))
        model.Session.add(dl)
        model.Session.flush()
        return dl

    d1, d3 = deliver(r["r1"], sh(2025, 9, 4)), deliver(r["r3"], sh(2025, 10, 13))
    deliver(r["r10"], sh(2025, 9, 8))

    def issue(rid, dl, raised, deadline, resolved=None):
        model.Session.add(QualityIssue(share_request_id=rid, delivery_id=dl.id, state="resolved" if resolved else "open",
                                       raised_by=qm, raised_at=raised, description="缺失", deadline=deadline,
                                       resolved_by=pa if resolved else None, resolved_at=resolved))
    issue(r["r1"], d1, sh(2025, 9, 5), sh(2025, 9, 9, 23, 59), sh(2025, 9, 9))       # 2 WD: on time
    issue(r["r3"], d3, sh(2025, 10, 14), sh(2025, 10, 16, 23, 59), sh(2025, 10, 17))  # 3 WD: late
    issue(r["r3"], d3, sh(2025, 10, 27), sh(2025, 10, 29, 23, 59))                    # open, past due

    notice = UpkeepNotice(title="《测试条例》修订", cause="law_change", basis="《测试条例》", changed_on=dt.date(2025, 9, 10),
                          issued_by=pa, issued_at=sh(2025, 9, 10), deadline=sh(2025, 9, 24, 23, 59))
    notice.targets = [UpkeepTarget(org_id=p["id"], package_id=e["e1"]["id"], state="done", done_at=sh(2025, 9, 20)),
                      UpkeepTarget(org_id=p["id"], package_id=e["e2"]["id"], state="done", done_at=sh(2025, 9, 30)),
                      UpkeepTarget(org_id=p["id"], package_id=None, state="open")]
    model.Session.add(notice)

    qu, tu, pu = (model.User.get(users[k]).as_dict() for k in ("q_member", "t_admin", "p_member"))
    _read(qu, q["name"], p["name"], e["e2"], sh(2025, 9, 10))
    _read(qu, q["name"], p["name"], e["e2"], sh(2025, 10, 12))
    _read(pu, p["name"], p["name"], e["e1"], sh(2025, 10, 20))     # its own read: not "used by others"
    _read(tu, t["name"], p["name"], e["e1"], sh(2025, 10, 15))
    _read(qu, q["name"], p["name"], e["e2"], sh(2025, 11, 5))      # after the period

    # Art 12: account requests, handled by the Operator within 2 WD (day 0 = the day asked)
    op = model.User.get(users["authority"]).id  # who decided does not matter to the figure
    a = {}

    def account(key, org, created, decided=None, deadline=None):
        a[key] = str(uuid.uuid4())
        model.Session.add(AccountRequest(
            id=a[key], kind="create", org_id=org["id"], requester_id=pa, user_name=f"ev-{key}-{SUFFIX}",
            reason="测试", state="approved" if decided else "submitted", deadline=deadline, decided_by=op if decided else None,
            decided_at=decided, state_changed_at=decided or created, state_changed_by=pa, created=created,
            modified=decided or created))
    account("a1", p, sh(2025, 9, 1), sh(2025, 9, 3))       # Mon → Wed: 2 WD, on time
    account("a2", p, sh(2025, 9, 26), sh(2025, 9, 30))     # Fri → Tue: 3 WD (Sun 28 Sep works), late
    account("a3", p, sh(2025, 9, 30), sh(2025, 10, 9))     # across the holiday: 1 WD, on time
    account("a4", p, sh(2025, 10, 9), sh(2025, 10, 13))    # Thu → Mon: 3 WD (Sat 11 Oct works), late
    account("a5", p, sh(2025, 10, 27), deadline=sh(2025, 10, 29, 23, 59))   # not handled, past due
    account("a6", p, sh(2025, 10, 20), sh(2025, 10, 22, 17))   # 2 WD, on time
    account("a7", p, sh(2025, 8, 28), sh(2025, 9, 5))      # asked before the period
    account("q1", q, sh(2025, 9, 15), sh(2025, 9, 16))     # Q's: 1 WD, on time

    # Art 21: applications to take a resource offline, decided by the Authority within 3 WD
    o = {}

    def offline(key, pkg, org, created, decided=None, deadline=None, state="rejected"):
        o[key] = str(uuid.uuid4())
        model.Session.add(ResourceOffline(
            id=o[key], package_id=pkg["id"], resource_id=f"res-{key}-{SUFFIX}", resource_name=f"接口{key}",
            provider_org_id=org["id"], applicant_id=pa, reason="系统停用", legal_basis="《测试条例》",
            deadline=deadline, decided_by=op if decided else None, decided_at=decided,
            state=state if decided else "submitted", notified_orgs=[], state_changed_at=decided or created,
            state_changed_by=pa, created=created, modified=decided or created))
    offline("o1", e["e1"], p, sh(2025, 9, 4), sh(2025, 9, 9), state="notice")   # Thu → Tue: 3 WD, on time
    offline("o2", e["e2"], p, sh(2025, 9, 26), sh(2025, 10, 9))                  # 4 WD (28 Sep works), late
    offline("o3", e["e4"], p, sh(2025, 9, 29), sh(2025, 10, 9, 16))              # across the holiday: 2 WD, on time
    offline("o4", e["e1"], p, sh(2025, 10, 9), sh(2025, 10, 14))                 # 4 WD (11 Oct works), late
    offline("o5", e["e2"], p, sh(2025, 10, 20), deadline=sh(2025, 10, 23, 23, 59))  # not decided, past due
    offline("t1", e["e5"], t, sh(2025, 9, 10), sh(2025, 9, 10, 15), state="notice")  # the township's: same day
    model.Session.commit()
    return Fixture(p=p, q=q, t=t, entries=e, requests=r, users=users, accounts=a, offlines=o)


# P's figures over PERIOD, counted by hand
EXPECTED_P = {
    "entries": 4,
    "completeness": 75.0,            # e4's legal basis is the regional marker
    "mounting_rate": 50.0,           # e1, e4 (e2 offline, e3 none)
    "freshness": 66.7,               # e1 (1 day), e4 (3 of 7 days); e2 46 of 31 days; e3 irregular
    "upkeep_open": 1,                # the department-wide target
    "ontime_upkeep": 33.3,           # e1 done by the deadline; e2 late; the open one past due
    "unconditional_share": 25.0,
    "negative_list_compliance": 50.0,  # e3 beyond the list, e4 no legal basis
    "requests_received": 7,          # r1–r7 (r8 before the period)
    "requests_made": 1,              # r10
    "handling_median_wd": 4.0,       # 2, 3, 4, 4, 5
    "handling_p90_wd": 4.6,          # percentile_cont: 4 + 0.6 × (5 − 4)
    "ontime_decision": 33.3,         # r1, r3 of r1–r6 (r7 withdrawn undecided)
    "overdue_now": 2,                # r6 undecided, r3's open quality issue
    "quality_issues": 3,
    "quality_fixed_ontime": 33.3,    # the first only
    "consumers_served": 2,           # Q (deliveries, reads), T (a read)
    "data_reads": 4,                 # 10 Sep, 12 Oct, 15 Oct, 20 Oct (5 Nov is after)
    "entries_used": 3,               # e2 (read, delivered), e4 (delivered), e1 (read by T)
    "scenarios_supported": 0,        # the scenarios of tests/evaluation/test_scenarios.py are registered later
    "scenario_departments": 0,
    "ontime_account": 50.0,          # a1, a3, a6 of a1–a6 (a7 asked before the period)
    "ontime_resource_offline": 40.0,  # o1, o3 of o1–o5
    # no need routed (tests/demand/test_evaluation.py counts them)
    "demands_received": 0, "demands_ontime": None, "demands_met": 0,
    "corrections_received": 0,       # no error report in the fixture (tests/correction counts them)
    "corrections_fixed_ontime": None,
    "entries_general": 4,            # no entry of P is graded: each counts as general
    "entries_important": 0,
    "entries_core": 0,
}


@pytest.fixture(scope="module")
def call_as_module():
    """call_as for module-scoped fixtures."""
    def call(user, action, **data):
        return tk.get_action(action)({"user": user, "ignore_auth": False}, data)
    return call
