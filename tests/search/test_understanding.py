"""Search as people type it: filler words, non-adjacent words, departments and their short
names, synonyms, pinyin and initials, traditional characters, miswritings, partial matches,
suggestions and the Operator's vocabulary — through package_search and the other actions, as
the demo departments' users."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckan.lib.search.common import SearchError

from ckanext.liuzhou.catalog import credit_code
from ckanext.liuzhou.search import vocabulary

from ..conftest import make_user


def _entry(title, org, notes=None, private=False, **fields):
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    data = {
        "type": "catalog", "title": title, "notes": notes or f"{title}。", "owner_org": org,
        "private": private, "classification": "department", "subclass": "department",
        "format_category": "database", "sharing_type": "unconditional",
        "sharing_method": "platform", "open_attribute": "not_open", "update_cycle": "monthly",
        "information_items": [{"name": "统计年度", "data_type": "C", "length": 4}],
    }
    data.update(fields)
    return tk.get_action("package_create")({"user": site_user, "ignore_auth": True}, data)["name"]


@pytest.fixture(scope="module")
def world(departments):
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("organization_create")({"user": site_user, "ignore_auth": True}, {
        "name": "ljqgaj", "title": "柳江区公安局", "level": "county", "parent": "ljq",
        "credit_code": credit_code.make_sample("450221", "ljqgaj"), "division_code": "450221"})
    vocabulary.forget()
    e = {
        "population": _entry("柳州市常住人口基础信息", "lzsgaj", notes="全市常住人口的姓名、性别、出生日期和居住地址。"),
        "county_police": _entry("户籍人口变动情况", "ljqgaj"),
        "pension": _entry("城镇职工基本养老保险参保信息", "lzsrlzyhshbzj", tags=[{"name": "社会保险"}]),
        "contribution": _entry("社会保险缴费记录", "lzsrlzyhshbzj"),
        "licence": _entry("企业登记注册信息", "lzsscjdglj"),
        "fund": _entry("住房公积金缴存明细", "lzszfhcxjsj"),
        "oral": _entry("儿童口腔健康档案", "lzswsjkwyh"),
        "items_only": _entry("就业登记台账", "lzsrlzyhshbzj", notes="按季度汇总。",
                             information_items=[{"name": "失业保险金领取标志", "data_type": "C", "length": 1}]),
        "secret": _entry("人社内部养老测算底稿", "lzsrlzyhshbzj", private=True),
    }
    model.repo.commit()
    consumer = make_user("lzsmzj", "member")["name"]
    operator = make_user("lzsxxhjsglzx", "member")["name"]
    return {"e": e, "consumer": consumer, "operator": operator}


def _search(world, q, user=None, **params):
    context = {"user": user or world["consumer"], "ignore_auth": False}
    return tk.get_action("package_search")(context, {"q": q, "rows": 50, "include_private": True,
                                                     "fq": "+dataset_type:catalog", **params})


def _auth(user):
    token = tk.get_action("api_token_create")({"ignore_auth": True, "user": user},
                                              {"user": user, "name": "search-test"})["token"]
    return {"Authorization": token}


def _names(result):
    return [r["name"] for r in result["results"]]


def _found(world, q, *keys, user=None):
    result = _search(world, q, user)
    names = _names(result)
    for key in keys:
        assert world["e"][key] in names, f"{q!r} should find {key}; found {names}"
    return result, names


@pytest.mark.parametrize("q, wanted, unwanted", [
    ("人口信息", ["population", "county_police"], ["licence"]),            # filler word 信息
    ("查询人口数据", ["population"], ["licence"]),                          # fillers on both sides
    ("柳州人口", ["population"], ["licence"]),                              # not adjacent in the title
    ("公安局", ["population", "county_police"], ["pension"]),              # the provider's title
    ("柳江 公安局", ["county_police"], ["population"]),                     # the county's name
    ("人社局 养老", ["pension"], ["contribution", "population"]),           # a short name + a word
    ("市人社局", ["pension", "contribution"], ["population"]),
    ("社保", ["pension", "contribution"], ["licence"]),                    # 社保 = 社会保险
    ("营业执照", ["licence"], ["population"]),                              # 营业执照 = 企业登记
    ("renkou", ["population", "county_police"], ["licence"]),              # pinyin
    ("gongjijin", ["fund"], ["licence"]),
    ("rk", ["population"], []),                                            # initials
    ("戶籍人口", ["county_police"], ["licence"]),                            # traditional characters
    ("ｒｅｎｋｏｕ", ["population"], []),                                     # full-width pinyin
    ("RENKOU", ["population"], []),                                        # caps lock on
    ("失业保险金", ["items_only"], ["population"]),                          # only in an information item
])
def test_queries_as_typed_find_what_the_clerk_wants(world, q, wanted, unwanted):
    result, names = _found(world, q, *wanted)
    assert not result.get("relaxed")
    for key in unwanted:
        assert world["e"][key] not in names, f"{q!r} should not find {key}"


def test_the_entry_holding_every_word_in_order_ranks_first(world):
    _, names = _found(world, "养老保险参保", "pension")
    assert names[0] == world["e"]["pension"]


def test_no_strict_match_gives_the_partial_matches_marked_relaxed(world):
    result, names = _found(world, "人口 火箭发射", "population")
    assert result["relaxed"] is True
    assert world["e"]["licence"] not in names
    # the strict answer carries no flag
    assert "relaxed" not in _search(world, "人口")


def test_a_miswriting_gets_the_catalog_word_of_the_same_pinyin(world):
    result = _search(world, "户藉")
    assert result["count"] == 0
    assert result["did_you_mean"] == "户籍"
    assert "did_you_mean" not in _search(world, "户籍")


def test_did_you_mean_draws_only_on_entries_the_user_may_see(world):
    # 测算 is a word only of a private entry of 人社局: a 民政局 user is not told of it
    assert "did_you_mean" not in _search(world, "侧算")
    insider = make_user("lzsrlzyhshbzj", "member")["name"]
    assert _search(world, "侧算", user=insider).get("did_you_mean") == "测算"


@pytest.mark.parametrize("q", ["人" * 10000, "！！！？？", "。，、", "title:(", "r", "\"", "{!join}x",
                               "人口 AND", "*", "OR", "-", "人口)"])
def test_hostile_input_gets_an_answer_not_an_error(world, q):
    try:
        result = _search(world, q)
    except SearchError as e:  # a clear refusal is an answer too, and shows no internals
        assert "permission_labels" not in str(e) and "fq" not in str(e)
        return
    assert isinstance(result["results"], list) and len(result["results"]) <= result["count"]
    if q == "r":
        assert world["e"]["population"] not in _names(result)  # a lone letter is not initials


def test_suggestions_while_typing(world):
    suggest = tk.get_action("search_suggest")
    got = suggest({"user": world["consumer"], "ignore_auth": False}, {"q": "人社局 养老", "limit": 5})
    entries = [s["name"] for s in got if s["type"] == "entry"]
    assert entries[0] == world["e"]["pension"]
    assert world["e"]["secret"] not in entries  # private to 人社局
    assert any(s["type"] == "department" and s["name"] == "lzsrlzyhshbzj" for s in got)
    assert len(got) <= 5
    insider = make_user("lzsrlzyhshbzj", "member")["name"]
    mine = suggest({"user": insider, "ignore_auth": False}, {"q": "养老测算"})
    assert world["e"]["secret"] in [s["name"] for s in mine]


def test_anonymous_visitors_get_no_suggestions(world, app):
    assert tk.get_action("search_suggest")({"user": "", "ignore_auth": False}, {"q": "人口"}) == []
    response = app.get("/api/action/search_suggest", query_string={"q": "人口"})
    assert response.json["result"] == []


def test_the_operator_edits_synonyms_and_search_follows_without_a_restart(world):
    operator = {"user": world["operator"], "ignore_auth": False}
    assert world["e"]["pension"] not in _names(_search(world, "工薪族"))
    shown = tk.get_action("search_synonyms_show")(operator, {})
    groups = shown["synonyms"] + [["工薪族", "城镇职工"]]
    try:
        updated = tk.get_action("search_synonyms_update")(operator, {"synonyms": groups})
        assert ["工薪族", "城镇职工"] in updated["synonyms"] and updated["synonyms_customized"]
        assert world["e"]["pension"] in _names(_search(world, "工薪族"))
    finally:
        tk.get_action("search_synonyms_update")(operator, {"reset": ["synonyms"]})
    assert world["e"]["pension"] not in _names(_search(world, "工薪族"))


def test_the_operator_corrects_a_departments_short_names(world):
    operator = {"user": world["operator"], "ignore_auth": False}
    assert world["e"]["population"] not in _names(_search(world, "市局户政"))
    try:
        tk.get_action("search_synonyms_update")(operator, {"department_aliases": "柳州市公安局: 市局户政"})
        assert world["e"]["population"] in _names(_search(world, "市局户政"))
        shown = tk.get_action("search_synonyms_show")(operator, {})
        police = next(d for d in shown["departments"] if d["name"] == "lzsgaj")
        assert police["short_names"] == ["市局户政"] and police["overridden"]
    finally:
        tk.get_action("search_synonyms_update")(operator, {"reset": ["department_aliases"]})


@pytest.mark.parametrize("payload, field", [
    ({"synonyms": [["孤词"]]}, "synonyms"),
    ({"synonyms": [["甲乙", "丙丁"], ["丙丁", "戊己"]]}, "synonyms"),
    ({"synonyms": [["甲乙", "<script>"]]}, "synonyms"),
    ({"department_aliases": "没有这个部门: 无"}, "department_aliases"),
    ({"department_aliases": "柳州市公安局 没有冒号"}, "department_aliases"),
    ({}, "synonyms"),
])
def test_bad_vocabulary_is_refused_and_nothing_is_saved(world, payload, field):
    operator = {"user": world["operator"], "ignore_auth": False}
    before = tk.get_action("search_synonyms_show")(operator, {})
    with pytest.raises(tk.ValidationError) as e:
        tk.get_action("search_synonyms_update")(operator, payload)
    assert field in e.value.error_dict
    assert tk.get_action("search_synonyms_show")(operator, {}) == before


def test_only_the_operator_changes_the_vocabulary(world):
    for user in (world["consumer"], make_user("lzsdsjfzj", "admin")["name"]):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("search_synonyms_update")({"user": user, "ignore_auth": False},
                                                    {"synonyms": [["甲乙", "丙丁"]]})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("search_synonyms_show")({"user": "", "ignore_auth": False}, {})


def test_the_search_page_marks_matches_and_says_when_they_are_partial(world, app):
    page = app.get("/catalog/", query_string={"q": "人口 火箭发射"},
                   headers=_auth(world["consumer"]))
    assert page.status_code == 200
    assert "liuzhou-relaxed-note" in page.body
    assert '<mark class="liuzhou-match">人口</mark>' in page.body
    page = app.get("/catalog/", query_string={"q": "户藉"})
    assert page.status_code == 200


def test_the_vocabulary_page(world, app):
    anonymous = app.get("/search/vocabulary")  # the sign-in form, not the vocabulary
    assert 'name="synonyms"' not in anonymous.body and "社保, 社会保险" not in anonymous.body
    page = app.get("/search/vocabulary", headers=_auth(world["operator"]))
    assert page.status_code == 200 and 'name="synonyms"' in page.body and "社保, 社会保险" in page.body
    page = app.get("/search/vocabulary", headers=_auth(world["consumer"]))
    assert page.status_code == 200 and 'name="synonyms"' not in page.body
