"""The portal's pages over HTTP: in Chinese by default, the catalog's own words, English at /en/."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk

from .conftest import csrf_token

def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def nav_labels(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("header.masthead .navbar-nav a")]


# --- home ------------------------------------------------------------------------------

def test_home_explains_the_platform_in_chinese_with_its_counts(app, ui_data):
    page = soup(app.get("/", headers=ui_data["auth"]))
    text = page.get_text()
    assert "柳州市数据共享交换平台" in page.select_one(".liuzhou-hero-title").get_text()
    assert "欢迎" not in page.title.get_text() and "CKAN" not in text
    visible = tk.get_action("package_search")({"user": ui_data["editor"]["name"]},
                                              {"fq": "+dataset_type:catalog", "rows": 0, "include_private": True})
    assert page.select_one(".liuzhou-stat-entries").get_text(strip=True) == str(visible["count"])
    assert page.select_one(".liuzhou-stat-departments").get_text(strip=True) == "36"
    # entries by classification, with Chinese labels, linking to the filtered search
    cards = {a["href"]: a.get_text(" ", strip=True) for a in page.select("a.liuzhou-class-card")}
    assert any(href.endswith("classification=base") and "基础信息资源" in label for href, label in cards.items())
    assert "最新发布的目录" in text
    assert page.select_one("form.liuzhou-hero-search")["action"] == "/catalog/"


def test_footer_names_the_authority_and_the_operator(app, ui_data):
    footer = soup(app.get("/", headers=ui_data["auth"])).select_one("footer").get_text(" ", strip=True)
    assert "主管单位 柳州市大数据发展局" in footer
    assert "运营单位 柳州市信息化建设管理中心" in footer


def test_about_page_names_the_authority_and_the_operator(app, ui_data):
    roles = soup(app.get("/about", headers=ui_data["auth"])).select_one(".liuzhou-about-roles").get_text(" ", strip=True)
    assert "柳州市大数据发展局 —" in roles and "柳州市信息化建设管理中心 —" in roles


def test_nav_speaks_of_the_catalog_and_departments(app, ui_data):
    home = soup(app.get("/", headers=ui_data["auth"]))
    labels = nav_labels(home)
    assert labels[:3] == ["数据目录", "部门", "部门树"]
    assert not {"Catalogs", "Organizations", "机构", "群组"} & set(labels)
    # CKAN 2.11's JS asks /api/i18n/zh_Hans-CN and never starts its modules on a Chinese
    # page; the locale fix is on every page
    assert re.search(r"/webassets/ckanext-liuzhou/[^\"]*locale-fix\.js", str(home))
    header = home.select_one("header.masthead")
    assert header.select_one("img.liuzhou-emblem")["src"].endswith("/liuzhou/emblem.svg")
    assert "ckan-logo" not in str(header)


@pytest.mark.parametrize("purpose, expected", [
    ("main nav", "数据目录"), ("breadcrumb", "数据目录"), ("add link", "发布目录"),
    ("create label", "发布目录"), ("edit label", "编辑目录"), ("search placeholder", "搜索数据目录……"),
    ("my label", "我的目录"), ("content tab", "目录"), ("update label", "更新目录"),
])
def test_catalog_type_is_named_in_chinese_for_each_purpose(app, purpose, expected):
    with app.flask_app.test_request_context("/"):
        assert tk.h.humanize_entity_type("package", "catalog", purpose) == expected


def test_organizations_are_called_departments(app):
    with app.flask_app.test_request_context("/"):
        assert tk.h.humanize_entity_type("organization", "organization", "main nav") == "部门"
        assert tk._("Organization") == "部门"  # core msgid, overridden by our catalogue


# --- the publish form ------------------------------------------------------------------

def test_form_has_information_item_rows_that_can_be_added(app, ui_data):
    page = soup(app.get("/catalog/new", headers=ui_data["auth"]))
    fieldset = page.select_one('fieldset[data-module="scheming-repeating-subfields"]')
    assert fieldset is not None
    rows = fieldset.select(".scheming-repeating-subfields-group .scheming-subfield-group")
    assert len(rows) == 1
    names = {el["name"] for el in rows[0].select("input, select")}
    assert names == {f"information_items-0-{f}"
                     for f in ("name", "identifier", "data_type", "length", "description", "personal_information")}
    # the data type is a select of the national codes, labelled in Chinese
    options = {o["value"]: o.get_text() for o in rows[0].select("select option")}
    assert options["C"] == "C 字符型" and options["I"] == "I 整型"
    # add and remove controls, and the template the JS copies for a new row
    assert fieldset.select_one('a[name="repeating-add"]') and rows[0].select_one('a[name="repeating-remove"]')
    template = fieldset.select_one('div[name="repeating-template"]')
    assert template.select_one('input[name="information_items-REPEATING-INDEX0-name"]')


def test_form_marks_conditional_fields_for_its_js_module(app, ui_data):
    page = soup(app.get("/catalog/new", headers=ui_data["auth"]))
    assert page.select_one('[data-module="liuzhou-catalog-form"]') is not None
    assert re.search(r"/webassets/ckanext-liuzhou/[^\"]*catalog-form\.js", str(page))

    def condition(field):
        wrapper = page.select_one(f".liuzhou-field-{field}")
        return wrapper.get("data-liuzhou-show-field"), wrapper.get("data-liuzhou-show-values")

    assert condition("sharing_conditions") == ("sharing_type", "conditional")
    assert condition("legal_basis") == ("sharing_type", "conditional not_shared")
    assert condition("open_conditions") == ("open_attribute", "conditional_open")
    assert condition("lead_department") == ("classification", "base theme")
    assert condition("sharing_type") == (None, None)
    subclass = page.select_one(".liuzhou-field-subclass")
    assert subclass["data-liuzhou-filter-field"] == "classification"
    assert '"population": "base"' in subclass["data-liuzhou-parents"]


def test_form_errors_are_in_chinese_next_to_their_fields(app, ui_data):
    form_page = app.get("/catalog/new", headers=ui_data["auth"])
    response = app.post("/catalog/new", headers=ui_data["auth"], data={
        "_csrf_token": csrf_token(form_page.get_data(as_text=True)),
        "title": "柳州市公共租赁住房保障信息", "name": "", "notes": "公租房申请与分配。",
        "owner_org": "lzsgaj", "classification": "department", "subclass": "department",
        "format_category": "database", "sharing_type": "conditional", "sharing_method": "platform",
        "open_attribute": "not_open", "update_cycle": "monthly",
        "information_items-0-name": "申请人姓名", "information_items-0-identifier": "2sqr",
        "information_items-0-data_type": "C", "information_items-0-length": "50",
        "save": "continue",
    })
    page = soup(response)

    def field_error(field_id):
        return page.select_one(f"#{field_id}").find_parent(class_="form-group").select_one(".error-block").get_text()

    assert "有条件共享须写明共享条件" in field_error("field-sharing_conditions")
    assert "法律、行政法规或国家政策" in field_error("field-legal_basis")
    assert "标识符由英文字母" in field_error("field-information_items-0-identifier")
    assert "表单中有以下内容需要修改" in page.select_one(".liuzhou-form-errors").get_text()
    # what was typed is kept
    assert page.select_one("#field-information_items-0-name")["value"] == "申请人姓名"
    assert tk.get_action("package_search")({"ignore_auth": True}, {"q": "公共租赁住房", "rows": 0})["count"] == 0


def test_form_without_information_items_says_so_next_to_the_rows(app, ui_data):
    form_page = app.get("/catalog/new", headers=ui_data["auth"])
    response = app.post("/catalog/new", headers=ui_data["auth"], data={
        "_csrf_token": csrf_token(form_page.get_data(as_text=True)),
        "title": "柳州市空白信息项测试", "owner_org": "lzsgaj",
        "information_items-0-name": "", "information_items-0-data_type": "", "save": "continue",
    })
    page = soup(response)
    block = page.select_one("fieldset#field-information_items").find_parent(class_="form-group")
    assert "目录至少须有一个信息项" in block.select_one(".error-block").get_text()
    # the spare row is offered again to fill in
    assert page.select_one('input[name="information_items-0-name"]') is not None


# --- the entry page --------------------------------------------------------------------

def test_entry_page_shows_labels_not_codes(app, ui_data):
    pkg = ui_data["entries"]["lzsgaj"]
    page = soup(app.get(f"/catalog/{pkg['name']}", headers=ui_data["auth"]))
    main = page.select_one("[role=main]")
    text = main.get_text(" ", strip=True)
    assert page.select_one(".liuzhou-resource-code").get_text(strip=True) == pkg["resource_code"]
    assert page.select_one(".liuzhou-sharing-box .liuzhou-sharing").get_text(strip=True) == "有条件共享"
    for label in ("基础信息资源", "人口基础信息", "共享平台", "不予开放", "每日", "法律依据", "共享条件"):
        assert label in text, label
    # information items as a table with the type labels
    table = page.select_one("table.liuzhou-items-table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers[1:] == ["信息项名称", "标识符", "数据类型", "数据长度", "说明", "个人信息"]
    first = [td.get_text(strip=True) for td in table.select("tbody tr")[0].select("td")]
    assert first[1:5] == ["公民身份号码", "gmsfhm", "C 字符型", "18"]
    # provider with its level, lead department by title
    provider = page.select_one(".liuzhou-field-owner_org").get_text(" ", strip=True)
    assert "柳州市公安局" in provider and "市" in provider
    assert page.select_one(".liuzhou-field-lead_department").get_text(strip=True) == "柳州市公安局"
    # resources with their type and online state
    badges = [b.get_text(" ", strip=True) for b in page.select(".liuzhou-resource-badges .badge")]
    assert "接口" in badges and "库表" in badges and "已上线" in badges
    for code in ("conditional", "not_open", "population", ">daily<"):
        assert code not in str(main.select_one(".liuzhou-entry-info")), code


def test_search_result_speaks_of_catalog_entries(app, ui_data):
    page = soup(app.get("/catalog/", headers=ui_data["auth"]))
    assert re.search(r"共 \d+ 条目录", page.select_one("form#dataset-search-form h1, .search-form h1").get_text())
    assert page.select_one(".breadcrumb .active").get_text(strip=True) == "数据目录"


# --- the department tree ---------------------------------------------------------------

def test_tree_page_lists_every_level_and_nests_townships_under_counties(app, ui_data):
    page = soup(app.get("/department/tree", headers=ui_data["auth"]))
    legend = page.select_one(".liuzhou-level-legend").get_text(" ", strip=True)
    for label in ("市", "县（区）", "乡（镇）", "村（社区）"):
        assert label in legend
    county = page.select_one("li#dept-ljq")
    assert county["data-level"] == "county"
    township = county.select_one("li#dept-ljqlbz")
    assert township is not None and township["data-level"] == "township"
    assert township.select_one("li#dept-ljqlbzsample1")["data-level"] == "village"
    # a top-level department is grouped with its level
    assert page.select_one(".liuzhou-tree-group-city li#dept-lzsgaj") is not None
    # links: the department, its own entries, and its subtree's entries
    assert county.select_one('a.liuzhou-tree-title')["href"] == "/organization/ljq"
    assert county.select_one("a.liuzhou-subtree-link")["href"] == "/catalog/?department=ljq"
    assert "含下级共 2 条" in county.select_one("a.liuzhou-subtree-link").get_text()


def test_department_tree_action_counts_entries_by_subtree(ui_data, call_as):
    with pytest.raises(tk.NotAuthorized):   # visitors who have not signed in see nothing
        call_as("", "liuzhou_department_tree")
    result = call_as(ui_data["editor"]["name"], "liuzhou_department_tree")
    assert result["levels"] == {"city": 21, "county": 12, "township": 2, "village": 1}
    by_name = {}

    def walk(nodes):
        for n in nodes:
            by_name[n["name"]] = n
            walk(n["children"])
    walk(result["departments"])
    assert len(by_name) == 36
    assert (by_name["ljq"]["entries"], by_name["ljq"]["entries_total"]) == (1, 2)
    assert by_name["lzsgaj"]["entries"] == 1
    assert [c["name"] for c in by_name["ljq"]["children"]] == ["ljqdsjj", "ljqlbz"]


def test_department_page_shows_its_level_and_place_in_the_tree(app, ui_data):
    page = soup(app.get("/organization/ljqlbz", headers=ui_data["auth"]))
    facts = page.select_one(".liuzhou-dept-facts").get_text(" ", strip=True)
    assert "乡（镇）" in facts and "柳州市柳江区人民政府" in facts
    about = soup(app.get("/organization/about/ljqlbz", headers=ui_data["auth"])).select_one(".liuzhou-dept-about").get_text(" ", strip=True)
    assert "乡（镇）" in about and "township" not in about


# --- English ---------------------------------------------------------------------------

def test_english_is_offered_at_en(app, ui_data):
    page = soup(app.get("/en/", headers=ui_data["auth"]))
    assert page.html["lang"] == "en"
    labels = nav_labels(page)
    assert labels[:3] == ["Data catalog", "Departments", "Department tree"]
    assert {"Share requests", "About the platform"} <= set(labels)
    assert "Latest catalog entries" in page.get_text()
    pkg = ui_data["entries"]["lzsgaj"]
    entry = soup(app.get(f"/en/catalog/{pkg['name']}", headers=ui_data["auth"]))
    assert entry.select_one(".liuzhou-sharing-box .liuzhou-sharing").get_text(strip=True) == "Conditional"
    assert "C character" in entry.select_one("table.liuzhou-items-table").get_text()


def test_new_entry_form_defaults_to_public(app, ui_data):
    """Art 19: an entry is published for every department to find unless the editor says otherwise."""
    body = app.get("/catalog/new", headers=ui_data["auth"]).body
    select = body[body.index('id="field-private"'):]
    select = select[:select.index("</select>")]
    assert 'value="False" selected="selected"' in select
    assert 'value="True" selected' not in select
