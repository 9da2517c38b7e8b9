"""The known-item benchmark's query builder (bench/known_item.py): queries as clerks type two
words of a title, without place names or filler words, the same for the same seed; and the
mapping of the portals' words onto the catalog's codes."""
from __future__ import annotations

import random

from bench import known_item as ki

TITLES = [
    "江苏省南京市企业年度报告公示信息",
    "余杭区水库实时水情信息",
    "海南省外网登记受理信息",
    "南京市城镇职工基本养老保险参保情况数据",
    "苏州市公共自行车站点信息查询",
    "宁波市新建商品房网签备案的数据",
    "杭州市食品经营许可证信息",
    "镇江市国家医保谈判药定点医疗机构名单",
    "无锡市出租车运营车辆信息",
    "徐州市危险化学品经营企业名录",
]


def _words(query: str) -> list[str]:
    q = query.replace(" ", "")
    return [w for w, _ in ki.content_words(q)] or [q]


def test_content_words_leave_out_places_and_fillers():
    words = [w for w, _ in ki.content_words("江苏省南京市企业年度报告公示信息")]
    assert "江苏省" not in words and "南京市" not in words and "江苏" not in words
    assert "信息" not in words and "公示" not in words
    assert words == ["企业", "年度报告"]
    words = [w for w, _ in ki.content_words("余杭区水库实时水情信息")]
    assert "余杭区" not in words and "余杭" not in words and "水库" in words


def test_queries_are_two_content_words_of_their_title():
    queries = ki.build_queries(TITLES, 50, seed=3)
    assert len(queries) >= 8
    for kq in queries:
        assert kq.title in TITLES
        parts = kq.q.split(" ") if kq.spaced else None
        if parts:
            assert len(parts) == 2 and all(p in kq.title for p in parts)
        for filler in ("信息", "数据", "查询", "情况", "市", "省"):
            assert filler not in kq.q.replace("城市", "")
        for place in ("江苏", "南京", "余杭", "海南", "苏州", "宁波", "杭州", "镇江", "无锡", "徐州"):
            assert place not in kq.q
    assert len({kq.q for kq in queries}) == len(queries)
    assert len({kq.title for kq in queries}) == len(queries)


def test_the_same_seed_gives_the_same_queries_and_another_seed_others():
    a = ki.build_queries(TITLES, 50, seed=11)
    assert a == ki.build_queries(TITLES, 50, seed=11)
    others = [ki.build_queries(TITLES, 50, seed=s) for s in range(12, 20)]
    assert any(o != a for o in others)


def test_swapped_spaced_and_non_adjacent_queries_all_occur():
    titles = [t + "专项" for t in TITLES] * 1  # more content words, more pairs
    queries = [ki.query_for(t, i, random.Random(i)) for i, t in enumerate(titles * 6)]
    queries = [q for q in queries if q]
    assert any(q.swapped for q in queries) and any(not q.swapped for q in queries)
    assert any(q.spaced for q in queries) and any(not q.spaced for q in queries)
    assert any(q.adjacent for q in queries) and any(not q.adjacent for q in queries)
    for q in queries:
        first, second = (q.q.split(" ") if q.spaced else (None, None))
        if first:
            i, j = q.title.index(first), q.title.index(second)
            assert (i > j) == q.swapped


def test_adjacency_is_read_from_the_title():
    rng = random.Random(0)
    for _ in range(20):
        kq = ki.query_for("企业登记注销信息", 0, rng)
        a, b = kq.q.split(" ") if kq.spaced else (None, None)
        if a:
            lo, hi = sorted((a, b), key=kq.title.index)
            assert kq.adjacent == (kq.title.index(lo) + len(lo) == kq.title.index(hi))


def test_a_title_with_one_content_word_gives_no_query():
    assert ki.query_for("南京市水库信息", 0, random.Random(1)) is None


def test_portal_words_map_onto_catalog_codes():
    assert ki.map_cycle("每年") == "yearly"
    assert ki.map_cycle("每月(更新说明:暂无新业务数据产生)") == "monthly"
    assert ki.map_cycle("不更新") is None and ki.map_cycle("") is None
    assert ki.map_format(["xlsx", "xml"]) == "spreadsheet"
    assert ki.map_format("03,0310") == "database"
    assert ki.map_format("数据库-mysql") == "database"
    assert ki.map_format("data") is None and ki.map_format(None) is None
