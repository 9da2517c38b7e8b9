"""Who read my data (Art 25 追溯体系, Art 28): ``audit_read_list`` and the pages /audit/reads and
/audit/reads/mine show a department's admins the reads and refusals of its data, a county
authority its county's, the Authority every department's with the chain's last verification,
and anyone their own reads; nobody else any, and nothing there changes a row.

The reads are made as users make them, through ``GET /data/<resource id>``; one older read is
appended to the chain with its historical time (as the demo's history does) for the date filters.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit import chain
from ckanext.liuzhou.audit.cli import audit as audit_cli
from tests.access.conftest import _shared_app, add_upload, app, tokens  # noqa: F401
from tests.sharing.conftest import (AUTHORITY, CONSUMER, COUNTY_DEPT, OTHER, PROVIDER,  # noqa: F401
                                    sharing_departments, world)

DESK = "10.45.2.17"  # a desk in 人社局


class Trail:
    pass


@pytest.fixture(scope="module")
def trail(world, _shared_app, tokens):  # noqa: F811
    app = _shared_app
    t = Trail()
    t.world = world
    t.upload = add_upload(world.conditional["id"])
    t.county_upload = add_upload(world.county_conditional["id"], "拉堡镇.csv")
    context = {"user": world.consumer_member, "ignore_auth": False}
    req = tk.get_action("share_request_create")(dict(context), {
        "package_id": world.conditional["name"], "purpose": "社会保障待遇资格认证时核验参保人身份",
        "basis": "《社会保险法》第七十四条", "scope_users": [world.consumer_scoped],
        "information_items": ["gmsfhm", "xm"], "valid_until": "2099-12-31", "sharing_method": "platform"})
    tk.get_action("share_request_decide")({"user": world.provider_admin}, {"id": req["id"], "decision": "approve"})
    t.request = tk.get_action("share_request_deliver")({"user": world.operator}, {"id": req["id"]})
    rid, county_rid = t.upload["id"], t.county_upload["id"]
    assert app.get(f"/data/{rid}", headers=tokens[world.consumer_scoped],
                   environ_base={"REMOTE_ADDR": DESK}).status_code == 200
    assert app.get(f"/data/{rid}", headers=tokens[world.other_admin]).status_code == 403
    assert app.get(f"/data/{county_rid}", headers=tokens[world.consumer_member]).status_code == 403
    # a read of last year, for the date filters
    scoped = model.User.get(world.consumer_scoped)
    chain.append(action="data.read", created=dt.datetime(2025, 1, 15, 3, 0), actor_id=scoped.id,
                 actor_name=scoped.name, actor_org=CONSUMER, package_id=world.conditional["id"],
                 resource_id=rid, object_type="resource", object_id=rid, provider_org=PROVIDER,
                 remote_addr=DESK)
    model.Session.commit()
    return t


def call(user, **data):
    return tk.get_action("audit_read_list")({"user": user or "", "ignore_auth": False}, data)


def kinds(result):
    return sorted((r["kind"], r["reader"], r["provider_org"]) for r in result["results"])


def audit_count() -> int:
    count = model.Session.execute(sa.text("SELECT count(*) FROM liuzhou_audit_log")).scalar()
    model.Session.rollback()
    return count


# ---------------------------------------------------------------- who sees what (action)

def test_a_providers_admin_sees_who_read_its_data_and_who_was_refused(trail):
    w = trail.world
    result = call(w.provider_admin)
    assert kinds(result) == sorted([("read", w.consumer_scoped, PROVIDER), ("read", w.consumer_scoped, PROVIDER),
                                    ("refused", w.other_admin, PROVIDER)])
    recent = result["results"][1]  # newest first: the refusal, then the read through the request
    assert (recent["kind"], recent["reader_orgs"], recent["share_request_id"], recent["remote_addr"],
            recent["resource_id"], recent["package_title"]) == (
        "read", [CONSUMER], trail.request["id"], DESK, trail.upload["id"], w.conditional["title"])
    assert recent["reader_org_titles"] == ["柳州市人力资源和社会保障局"]
    assert "verification" not in result  # the chain's status is the Authority's


@pytest.mark.parametrize("who", ["provider_editor", "consumer_member", "consumer_scoped", "operator"])
def test_editors_members_and_the_operator_see_no_departments_reads(trail, who):
    with pytest.raises(tk.NotAuthorized):
        call(getattr(trail.world, who))


def test_visitors_see_nothing(trail):
    with pytest.raises(tk.NotAuthorized):
        call(None)
    with pytest.raises(tk.NotAuthorized):
        call(None, mine=True)


def test_another_departments_admin_sees_its_own_data_only(trail):
    w = trail.world
    assert call(w.other_admin)["results"] == []  # 教育局's data was not read
    with pytest.raises(tk.NotAuthorized, match="may not see"):
        call(w.other_admin, department=PROVIDER)


def test_a_county_authority_sees_its_countys_departments_only(trail):
    w = trail.world
    assert kinds(call(w.county_authority)) == [("refused", w.consumer_member, COUNTY_DEPT)]
    assert kinds(call(w.county_authority, department=COUNTY_DEPT)) == [("refused", w.consumer_member, COUNTY_DEPT)]
    with pytest.raises(tk.NotAuthorized):
        call(w.county_authority, department=PROVIDER)


def test_the_authority_sees_every_department_and_the_last_verification(trail):
    w = trail.world
    result = call(w.authority)
    assert {r["provider_org"] for r in result["results"]} == {PROVIDER, COUNTY_DEPT}
    assert result["count"] == 4
    assert kinds(call(w.authority, department=COUNTY_DEPT)) == [("refused", w.consumer_member, COUNTY_DEPT)]
    before = result["verification"]
    checked = tk.get_action("audit_log_verify")({"user": w.authority}, {})
    assert checked["ok"]
    after = call(w.authority)["verification"]
    assert after != before and after["ok"] and after["rows"] == checked["rows"] and after["by"] == w.authority
    assert after["time"][:10] == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d")
    cli = CliRunner().invoke(audit_cli, ["verify"])
    assert cli.exit_code == 0
    by_cli = call(w.authority)["verification"]
    assert by_cli["ok"] and by_cli["checked"] > after["checked"] and by_cli["by"] == "cli"


def test_everyone_sees_their_own_reads_with_mine(trail):
    w = trail.world
    assert kinds(call(w.consumer_scoped, mine=True)) == [("read", w.consumer_scoped, PROVIDER)] * 2
    assert kinds(call(w.other_admin, mine=True)) == [("refused", w.other_admin, PROVIDER)]
    assert kinds(call(w.consumer_member, mine="true")) == [("refused", w.consumer_member, COUNTY_DEPT)]
    assert call(w.provider_editor, mine=True)["results"] == []


# ---------------------------------------------------------------- filters and bad input

def test_the_filters_narrow_the_rows(trail):
    w = trail.world
    rid = trail.upload["id"]
    old = call(w.authority, **{"from": "2025-01-01", "to": "2025-01-31"})
    assert [(r["kind"], r["time"]) for r in old["results"]] == [("read", "2025-01-15 11:00:00")]  # Shanghai time
    assert call(w.authority, **{"from": "2025-01-16", "to": "2025-01-31"})["count"] == 0
    assert call(w.authority, **{"from": "2025-01-15", "to": "2025-01-15"})["count"] == 1
    assert kinds(call(w.authority, kind="refused")) == sorted([("refused", w.other_admin, PROVIDER),
                                                              ("refused", w.consumer_member, COUNTY_DEPT)])
    assert call(w.provider_admin, kind="read")["count"] == 2
    assert kinds(call(w.authority, reader_org=OTHER)) == [("refused", w.other_admin, PROVIDER)]
    assert call(w.authority, package_id=w.county_conditional["name"])["count"] == 1
    assert call(w.authority, resource_id=rid)["count"] == 3
    page = call(w.authority, limit=1, offset=1)
    assert page["count"] == 4 and len(page["results"]) == 1
    assert page["results"][0]["id"] == call(w.authority)["results"][1]["id"]


@pytest.mark.parametrize("data, field", [
    ({"from": "2026-02-30"}, "from"), ({"to": "yesterday"}, "to"), ({"department": "no-such-department"}, "department"),
    ({"reader_org": "no-such-department"}, "reader_org"), ({"kind": "deleted"}, "kind"),
    ({"package_id": "no-such-entry"}, "package_id"), ({"format": "xlsx"}, "format"),
    ({"resource_id": "a\x00b"}, "resource_id"), ({"limit": 10_000}, "limit"),
])
def test_bad_filters_are_refused_with_the_field_named(trail, data, field):
    with pytest.raises(tk.ValidationError) as e:
        call(trail.world.authority, **data)
    assert list(e.value.error_dict) == [field]


# ---------------------------------------------------------------- CSV

def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


HEADINGS = ["时间", "类型", "读取人", "读取人部门", "提供部门", "目录", "资源", "共享申请", "用途", "来源地址"]


def test_the_csv_download_has_chinese_headings_and_the_filtered_rows(app, trail, tokens):  # noqa: F811
    w = trail.world
    response = app.get("/audit/reads", query_string={"format": "csv"}, headers=tokens[w.provider_admin])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response.data)
    assert rows[0] == HEADINGS
    body = rows[1:]
    assert len(body) == 3
    assert sorted(r[1] for r in body) == ["拒绝", "读取", "读取"]
    read = next(r for r in body if r[7])  # the read through the share request
    assert (read[2], read[3], read[4], read[7]) == (w.consumer_scoped, "柳州市人力资源和社会保障局", "柳州市公安局",
                                                    trail.request["id"])
    refused = app.get("/audit/reads", query_string={"format": "csv", "kind": "refused"},
                      headers=tokens[w.provider_admin])
    assert [r[2] for r in _csv(refused.data)[1:]] == [w.other_admin]
    mine = app.get("/audit/reads/mine", query_string={"format": "csv"}, headers=tokens[w.consumer_scoped])
    assert [r[1] for r in _csv(mine.data)[1:]] == ["读取", "读取"]


def test_the_csv_of_the_action_is_text_with_a_bom(trail):
    result = call(trail.world.county_authority, format="csv")
    assert result["csv"].startswith("\ufeff") and result["count"] == 1 and not result["truncated"]
    assert len(list(csv.reader(io.StringIO(result["csv"][1:])))) == 2


# ---------------------------------------------------------------- the pages

def test_the_page_shows_a_provider_admin_its_reads(app, trail, tokens):  # noqa: F811
    w = trail.world
    page = app.get("/audit/reads", headers=tokens[w.provider_admin])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('data-kind="read"') == 2 and text.count('data-kind="refused"') == 1
    assert DESK in text and f"/sharing/request/{trail.request['id']}" in text
    assert 'data-chain=' not in text  # no chain status for providers
    assert "/audit/reads?format=csv" in text


def test_the_authority_page_shows_the_chain_status(app, trail, tokens):  # noqa: F811
    tk.get_action("audit_log_verify")({"user": trail.world.authority}, {})
    text = app.get("/audit/reads", headers=tokens[trail.world.authority]).get_data(as_text=True)
    assert 'data-chain="ok"' in text and "最近校验时间" in text
    assert text.count("data-record=") == 4


@pytest.mark.parametrize("who", ["provider_editor", "consumer_member", "operator"])
def test_the_page_is_refused_to_those_without_a_department_to_answer_for(app, trail, tokens, who):  # noqa: F811
    user = getattr(trail.world, who)
    assert app.get("/audit/reads", headers=tokens[user]).status_code == 403
    assert app.get("/audit/reads/mine", headers=tokens[user]).status_code == 200


def test_visitors_are_sent_to_sign_in(app, trail):  # noqa: F811
    for path in ("/audit/reads", "/audit/reads/mine"):
        response = app.get(path, follow_redirects=False)
        assert response.status_code == 302 and "/user/login" in response.headers["Location"]


def test_a_bad_filter_on_the_page_gets_a_message_and_no_rows(app, trail, tokens):  # noqa: F811
    w = trail.world
    bad_date = app.get("/audit/reads", query_string={"from": "2026-02-30"}, headers=tokens[w.authority])
    assert bad_date.status_code == 400
    text = bad_date.get_data(as_text=True)
    assert "liuzhou-audit-errors" in text and "data-record=" not in text
    unknown = app.get("/audit/reads", query_string={"department": "no-such"}, headers=tokens[w.authority])
    assert unknown.status_code == 400 and "未知部门：no-such" in unknown.get_data(as_text=True)
    forbidden = app.get("/audit/reads", query_string={"department": PROVIDER}, headers=tokens[w.other_admin])
    text = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403 and "您无权查看该部门数据的读取记录" in text and "data-record=" not in text
    bad_csv = app.get("/audit/reads", query_string={"format": "csv", "to": "x"}, headers=tokens[w.authority])
    assert bad_csv.status_code == 400 and not bad_csv.data.startswith(b"\xef\xbb\xbf")


def test_the_department_page_links_to_its_reads_for_those_who_may_see_them(app, trail, tokens):  # noqa: F811
    w = trail.world
    link = f"/audit/reads?department={PROVIDER}"
    assert link in app.get(f"/organization/{PROVIDER}", headers=tokens[w.provider_admin]).get_data(as_text=True)
    assert link in app.get(f"/organization/{PROVIDER}", headers=tokens[w.authority]).get_data(as_text=True)
    assert link not in app.get(f"/organization/{PROVIDER}", headers=tokens[w.provider_editor]).get_data(as_text=True)
    nav = app.get("/sharing/mine", headers=tokens[w.provider_admin]).get_data(as_text=True)
    assert 'data-tab="reads"' in nav and 'data-tab="my_reads"' in nav
    assert 'data-tab="reads"' not in app.get("/sharing/mine", headers=tokens[w.consumer_member]).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/audit/reads", "/audit/reads/mine", "/audit/reads?format=csv"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_no_route_of_the_page_changes_anything(app, trail, tokens, path, method):  # noqa: F811
    before = audit_count()
    response = app.test_client().open(path, method=method.upper(), headers=tokens[trail.world.authority],
                                      data={"department": PROVIDER})
    assert response.status_code == 405
    assert audit_count() == before
