import json, pytest
import ckan.plugins.toolkit as tk
from tests.conftest import make_user

def test_explore(departments, call_as):
    u = make_user("lzsgaj", "editor")
    data = dict(title="柳州市常住人口基础信息", notes="摘要", owner_org="lzsgaj", classification="base",
        subclass="population", lead_department="lzsgaj", format_category="database",
        information_items=[{"name":"公民身份号码","identifier":"gmsfhm","data_type":"C","length":18,"description":"x"}],
        sharing_type="unconditional", sharing_method="platform", open_attribute="not_open", update_cycle="daily",
        type="catalog")
    r = call_as(u["name"], "package_create", **data)
    print(json.dumps(r, ensure_ascii=False, indent=1))
    r2 = call_as(u["name"], "package_create", **data)
    print(r2["name"], r2["resource_code"])
    try:
        call_as(u["name"], "package_create", **dict(data, sharing_type="conditional"))
    except tk.ValidationError as e:
        print(e.error_dict)
    r3 = call_as(u["name"], "package_update", **dict(data, id=r["id"], resource_code="999"))
    print(r3["name"], r3["resource_code"])
