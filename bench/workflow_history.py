"""Eight months of demo workflow history, so that the evaluation pages (Art 34) show real figures.

Share requests for the demo's conditional and not-shared entries, from departments that have
no demo user as well as from 人社局, submitted on working days over the last eight months and
decided after 0 to 8 working days (about one in five late), delivered by the Operator, some
with quality issues (a few fixed late, one or two still open), a few rejected or withdrawn,
the most recent still waiting (some past their deadline); reads of the delivered and the
unconditional data; one catalog upkeep notice; a version of the regional negative list.
Account requests to the Operator (Art 12, 2 working days) and applications to take a data
resource offline decided by the Authority (Art 21, 3 working days), most in time, some late,
the latest still waiting. The resources taken offline are retired ones (old interfaces and
tables no longer in the catalog), and approved accounts are not created: the history changes
nothing in today's catalog or accounts.

Every row is written with its historical time, with its timeline event and its audit row
(the hash chain stays intact: rows are appended in order, only their times are old).
Deterministic (seeded) and loaded once: a second run finds the history and adds nothing (the
account and offlining part is checked on its own, so a demo loaded before it gets it once).

Not part of the portal: it writes rows with invented past times straight to the model (audit
rows included), which no running portal may do. `make serve` runs it after ``ckan liuzhou demo``:

    python -m bench.workflow_history -c .stack/ckan.ini
"""
from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Callable, Optional

import ckan.model as model

from ckanext.liuzhou.audit import chain
from ckanext.liuzhou.calendar import store as cal
from ckanext.liuzhou.formats import TZ
from ckanext.liuzhou.cascade.model import NegativeListVersion
from ckanext.liuzhou.lifecycle.model import AccountRequest, LifecycleEvent, ResourceOffline, UpkeepNotice, UpkeepTarget
from ckanext.liuzhou.sharing.model import Delivery, QualityIssue, ShareRequest, ShareRequestEvent

MARKER = "【演示数据】"
MONTHS = 8
SEED = 2026
OPERATOR, AUTHORITY = "lzsxxhjsglzx", "lzsdsjfzj"
PURPOSES = ["社会保障待遇资格认证时核验身份", "行政审批事项办理时核验材料", "民生政策精准推送的对象筛选",
            "监管执法中的信息比对", "应急处置中的人员与设施核查", "统计分析与决策支持"]
NEGATIVE_LIST = [
    {"id": "GX-NL-001", "name": "不动产登记信息", "keywords": ["不动产", "房产"], "sharing_type": "conditional",
     "legal_basis": "《不动产登记暂行条例》"},
    {"id": "GX-NL-002", "name": "户籍信息", "keywords": ["户籍", "人口", "身份"], "sharing_type": "conditional",
     "legal_basis": "《中华人民共和国户口登记条例》"},
    {"id": "GX-NL-003", "name": "社会保险信息", "keywords": ["社保", "参保", "医保"], "sharing_type": "conditional",
     "legal_basis": "《中华人民共和国社会保险法》"},
    {"id": "GX-NL-004", "name": "纳税信息", "keywords": ["纳税", "税务", "税收"], "sharing_type": "conditional",
     "legal_basis": "《中华人民共和国税收征收管理法》"},
    {"id": "GX-NL-005", "name": "医疗健康信息", "keywords": ["病", "医疗", "健康", "卫生"], "sharing_type": "conditional",
     "legal_basis": "《中华人民共和国基本医疗卫生与健康促进法》"},
]


ACCOUNT_REASONS = {"create": "新入职工作人员需开通平台账户", "modify": "岗位调整，需变更账户角色",
                   "cancel": "工作人员调离，需注销平台账户"}
STAFF = [("zhangwei", "张伟"), ("wangfang", "王芳"), ("liuyang", "刘洋"), ("chenjing", "陈静"), ("huangmin", "黄敏"),
         ("zhaolei", "赵磊"), ("wuxia", "吴霞"), ("zhoujie", "周杰"), ("xulin", "徐琳"), ("sunhao", "孙浩"),
         ("maqiang", "马强"), ("zhuli", "朱丽"), ("qinwen", "覃文"), ("weixue", "韦雪"), ("lanbo", "蓝波")]
RETIRED = ["2019版查询接口（已由新版接口替代）", "历史库表（2015—2018年）", "旧版批量下载文件", "试点期间临时数据接口"]
OFFLINE_DELAYS = [1, 2, 4, 0, 3, 1, 5, 2, 1, 3, 4, 2]  # working days to the Authority's decision: 3 of 12 late
OFFLINE_REASONS = ["原业务系统已停用，数据迁移至新系统后由新版接口提供", "该库表为历史归档数据，已并入主库表提供",
                   "试点结束，临时接口停止服务"]


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Naive UTC of a Beijing wall-clock time."""
    return cal.to_utc_naive(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ))


class _History:
    def __init__(self, rng: random.Random, calendar, today: dt.date):
        self.rng, self.calendar, self.today = rng, calendar, today
        self.users = {u.name: u for u in model.Session.query(model.User).filter(model.User.state == "active")}
        self.orgs = {g.name: g for g in model.Session.query(model.Group).filter(
            model.Group.is_organization.is_(True), model.Group.state == "active")}
        self.counts = {"requests": 0, "reads": 0, "quality issues": 0}
        start = today - dt.timedelta(days=30 * MONTHS)
        self.start = start
        self.days = [d for d in (start + dt.timedelta(days=i) for i in range((today - start).days))
                     if self.workday(d)]

    # -- calendar
    def workday(self, day: dt.date) -> bool:
        return self.calendar.is_workday(day)  # the workflows' calendar (provisional in unknown years)

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day += dt.timedelta(days=1)
            n -= 1 if self.workday(day) else 0
        return day

    def deadline(self, day: dt.date, n: int) -> dt.datetime:
        return _local(self.add_workdays(day, n), 23, 59)

    def moment(self, day: dt.date) -> dt.datetime:
        return _local(day, self.rng.randint(9, 17), self.rng.randint(0, 59))

    # -- rows
    def user_of(self, org: str, *names: str) -> Optional[model.User]:
        return next((self.users[n] for n in names if n in self.users), None)

    def event(self, req: ShareRequest, event: str, when: dt.datetime, actor: Optional[model.User], role: str,
              org: Optional[str], from_state: Optional[str], to_state: Optional[str], notify: list[str],
              detail: Optional[dict] = None) -> None:
        ev = ShareRequestEvent(share_request_id=req.id, event=event, from_state=from_state, to_state=to_state,
                               actor_id=actor.id if actor else None, actor_role=role,
                               actor_org_id=self.orgs[org].id if org in self.orgs else None, created=when,
                               deadline=req.deadline, detail=detail or {}, notify=notify)
        model.Session.add(ev)
        model.Session.flush()
        provider = model.Group.get(req.provider_org_id).name
        chain.append(action=f"share_request.{event}", created=when, actor_id=actor.id if actor else None,
                     actor_name=actor.name if actor else None, actor_org=org, object_type="share_request",
                     object_id=req.id, package_id=req.package_id, share_request_id=req.id, provider_org=provider,
                     purpose=req.purpose if event == "create" else None,
                     detail=json.loads(json.dumps({"from_state": from_state, "to_state": to_state, "event_id": ev.id,
                                                   "deadline": req.deadline, **(detail or {})}, default=str)))

    def lifecycle_event(self, object_type: str, obj, event: str, when: dt.datetime, actor: Optional[model.User],
                        role: str, org: Optional[str], from_state: Optional[str], to_state: Optional[str],
                        notify: list[str], provider: str, deadline: Optional[dt.datetime] = None,
                        detail: Optional[dict] = None, **ids) -> None:
        """A timeline event and its audit row, as lifecycle/events.py writes them, at ``when``."""
        detail = json.loads(json.dumps({k: v for k, v in (detail or {}).items() if v is not None}, default=str))
        ev = LifecycleEvent(object_type=object_type, object_id=obj.id, event=event, from_state=from_state,
                            to_state=to_state, actor_id=actor.id if actor else None, actor_role=role,
                            actor_org_id=self.orgs[org].id if org in self.orgs else None, created=when,
                            deadline=deadline, detail=detail, notify=notify)
        model.Session.add(ev)
        model.Session.flush()
        chain.append(action=f"{object_type}.{event}", created=when, actor_id=actor.id if actor else None,
                     actor_name=actor.name if actor else None, actor_org=org, object_type=object_type,
                     object_id=obj.id, provider_org=provider, **ids,
                     detail=json.loads(json.dumps({"from_state": from_state, "to_state": to_state, "event_id": ev.id,
                                                   "deadline": deadline, "notify": notify, **detail},
                                                  default=str)))

    def read(self, pkg: model.Package, reader_org: str, when: dt.datetime, request_id: Optional[str] = None) -> None:
        user = self.user_of(reader_org, "consumer_member") if reader_org == "lzsrlzyhshbzj" else None
        chain.append(action="data.read", created=when, actor_id=user.id if user else None,
                     actor_name=user.name if user else None, actor_org=reader_org, object_type="package",
                     object_id=pkg.id, package_id=pkg.id, share_request_id=request_id,
                     provider_org=model.Group.get(pkg.owner_org).name, detail={"demo": True})
        self.counts["reads"] += 1


def _entries(kinds: tuple[str, ...]) -> list[model.Package]:
    pe = model.PackageExtra
    rows = (model.Session.query(model.Package).join(pe, pe.package_id == model.Package.id)
            .filter(model.Package.state == "active", model.Package.type == "catalog",
                    pe.key == "sharing_type", pe.value.in_(kinds)).order_by(model.Package.name))
    return rows.all()


def seeded() -> bool:
    return model.Session.query(ShareRequest.id).filter(ShareRequest.basis.like(f"%{MARKER}%")).first() is not None


def lifecycle_seeded() -> bool:
    return model.Session.query(AccountRequest.id).filter(AccountRequest.reason.like(f"%{MARKER}%")).first() is not None


def seed(echo: Callable[[str], None] = print, today: Optional[dt.date] = None) -> dict[str, int]:
    """Write the history once; returns what was added (nothing on a second run)."""
    today = today or cal.local_date(cal.utcnow())
    h = _History(random.Random(SEED), cal.load(), today)
    added: dict[str, int] = {}
    if seeded():
        echo("workflow history: already there")
    else:
        added.update(_sharing(h, echo))
    if lifecycle_seeded():
        echo("account and offlining history: already there")
    elif _city(h):
        added.update(_lifecycle(h))
        model.repo.commit()
        echo(f"account and offlining history: {added['account requests']} account requests, "
             f"{added['offline applications']} resource offline applications")
    return added


def _city(h: _History) -> list[str]:
    """City and county departments other than the Authority and the Operator."""
    return [name for name, g in sorted(h.orgs.items())
            if g.extras.get("level") in ("city", "county") and name not in (OPERATOR, AUTHORITY)]


def _sharing(h: _History, echo: Callable[[str], None]) -> dict[str, int]:
    restricted = _entries(("conditional", "not_shared"))
    if not restricted:
        echo("workflow history: no conditional entries to request, skipped")
        return {}
    today = h.today
    operator = h.user_of(OPERATOR, "operator")
    authority = h.user_of(AUTHORITY, "authority")
    city = _city(h)
    start, days = h.start, h.days

    for i, day in enumerate(sorted(h.rng.choice(days) for _ in range(170))):
        pkg = restricted[i % len(restricted)] if h.rng.random() < 0.6 else h.rng.choice(restricted)
        provider = model.Group.get(pkg.owner_org)
        consumers = [c for c in city if c != provider.name]
        consumer = "lzsrlzyhshbzj" if provider.name != "lzsrlzyhshbzj" and h.rng.random() < 0.3 else h.rng.choice(consumers)
        requester = h.user_of(consumer, "consumer_member") if consumer == "lzsrlzyhshbzj" else None
        provider_admin = h.user_of(provider.name, "provider_admin") if provider.name == "lzsgaj" else None
        created = h.moment(day)
        kind = "negotiation" if pkg.extras.get("sharing_type") == "not_shared" else "share"
        req = ShareRequest(kind=kind, package_id=pkg.id, provider_org_id=provider.id,
                           consumer_org_id=h.orgs[consumer].id, requester_id=(requester.id if requester else "demo"),
                           resource_ids=[r.id for r in pkg.resources], information_items=[],
                           purpose=h.rng.choice(PURPOSES), basis=f"{MARKER}依据本部门法定职责",
                           sharing_method="platform", valid_from=day, valid_until=day + dt.timedelta(days=365),
                           state="submitted", deadline=h.deadline(day, 3), state_changed_at=created,
                           state_changed_by=requester.id if requester else "demo", created=created, modified=created)
        # no scope of knowledge: the history grants nobody access to data today (the demo's
        # accounts keep the access the demo gives them)
        model.Session.add(req)
        model.Session.flush()
        h.event(req, "create", created, requester, "consumer", consumer, None, "submitted", [provider.name])
        h.counts["requests"] += 1

        age = len([d for d in days if day < d <= today])  # working days since submission
        delay = h.rng.choices([0, 1, 2, 3, 4, 5, 6, 8], weights=[10, 25, 25, 20, 8, 5, 4, 3])[0]
        if delay > age or (age > 3 and h.rng.random() < 0.03):  # not decided yet: waiting, or overdue
            continue
        if h.rng.random() < 0.04:
            when = h.moment(h.add_workdays(day, min(delay, 1)))
            req.state, req.deadline, req.state_changed_at, req.modified = "withdrawn", None, when, when
            h.event(req, "withdraw", when, requester, "consumer", consumer, "submitted", "withdrawn", [provider.name])
            continue
        decided_day = h.add_workdays(day, delay)
        decided = h.moment(decided_day)
        on_time = delay <= 3
        approve = h.rng.random() < 0.85
        state = "approved" if approve else "rejected"
        req.state, req.deadline, req.decided_at, req.decided_by = state, None, decided, (provider_admin.id if provider_admin else "demo")
        req.decision_on_time, req.state_changed_at, req.modified = on_time, decided, decided
        if not approve:
            req.reason_code, req.reason = "scope_too_broad", "申请的信息项超出必要范围"
        h.event(req, "approve" if approve else "reject", decided, provider_admin, "provider", provider.name,
                "submitted", state, [consumer, OPERATOR] if approve else [consumer],
                {"on_time": on_time, "reason_code": req.reason_code})
        if not approve:
            continue
        deliver_day = h.add_workdays(decided_day, h.rng.choice([0, 1, 1, 2]))
        if deliver_day > today:
            continue
        delivered = h.moment(deliver_day)
        delivery = Delivery(share_request_id=req.id, number=1, delivered_by=operator.id if operator else "demo",
                            delivered_at=delivered, method="platform", resource_ids=req.resource_ids, notes="",
                            quality_window_ends=h.deadline(deliver_day, 2))
        model.Session.add(delivery)
        model.Session.flush()
        req.state, req.state_changed_at, req.modified = "delivered", delivered, delivered
        h.event(req, "deliver", delivered, operator, "operator", OPERATOR, "approved", "delivered", [consumer])
        for _ in range(h.rng.choice([0, 1, 2, 3, 5, 8])):  # reads while the grant lasts
            read_day = deliver_day + dt.timedelta(days=h.rng.randint(0, 60))
            if read_day <= today:
                h.read(pkg, consumer, h.moment(read_day), req.id)
        if h.rng.random() < 0.18:
            raised_day = h.add_workdays(deliver_day, h.rng.choice([1, 2]))
            if raised_day > today:
                continue
            raised = h.moment(raised_day)
            issue = QualityIssue(share_request_id=req.id, delivery_id=delivery.id, state="open", raised_by=requester.id if requester else "demo",
                                 raised_at=raised, description="部分记录缺少关键字段", information_items=[],
                                 deadline=h.deadline(raised_day, 2))
            model.Session.add(issue)
            req.state, req.deadline, req.state_changed_at, req.modified = "quality_issue", issue.deadline, raised, raised
            h.event(req, "quality_issue", raised, requester, "consumer", consumer, "delivered", "quality_issue",
                    [provider.name, OPERATOR])
            h.counts["quality issues"] += 1
            fix = h.rng.choices([1, 2, 3, 5], weights=[40, 35, 15, 10])[0]
            fixed_day = h.add_workdays(raised_day, fix)
            if fixed_day > today:
                continue
            fixed = h.moment(fixed_day)
            issue.state, issue.resolved_at, issue.resolved_by = "resolved", fixed, provider_admin.id if provider_admin else "demo"
            issue.responsible, issue.resolution, issue.on_time = "provider", "已补全缺失字段", fix <= 2
            req.state, req.deadline, req.state_changed_at, req.modified = "fixed", None, fixed, fixed
            h.event(req, "resolve", fixed, provider_admin, "provider", provider.name, "quality_issue", "fixed",
                    [consumer, OPERATOR])

    for pkg in _entries(("unconditional",)):  # unconditional data is read directly
        for _ in range(h.rng.choice([0, 0, 1, 2, 4, 7])):
            reader = h.rng.choice([c for c in city if h.orgs[c].id != pkg.owner_org])
            h.read(pkg, reader, h.moment(h.rng.choice(days)))

    _upkeep(h, authority, start)
    if not model.Session.query(NegativeListVersion.id).first():
        model.Session.add(NegativeListVersion(fetched_by="demo", source_url="demo:负面清单（演示）", sha256=MARKER,
                                              items=NEGATIVE_LIST, added=[i["id"] for i in NEGATIVE_LIST],
                                              removed=[], fetched_at=_local(start, 9)))
    model.repo.commit()
    echo("workflow history: " + ", ".join(f"{v} {k}" for k, v in h.counts.items()))
    return dict(h.counts)


def _lifecycle(h: _History) -> dict[str, int]:
    """Art 12 account requests and Art 21 resource offlining, with realistic delays."""
    operator = h.user_of(OPERATOR, "operator")
    authority = h.user_of(AUTHORITY, "authority")
    city = _city(h)
    counts = {"account requests": 0, "offline applications": 0}

    # Art 12: the Operator handles most account requests in 0–2 working days, some later
    for i, day in enumerate(sorted(h.rng.choice(h.days) for _ in range(40))):
        org = h.rng.choice(city)
        kind = h.rng.choices(["create", "modify", "cancel"], weights=[6, 3, 2])[0]
        login, fullname = h.rng.choice(STAFF)
        created = h.moment(day)
        req = AccountRequest(kind=kind, org_id=h.orgs[org].id, requester_id="demo", user_name=f"{login}{i + 1:02d}",
                             fullname=fullname, role=None if kind == "cancel" else h.rng.choice(["member", "editor"]),
                             reason=f"{MARKER}{ACCOUNT_REASONS[kind]}", deadline=h.deadline(day, 2),
                             state="submitted", state_changed_at=created, state_changed_by="demo",
                             created=created, modified=created)
        model.Session.add(req)
        model.Session.flush()
        h.lifecycle_event("account_request", req, "submit", created, None, "provider", org, None, "submitted",
                          [OPERATOR], org, deadline=req.deadline, detail={"kind": kind, "user_name": req.user_name})
        counts["account requests"] += 1
        delay = h.rng.choices([0, 1, 2, 3, 4, 6], weights=[20, 35, 25, 10, 6, 4])[0]
        decided_day = h.add_workdays(day, delay)
        if decided_day > h.today:
            continue  # still waiting (past its deadline or not)
        decided = h.moment(decided_day)
        approve = h.rng.random() < 0.9
        req.state = "approved" if approve else "rejected"
        req.decided_by, req.decided_at = (operator.id if operator else "demo"), decided
        req.decision_on_time = decided <= req.deadline
        req.decision_notes = None if approve else "申请表缺少部门负责人签字，请补充后重新提交"
        req.state_changed_at, req.state_changed_by, req.modified = decided, req.decided_by, decided
        h.lifecycle_event("account_request", req, "approve" if approve else "reject", decided, operator, "operator",
                          OPERATOR, "submitted", req.state, [org], org,
                          detail={"kind": kind, "user_name": req.user_name, "notes": req.decision_notes,
                                  "on_time": req.decision_on_time})

    # Art 21: providers retire old resources; the Authority decides in 0–5 working days
    entries = [p for p in _entries(("unconditional", "conditional", "not_shared"))
               if model.Group.get(p.owner_org) is not None and model.Group.get(p.owner_org).name in city]
    if not entries:
        return counts
    for i, day in enumerate(sorted(h.rng.choice(h.days) for _ in range(12))):
        pkg = h.rng.choice(entries)
        org = model.Group.get(pkg.owner_org).name
        created = h.moment(day)
        app = ResourceOffline(package_id=pkg.id, resource_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"liuzhou-demo-retired/{pkg.id}/{i}")),
                              resource_name=h.rng.choice(RETIRED), provider_org_id=pkg.owner_org, applicant_id="demo",
                              reason=f"{MARKER}{h.rng.choice(OFFLINE_REASONS)}",
                              legal_basis="《柳州市政务数据资源调度管理实施细则》第二十一条", deadline=h.deadline(day, 3),
                              notified_orgs=[], state="submitted", state_changed_at=created, state_changed_by="demo",
                              created=created, modified=created)
        model.Session.add(app)
        model.Session.flush()
        ids = {"package_id": pkg.id, "resource_id": app.resource_id}
        h.lifecycle_event("resource_offline", app, "apply", created, None, "provider", org, None, "submitted",
                          [AUTHORITY], org, deadline=app.deadline,
                          detail={"reason": app.reason, "legal_basis": app.legal_basis}, **ids)
        counts["offline applications"] += 1
        delay = OFFLINE_DELAYS[i % len(OFFLINE_DELAYS)]
        decided_day = h.add_workdays(day, delay)
        if decided_day > h.today:
            continue
        decided = h.moment(decided_day)
        approve = h.rng.random() < 0.75
        app.decided_by, app.decided_at = (authority.id if authority else "demo"), decided
        app.decision_on_time = decided <= app.deadline
        app.decision_notes = None if approve else "该资源仍有部门在用，请协调使用部门后再申请"
        if approve:
            app.state, app.notice_starts, app.notice_ends = "notice", decided, h.deadline(decided_day, 10)
        else:
            app.state = "rejected"
        app.state_changed_at, app.state_changed_by, app.modified = decided, app.decided_by, decided
        h.lifecycle_event("resource_offline", app, "approve" if approve else "reject", decided, authority, "authority",
                          AUTHORITY, "submitted", app.state, [org], org,
                          detail={"notes": app.decision_notes, "on_time": app.decision_on_time,
                                  "notice_starts": app.notice_starts, "notice_ends": app.notice_ends}, **ids)
        done_day = h.add_workdays(h.add_workdays(decided_day, 10), h.rng.choice([1, 1, 2, 3]))
        if approve and done_day <= h.today:
            done = h.moment(done_day)
            app.state, app.completed_by, app.completed_at = "completed", "demo", done
            app.state_changed_at, app.state_changed_by, app.modified = done, "demo", done
            h.lifecycle_event("resource_offline", app, "complete", done, None, "provider", org, "notice",
                              "completed", [AUTHORITY], org, detail={"consumers_told": []}, **ids)
    return counts


def _upkeep(h: _History, authority: Optional[model.User], start: dt.date) -> None:
    """Art 14: a law changed three months ago; most named departments updated in time."""
    changed = h.add_workdays(start + dt.timedelta(days=150), 0)
    issued = h.moment(changed)
    notice = UpkeepNotice(title="《柳州市政务数据资源调度管理实施细则》修订", cause="law_change",
                          basis=f"{MARKER}《柳州市政务数据资源调度管理实施细则》", changed_on=changed,
                          description="请按修订后的共享属性要求更新相关目录。", issued_by=authority.id if authority else "demo",
                          issued_at=issued, deadline=h.deadline(changed, 10))
    targets = []
    for i, name in enumerate(["lzsgaj", "lzsrlzyhshbzj", "lzsmzj", "lzswsjkwyh", "lzszrzyhghj", "lzsscjdglj"]):
        if name not in h.orgs:
            continue
        done_day = h.add_workdays(changed, [4, 8, 12, None, 6, 15][i]) if i != 3 else None
        done = h.moment(done_day) if done_day and done_day <= h.today else None
        targets.append(UpkeepTarget(org_id=h.orgs[name].id, state="done" if done else "open", done_at=done,
                                    response="已更新" if done else None,
                                    on_time=(done <= notice.deadline) if done else None))
    notice.targets = targets
    model.Session.add(notice)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    ap = argparse.ArgumentParser(prog="python -m bench.workflow_history",
                                 description="Load the demo's eight months of workflow history (once).")
    ap.add_argument("-c", "--config", required=True, help="the portal's ini (make serve: .stack/ckan.ini)")
    args = ap.parse_args(argv)
    app = make_app(load_config(args.config))
    with app._wsgi_app.test_request_context():
        seed(echo=print)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
