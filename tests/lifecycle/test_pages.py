"""The lifecycle pages over HTTP: Chinese, POST forms with CSRF, a refused form shown again with
its errors and nothing saved, and each page closed to the roles it is not for."""
from __future__ import annotations

import io
import re

import pytest

import ckan.model as model

from tests.ui.conftest import csrf_token

from .conftest import PDF

pytestmark = pytest.mark.usefixtures("world")


def page(app, url, headers, status=200):
    res = app.get(url, headers=headers)
    assert res.status_code == status, (url, res.status_code)
    return res.get_data(as_text=True)


def post(app, url, headers, data, files=None):
    form = page(app, url, headers)
    body = {"_csrf_token": csrf_token(form), **data}
    if files:
        body.update(files)
    return app.post(url, data=body, headers=headers, follow_redirects=False)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_hub_lists_the_users_sections_in_chinese(app, world, token):
    body = text(page(app, "/lifecycle/", token(world.operator)))
    for word in ("目录与数据资源生命周期管理", "目录下线", "数据资源下线", "目录维护通知", "账户申请", "信息系统", "一数一源"):
        assert word in body, word
    assert "擅自停止服务" not in body  # the violations are the Authority's
    assert "擅自停止服务" in text(page(app, "/lifecycle/", token(world.authority)))


def test_catalog_offlining_through_the_pages(app, world, token, new_entry):
    from ckanext.liuzhou.lifecycle.model import CatalogOffline
    pkg = new_entry(title="页面下线测试目录")
    admin = token(world.provider_admin)
    entry_page = page(app, f"/catalog/{pkg['name']}", admin)
    assert "申请目录下线" in entry_page
    url = f"/lifecycle/catalog-offline/new?package_id={pkg['id']}"
    form = page(app, url, admin)
    assert "签字盖章" in form and "/liuzhou/forms/catalog-offline-form.html" in form
    before = model.Session.query(CatalogOffline).count()
    refused = post(app, url, admin, {"package_id": pkg["id"], "reason": ""})
    assert refused.status_code == 200
    body = text(refused.get_data(as_text=True))
    assert "请上传已签字盖章的申请表" in body and "此项为必填项" in body
    model.Session.remove()
    assert model.Session.query(CatalogOffline).count() == before
    done = post(app, url, admin, {"package_id": pkg["id"], "reason": "业务调整"},
                {"attachment_upload": (io.BytesIO(PDF), "申请表.pdf", "application/pdf")})
    assert done.status_code == 302
    read_url = done.headers["Location"]
    app_id = read_url.rstrip("/").split("/")[-1]
    assert "待审核" in text(page(app, read_url, admin))
    attachment = app.get(f"/lifecycle/catalog-offline/{app_id}/attachment", headers=admin)
    assert attachment.status_code == 200 and attachment.data.startswith(b"%PDF")
    page(app, f"/lifecycle/catalog-offline/{app_id}/attachment", token(world.other_admin), status=403)
    operator = token(world.operator)
    review = page(app, read_url, operator)
    assert "没有部门在申请或使用该目录" in text(review) and 'id="review-form"' in review
    assert 'id="review-form"' not in page(app, read_url, admin)
    res = post(app, read_url, operator, {"decision": "approve", "notes": "同意"})
    assert res.status_code == 302
    assert "已下线" in text(page(app, read_url, operator))
    csv = app.get("/lifecycle/catalog-offline/filings.csv", headers=operator)
    number = model.Session.get(CatalogOffline, app_id).filing_number
    assert csv.status_code == 200 and number in csv.get_data(as_text=True)
    assert "页面下线测试目录" in csv.get_data(as_text=True)


def test_forms_are_closed_to_the_wrong_roles(app, world, token, new_entry):
    pkg = new_entry()
    page(app, f"/lifecycle/catalog-offline/new?package_id={pkg['id']}", token(world.provider_editor), status=403)
    page(app, "/lifecycle/upkeep/new", token(world.provider_admin), status=403)
    page(app, "/lifecycle/violations", token(world.operator), status=403)
    page(app, "/lifecycle/accounts/new", token(world.consumer_member), status=403)
    # not signed in: the sign-in page
    assert app.get("/lifecycle/upkeep/new", follow_redirects=False).status_code in (302, 403)


def test_resource_offlining_pages(app, world, token, new_entry):
    pkg = new_entry(title="页面资源下线目录")
    admin = token(world.provider_admin)
    url = f"/lifecycle/resource-offline/new?package_id={pkg['name']}"
    assert "核验接口" in page(app, url, admin)
    refused = post(app, url, admin, {"package_id": pkg["id"], "resource_id": pkg["resources"][0]["id"],
                                     "reason": "停用", "legal_basis": ""})
    assert refused.status_code == 200 and "法律依据" in text(refused.get_data(as_text=True))
    done = post(app, url, admin, {"package_id": pkg["id"], "resource_id": pkg["resources"][0]["id"],
                                  "reason": "停用", "legal_basis": "《实施细则》第二十一条"})
    assert done.status_code == 302
    read_url = done.headers["Location"]
    authority = token(world.authority)
    assert 'id="decide-form"' in page(app, read_url, authority)
    assert post(app, read_url, authority, {"step": "decide", "decision": "approve"}).status_code == 302
    shown = text(page(app, read_url, admin))
    assert "公示中" in shown and "期满后方可完成下线" in shown
    assert "页面资源下线目录" in text(page(app, "/lifecycle/notices", token(world.consumer_member)))
    assert "页面资源下线目录" in text(page(app, "/lifecycle/resource-offline?state=notice", authority))


def test_upkeep_pages(app, world, token, new_entry):
    pkg = new_entry(title="页面维护目录")
    authority = token(world.authority)
    refused = post(app, "/lifecycle/upkeep/new", authority, {"title": "", "cause": "law_change", "basis": "x"})
    assert refused.status_code == 200 and "标题" in text(refused.get_data(as_text=True))
    done = post(app, "/lifecycle/upkeep/new", authority, {"title": "法规修订", "cause": "law_change",
                                                            "basis": "《某条例》", "packages": pkg["name"],
                                                            "departments": "lzsjyj"})
    assert done.status_code == 302
    listing = text(page(app, "/lifecycle/upkeep", token(world.provider_editor)))
    assert "法规修订" in listing and "待更新" in listing
    notice_url = done.headers["Location"]
    edu = token(world.other_admin)
    notice_page = page(app, notice_url, edu)
    target = re.search(r'name="target_id" value="([^"]+)"', notice_page).group(1)
    res = app.post(notice_url, headers=edu, data={"_csrf_token": csrf_token(notice_page), "target_id": target,
                                                  "response": "已更新本部门目录"}, follow_redirects=False)
    assert res.status_code == 302 and "已更新" in text(page(app, notice_url, edu))
    assert "页面维护目录" in text(page(app, f"/catalog/{pkg['name']}", token(world.provider_editor)))


def test_account_pages_show_the_initial_password_once(app, world, token):
    admin = token(world.provider_admin)
    done = post(app, "/lifecycle/accounts/new", admin, {"kind": "create", "org": "lzsgaj", "user_name": "gaj_page_user",
                                                        "fullname": "王五", "email": "wangwu@example.gov.cn",
                                                        "role": "", "reason": "新人"})
    assert done.status_code == 302
    url = done.headers["Location"]
    operator = token(world.operator)
    res = post(app, url, operator, {"decision": "approve"})
    body = res.get_data(as_text=True)
    assert res.status_code == 200 and 'id="initial-password"' in body
    assert 'id="initial-password"' not in page(app, url, operator)


def test_system_pages_refuse_acceptance_without_a_published_entry(app, world, token):
    from ckanext.liuzhou.lifecycle.model import InformationSystem
    editor = token(world.provider_editor)
    before = model.Session.query(InformationSystem).count()
    refused = post(app, "/lifecycle/systems/new", editor, {"name": "页面系统", "org": "lzsgaj", "stage": "acceptance"})
    assert refused.status_code == 200 and "发布后方可验收" in text(refused.get_data(as_text=True))
    model.Session.remove()
    assert model.Session.query(InformationSystem).count() == before
    assert post(app, "/lifecycle/systems/new", editor, {"name": "页面系统", "org": "lzsgaj",
                                                        "stage": "approval"}).status_code == 302
    assert "未登记数据资源目录" in text(page(app, "/lifecycle/systems?mismatched=true", token(world.authority)))


def test_the_authority_reviews_violations_on_its_page(app, world, token, new_entry, call_as):
    pkg = new_entry(title="页面违规目录")
    call_as(world.provider_admin, "resource_patch", id=pkg["resources"][0]["id"], online_status="offline")
    authority = token(world.authority)
    listing = page(app, "/lifecycle/violations?state=open", authority)
    assert "未经审批将数据资源下线" in text(listing) and "页面违规目录" in listing
    row = next(v for v in call_as(world.authority, "violation_list", limit=1000)["results"] if v["package_id"] == pkg["id"])
    res = app.post("/lifecycle/violations", headers=authority, data={
        "_csrf_token": csrf_token(listing), "id": row["id"], "decision": "confirm", "notes": ""}, follow_redirects=False)
    assert res.status_code == 200 and "意见" in text(res.get_data(as_text=True))
    res = app.post("/lifecycle/violations", headers=authority, data={
        "_csrf_token": csrf_token(listing), "id": row["id"], "decision": "confirm", "notes": "责令改正"},
        follow_redirects=False)
    assert res.status_code == 302
    assert "已认定" in text(page(app, "/lifecycle/violations?state=confirmed", authority))


def test_the_duplicates_page(app, world, token, new_entry):
    items = [{"name": n, "identifier": f"d{i}", "data_type": "C", "length": 10, "description": n}
             for i, n in enumerate(("企业名称", "统一社会信用代码", "法定代表人"))]
    new_entry(org="lzsjyj", title="页面重复源目录", information_items=items)
    new_entry(title="页面重复目录", information_items=items)
    body = text(page(app, "/lifecycle/duplicates", token(world.authority)))
    assert "页面重复目录" in body and "页面重复源目录" in body and "企业名称" in body


def test_the_filing_export_names_the_departments_and_the_meeting(app, world, token, call_as, drive, new_entry):
    """Art 20.4: the CSV of the filing records says who used the entry (by department title),
    and the coordination meeting's date, participants and outcome."""
    import datetime as dt
    from .conftest import pdf
    req = drive("submitted", package_id=new_entry(sharing_type="conditional", title="备案导出测试目录")["name"])
    application = call_as(world.provider_admin, "catalog_offline_apply", package_id=req["package_id"],
                          reason="业务调整", attachment_upload=pdf())
    call_as(world.operator, "catalog_offline_review", id=application["id"], decision="approve")
    done = call_as(world.operator, "catalog_offline_review", id=application["id"], decision="offline",
                   meeting_date=dt.date.today().isoformat(), participants=["市公安局张科长", "市人社局李科长"],
                   notes="协调一致，同意下线")
    body = app.get("/lifecycle/catalog-offline/filings.csv", headers=token(world.operator)).get_data(as_text=True)
    row = next(line for line in body.splitlines() if done["filing_number"] in line)
    assert "柳州市人力资源和社会保障局" in row and "lzsrlzyhshbzj" not in row
    assert "市公安局张科长、市人社局李科长" in row and "协调一致，同意下线" in row
    assert body.lstrip("\ufeff").startswith("备案号,")
    # the CSV is the Operator's and the Authority's archive: a department gets only its own rows
    other = app.get("/lifecycle/catalog-offline/filings.csv", headers=token(world.other_admin)).get_data(as_text=True)
    assert done["filing_number"] not in other


def test_the_resource_offlining_page_names_the_departments_told(app, world, token, call_as, drive, new_entry):
    pkg = new_entry(sharing_type="conditional")
    drive("submitted", package_id=pkg["name"])
    ro = call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"],
                 resource_id=pkg["resources"][0]["id"], reason="停用", legal_basis="《实施细则》第二十一条")
    call_as(world.authority, "resource_offline_decide", id=ro["id"], decision="approve")
    shown = text(page(app, f"/lifecycle/resource-offline/{ro['id']}", token(world.provider_admin)))
    assert "已通知部门 柳州市人力资源和社会保障局" in shown and "lzsrlzyhshbzj" not in shown
