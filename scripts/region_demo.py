"""Demo content of the second local instance playing the Guangxi autonomous-region platform
(scripts/region.sh): two regional departments, regional catalog entries (full ones, and one
with only CKAN's own fields, to show the markers), and the negative list (负面清单) published
as a JSON resource of a dataset. Idempotent: what exists is left as it is.

    python scripts/region_demo.py --url http://127.0.0.1:5001 --token <sysadmin token>

Prints the negative list's download URL (for ckanext.liuzhou.cascade.negative_list_url).
"""
from __future__ import annotations

import argparse
import io
import json

import ckanapi

ORGS = [("gx-dsjj", "广西壮族自治区大数据发展局"), ("gx-gat", "广西壮族自治区公安厅")]

ENTRIES = [
    # name, title, org, extras (the catalog fields a regional platform with a catalog schema gives)
    ("gx-rkjcxx", "广西人口基础信息", "gx-gat", {
        "sharing_type": "conditional", "sharing_conditions": "用于政务服务身份核验，按申请共享",
        "legal_basis": "《中华人民共和国居民身份证法》", "format_category": "database",
        "update_cycle": "daily", "open_attribute": "not_open", "sharing_method": "platform",
        "resource_code": "101450/000001"}),
    ("gx-frjcxx", "广西法人单位基础信息", "gx-dsjj", {
        "sharing_type": "unconditional", "format_category": "database", "update_cycle": "daily",
        "open_attribute": "open", "sharing_method": "platform", "resource_code": "102450/000002"}),
    ("gx-shxyxx", "广西社会信用代码信息", "gx-dsjj", {
        "sharing_type": "unconditional", "format_category": "api", "update_cycle": "realtime",
        "open_attribute": "conditional_open", "open_conditions": "经申请向社会开放",
        "sharing_method": "platform", "resource_code": "104450/000003"}),
    ("gx-bdcdjxx", "广西不动产登记信息", "gx-dsjj", {
        "sharing_type": "conditional", "sharing_conditions": "仅限不动产相关审批使用",
        "legal_basis": "《不动产登记暂行条例》", "format_category": "database", "update_cycle": "daily",
        "open_attribute": "not_open", "sharing_method": "platform", "resource_code": "103450/000004"}),
    ("gx-zfgjjxx", "广西住房公积金缴存信息", "gx-dsjj", {
        "sharing_type": "conditional", "sharing_conditions": "用于住房保障审核",
        "legal_basis": "《住房公积金管理条例》", "format_category": "spreadsheet", "update_cycle": "monthly",
        "open_attribute": "not_open", "sharing_method": "platform", "resource_code": "203450/000005"}),
    # only CKAN's own fields: the city shows 【自治区目录未提供】 where a catalog field is missing
    ("gx-qyjyycxx", "广西企业经营异常名录信息", "gx-dsjj", {}),
]

NEGATIVE_LIST = {
    "version": "2026-1",
    "items": [
        {"id": "GX-NL-001", "name": "人口基础信息", "keywords": ["常住人口", "户籍人口"],
         "sharing_type": "conditional", "legal_basis": "《中华人民共和国居民身份证法》"},
        {"id": "GX-NL-002", "name": "不动产登记信息", "keywords": ["不动产"],
         "sharing_type": "conditional", "legal_basis": "《不动产登记暂行条例》"},
        {"id": "GX-NL-003", "name": "社会保险参保信息", "keywords": ["养老保险", "医疗保险", "医疗保障"],
         "sharing_type": "conditional", "legal_basis": "《中华人民共和国社会保险法》"},
        {"id": "GX-NL-004", "name": "住房公积金信息", "keywords": ["公积金"],
         "sharing_type": "conditional", "legal_basis": "《住房公积金管理条例》"},
        {"id": "GX-NL-005", "name": "个人健康信息", "keywords": ["健康档案", "传染病", "精神障碍"],
         "sharing_type": "not_shared", "legal_basis": "《中华人民共和国基本医疗卫生与健康促进法》"},
        {"id": "GX-NL-006", "name": "涉密测绘成果", "keywords": ["正射影像"],
         "sharing_type": "not_shared", "legal_basis": "《中华人民共和国测绘法》"},
        {"id": "GX-NL-007", "name": "纳税信息", "keywords": ["纳税", "个人所得税"],
         "sharing_type": "not_shared", "legal_basis": "《中华人民共和国税收征收管理法》"},
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    api = ckanapi.RemoteCKAN(args.url, apikey=args.token)
    existing = set(api.action.organization_list())
    for name, title in ORGS:
        if name not in existing:
            api.action.organization_create(name=name, title=title)
    known = set(api.action.package_list())
    for name, title, org, extras in ENTRIES:
        if name in known:
            continue
        api.action.package_create(
            name=name, title=title, owner_org=org, notes=f"{title}（广西壮族自治区数据共享平台目录）",
            tags=[{"name": "广西"}], extras=[{"key": k, "value": v} for k, v in extras.items()],
            resources=[{"name": f"{title}接口", "url": f"http://data.gxzf.example/{name}/api", "format": "API"}])
    if "gx-fmqd" not in known:
        api.action.package_create(name="gx-fmqd", title="广西政务数据共享负面清单", owner_org="gx-dsjj",
                                  notes="自治区公布的政务数据共享负面清单（JSON，格式见 ckanext-liuzhou README）")
    pkg = api.action.package_show(id="gx-fmqd")
    if not pkg["resources"]:
        body = io.BytesIO(json.dumps(NEGATIVE_LIST, ensure_ascii=False, indent=1).encode("utf-8"))
        body.name = "negative-list.json"
        api.action.resource_create(package_id=pkg["id"], name="负面清单 2026-1", format="JSON", upload=body)
        pkg = api.action.package_show(id="gx-fmqd")
    print(pkg["resources"][0]["url"])


if __name__ == "__main__":
    main()
