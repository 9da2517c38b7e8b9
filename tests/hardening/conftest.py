"""Hardening fixtures: one fresh database (Liuzhou's departments) for all of tests/hardening,
the sharing package's world of role users and entries, and one object of each workflow in the
city and in 柳江区 (the county authority's county), so every action has something to act on.

Package-scoped and built once; tests that change state make their own objects.
"""
from __future__ import annotations

import io
import uuid

import pytest
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import loopback_csv, make_user
from tests.sharing.conftest import (AUTHORITY, CONSUMER, COUNTY_DEPT, ITEMS, MONDAY, OPERATOR,  # noqa: F401
                                    OTHER, PROVIDER, entry, sharing_departments, world)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The roles of the matrix: column name -> how the user is chosen (see ``Targets.user``).
ROLES = ("anonymous", "unrelated", "consumer_in", "consumer_out", "requester", "provider_editor", "provider_admin",
         "authority", "operator", "county_in", "county_out", "sysadmin")


def site_context() -> dict:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}


def pdf(name: str = "目录下线申请表.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def _as(user: str, action: str, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


@pytest.fixture(scope="package")
def source():
    """The loopback source linked resources point to: no test sends anything off the machine
    (the platform fetches from it only where ``ckanext.liuzhou.download.allowed_hosts`` names
    127.0.0.1). ``hits`` lists the paths it was asked for."""
    with loopback_csv(b"gmsfhm,xm\n450200199001010011,zhangsan\n") as src:
        yield src


class Targets:
    """Named objects for the matrices' data dicts: ``$name`` in a table resolves to
    ``values[name]``; for the ``county_in`` column to ``county[name]`` when there is one."""

    def __init__(self, world):
        self.world = world
        self.values: dict[str, str] = {}
        self.county: dict[str, str] = {}
        self.users: dict[str, str | None] = {}

    def resolve(self, value, role: str):
        if isinstance(value, str) and value.startswith("$"):
            key = value[1:]
            if role == "county_in" and key in self.county:
                return self.county[key]
            if key not in self.values:
                raise KeyError(f"no target named {value}")
            return self.values[key]
        if isinstance(value, list):
            return [self.resolve(v, role) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, role) for k, v in value.items()}
        return value


def _request(world, pkg: dict, provider_admin: str, scope: list[str]) -> dict:
    req = _as(world.consumer_member, "share_request_create", package_id=pkg["name"],
              purpose="社会保障待遇资格认证时核验参保人身份", basis="《社会保险法》第七十四条",
              scope_users=scope, information_items=["gmsfhm", "xm"], valid_until="2030-06-30",
              sharing_method="platform")
    _as(provider_admin, "share_request_decide", id=req["id"], decision="approve")
    return _as(world.operator, "share_request_deliver", id=req["id"])


@pytest.fixture(scope="package")
def targets(world, source) -> Targets:
    t = Targets(world)
    outsider = make_user(CONSUMER, "member")["name"]   # 人社局, not in any request's scope
    t.users = {
        "anonymous": None, "unrelated": world.other_admin, "consumer_in": world.consumer_scoped,
        "consumer_out": outsider, "requester": world.consumer_member,  # who filed every request below
        "provider_editor": world.provider_editor,
        "provider_admin": world.provider_admin, "authority": world.authority, "operator": world.operator,
        "county_in": world.county_authority, "county_out": world.county_authority, "sysadmin": world.sysadmin,
    }
    site = site_context()
    create = lambda d: tk.get_action("package_create")(dict(site), d)  # noqa: E731
    # the tables exist before the requests: a request opens the resources it asked for and
    # was delivered (Art 26.4), so consumer_in reads these tables
    table = tk.get_action("datastore_create")(dict(site), {
        "resource": {"package_id": world.conditional["id"], "name": "核验结果表", "resource_type": "database"},
        "fields": [{"id": "gmsfhm", "type": "text"}, {"id": "xm", "type": "text"}],
        "records": [{"gmsfhm": "450200199001010011", "xm": "张三"}], "force": True})
    county_table = tk.get_action("datastore_create")(dict(site), {
        "resource": {"package_id": world.county_conditional["id"], "name": "救助表", "resource_type": "database"},
        "fields": [{"id": "xm", "type": "text"}], "records": [{"xm": "李四"}], "force": True})
    # an interface whose data the platform fetches for the reader (GET /data), on the loopback source
    linked = tk.get_action("resource_create")(dict(site), {
        "package_id": world.conditional["id"], "name": "核验接口（本机测试源）", "resource_type": "api",
        "url": f"{source.url}/verify"})
    with freeze_time(MONDAY):
        scope = [world.consumer_member, world.consumer_scoped]
        city_req = _request(world, world.conditional, world.provider_admin, scope)
        county_req = _request(world, world.county_conditional, world.county_dept_admin, scope)
        # suspended requests: Art 31 suspensions, flagged as violations (Art 33) for review
        city_entry2 = create(entry(PROVIDER, "加固测试暂停目录", "conditional"))
        suspended = _request(world, city_entry2, world.provider_admin, [world.consumer_member])
        _as(world.provider_admin, "share_request_suspend", id=suspended["id"], reason="违规使用")
        county_entry2 = create(entry(COUNTY_DEPT, "拉堡镇临时救助名单", "conditional"))
        county_susp = _request(world, county_entry2, world.county_dept_admin, [world.consumer_member])
        _as(world.county_dept_admin, "share_request_suspend", id=county_susp["id"], reason="违规使用")

        scratch = create(entry(PROVIDER, "加固测试目录", "unconditional"))
        county_scratch = create(entry(COUNTY_DEPT, "拉堡镇加固测试目录", "unconditional"))
        coff = _as(world.provider_admin, "catalog_offline_apply", package_id=scratch["id"],
                   reason="系统停用", attachment_upload=pdf())
        county_coff = _as(world.county_dept_admin, "catalog_offline_apply", package_id=county_scratch["id"],
                          reason="系统停用", attachment_upload=pdf())
        reason = {"reason": "接口改造", "legal_basis": "《柳州市政务数据资源调度管理实施细则》第二十一条"}
        roff = _as(world.provider_admin, "resource_offline_apply", package_id=scratch["id"],
                   resource_id=scratch["resources"][0]["id"], **reason)
        county_roff = _as(world.county_dept_admin, "resource_offline_apply", package_id=county_scratch["id"],
                          resource_id=county_scratch["resources"][0]["id"], **reason)
        notice = _as(world.authority, "upkeep_notice_create", title="《居民身份证法》修订", cause="law_change",
                     basis="《中华人民共和国居民身份证法》", changed_on="2026-03-02", description="核对",
                     departments=[PROVIDER, COUNTY_DEPT])
        acc = dict(kind="create", fullname="张三", email="zs@liuzhou.example", role="editor", reason="新入职")
        account = _as(world.provider_admin, "account_request_create", org=PROVIDER,
                      user_name=f"gaj_{uuid.uuid4().hex[:8]}", **acc)
        county_account = _as(world.county_dept_admin, "account_request_create", org=COUNTY_DEPT,
                             user_name=f"lbz_{uuid.uuid4().hex[:8]}", **acc)
        system = _as(world.provider_editor, "information_system_create", name="人口综合信息系统", org=PROVIDER,
                     stage="approval", project_code="LZXM-2026-001", description="人口信息")
        county_system = _as(world.county_dept_admin, "information_system_create", name="拉堡镇救助系统",
                            org=COUNTY_DEPT, stage="approval", project_code="LZXM-2026-002", description="救助")
        # needs of 人社局 routed to 公安局 / to the township (the demand list, demand/)
        need = dict(title="户籍人口死亡注销信息", duty="养老保险待遇资格认证", basis="《社会保险法》第七十四条",
                    information_items=["公民身份号码", "死亡日期"], needed_by="2030-06-30")
        demand = _as(world.consumer_member, "demand_create", **need)
        _as(world.operator, "demand_route", id=demand["id"], provider_org=PROVIDER)
        county_demand = _as(world.consumer_member, "demand_create", **need)
        _as(world.operator, "demand_route", id=county_demand["id"], provider_org=COUNTY_DEPT)
    # an error report on delivered data (national regulation Art 26), with evidence, in the city and the county
    correction = _as(world.consumer_member, "correction_create", package_id=world.conditional["id"], target="data",
                     resource_id=table["resource_id"], rows="第1行", columns=["xm"], description="姓名有误",
                     evidence_upload=pdf("纠错证明.pdf"))
    county_correction = _as(world.consumer_member, "correction_create", package_id=world.county_conditional["id"],
                            target="data", resource_id=county_table["resource_id"], rows="第1行",
                            description="姓名有误", evidence_upload=pdf("纠错证明.pdf"))
    # a dry run of the catalog import (transfer/) of each department, on the filled example
    from ckanext.liuzhou.transfer import writer as transfer_writer
    imp = _as(world.provider_editor, "catalog_import", department=PROVIDER, upload=transfer_writer.example(),
              file_name="example.xlsx")
    county_imp = _as(world.county_dept_admin, "catalog_import", department=COUNTY_DEPT,
                     upload=transfer_writer.example(), file_name="example.xlsx")
    # application scenarios (scenario/): the provider's (its editor), citing the request it provides and an
    # unconditional entry, one more to withdraw; the county department's, citing the county request it
    # provides, and one more the withdraw route's sysadmin cell withdraws
    scenario = _as(world.provider_editor, "scenario_create", name="加固测试场景", serves="测试",
                   entries=[world.unconditional["name"]], requests=[city_req["id"]])
    to_withdraw = _as(world.provider_editor, "scenario_create", name="待撤回的加固测试场景", serves="测试",
                      requests=[city_req["id"]])
    county_scenario = _as(world.county_dept_admin, "scenario_create", name="拉堡镇加固测试场景", serves="测试",
                          requests=[county_req["id"]])
    doomed = _as(world.county_dept_admin, "scenario_create", name="待撤销的加固测试场景", serves="测试",
                 requests=[county_req["id"]])  # for the withdraw route, whose sysadmin cell withdraws it
    # a harvest source of the Operator (its region is never asked: no job runs in tests/hardening)
    harvest = tk.get_action("harvest_source_create")(dict(site), {
        "name": "hardening-region", "title": "加固测试区域平台", "url": "http://127.0.0.1:9/",
        "source_type": "ckan", "owner_org": OPERATOR})
    violations = _as(world.authority, "violation_list", limit=1000)["results"]
    violation = next(v for v in violations if v.get("share_request_id") == suspended["id"])
    county_violation = next(v for v in violations if v.get("share_request_id") == county_susp["id"])
    targets = {t_["org"]: t_["id"] for t_ in notice["targets"]}
    cond = tk.get_action("package_show")(dict(site), {"id": world.conditional["id"]})
    county_cond = tk.get_action("package_show")(dict(site), {"id": world.county_conditional["id"]})

    t.values = {
        "entry": cond["name"], "entry_id": cond["id"], "resource": cond["resources"][0]["id"],
        "linked": linked["id"], "entry_title": cond["title"],
        "not_shared": world.not_shared["name"], "unconditional": world.unconditional["name"],
        "scratch": scratch["name"], "scratch_resource": scratch["resources"][0]["id"],
        "share_request": city_req["id"], "suspended_request": suspended["id"],
        "catalog_offline": coff["id"], "resource_offline": roff["id"], "upkeep_notice": notice["id"],
        "upkeep_target": targets[PROVIDER], "account_request": account["id"],
        "information_system": system["id"], "violation": violation["id"],
        "datastore": table["resource_id"], "provider_org": PROVIDER, "consumer_org": CONSUMER,
        "datastore_sql": f'SELECT gmsfhm, xm FROM "{table["resource_id"]}"', "harvest_source": harvest["id"],
        "user": world.consumer_member, "catalog_import": imp["id"], "scenario": scenario["id"],
        "scenario_to_withdraw": to_withdraw["id"], "doomed_scenario": doomed["id"],
        "demand": demand["id"], "correction": correction["id"],
    }
    t.county = {
        "entry": county_cond["name"], "entry_id": county_cond["id"], "resource": county_cond["resources"][0]["id"],
        "entry_title": county_cond["title"],
        "scratch": county_scratch["name"], "scratch_resource": county_scratch["resources"][0]["id"],
        "share_request": county_req["id"], "suspended_request": county_susp["id"],
        "catalog_offline": county_coff["id"], "resource_offline": county_roff["id"],
        "upkeep_target": targets[COUNTY_DEPT], "account_request": county_account["id"],
        "information_system": county_system["id"], "violation": county_violation["id"],
        "datastore": county_table["resource_id"], "provider_org": COUNTY_DEPT,
        "datastore_sql": f'SELECT xm FROM "{county_table["resource_id"]}"', "catalog_import": county_imp["id"],
        "scenario": county_scenario["id"], "scenario_to_withdraw": county_scenario["id"],
        "doomed_scenario": doomed["id"],
        "demand": county_demand["id"],
        "correction": county_correction["id"],
    }
    activity = tk.get_action("package_activity_list")(dict(site), {"id": cond["id"], "include_hidden_activity": True})[0]
    t.values["activity"] = t.county["activity"] = activity["id"]
    t.county["activity"] = tk.get_action("package_activity_list")(dict(site), {"id": county_cond["id"], "include_hidden_activity": True})[0]["id"]
    model.Session.remove()
    return t
