"""The 42,231 real catalog entries as a bench corpus (``python -m bench --corpus real``).

``/work/shared/data/real-catalog/entries.jsonl.gz`` (see its README: four provincial open-data
portals and their cities, text as the departments wrote it) becomes entries in the shape of
:class:`bench.corpus.Catalog`, so that the bench loads and measures them like the generated
catalog:

- the title and the abstract with stray HTML and ``\\r\\n\\t`` removed (an empty abstract takes
  the title);
- the information items the portal published (names; data type ``C``, length 50, as the
  portals give no type); an entry published without any gets one placeholder item ``ID``
  (Latin, so that no Chinese query finds it by it), counted as unmapped;
- the update cycle, the format and the portal's open attribute mapped onto the catalog's codes
  by the import's mapping of the departments' words (``ckanext/liuzhou/transfer/words.py``, the
  one such mapping of the project; a portal's ``03,0310``-style format code by its leading
  format number, :data:`bench.known_item.FORMAT_CODES`); ``irregular`` / ``document`` / ``open``
  when they do not map, counted;
- a Liuzhou department for the real one (:func:`department_for`): a county-level provider
  (区, 县, a county-level city) goes to one of Liuzhou's counties, a bureau to the Liuzhou
  bureau of the same remit by keyword (省农业农村厅 → 柳州市农业农村局), anything else to a city
  department by a stable hash of its name;
- classification ``department`` / ``department``, except a base catalog where it is clear
  (:data:`BASE_RULES`: the Art 15 lead department's own register, e.g. 市公安局's 户籍人口).

The order is a fixed shuffle of the file (``seed``), so the first N entries mix the four
portals. :meth:`RealCatalog.search_queries` derives clerk-typed queries from the titles loaded;
:meth:`RealCatalog.mapping` counts what did not map. ``python -m bench.real_catalog`` prints
those counts for N entries.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import zlib
from functools import cached_property
from pathlib import Path

from ckanext.liuzhou.transfer import words

from . import corpus
from .known_item import (DATA, FORMAT_CODES, PLACEHOLDER_ITEM, _clean, _item_names, content_words,
                         format_words, query_for, read_entries)

SEED = 20261206
PREFIX = "real"

# Every entry was published on an open-data portal: an open attribute that says nothing (暂无,
# 无, null, …) counts as unmapped and gives ``open``.
OPEN_CONDITIONS = {"conditional_open": "按开放平台规定申请（{word}）", "not_open": "不予开放"}

# Liuzhou's city bureaus by the remit words of a provider's name, first match wins.
BUREAUS = [
    (("医疗保障", "医保"), "lzsybj"),
    (("公安",), "lzsgaj"),
    (("市场监督", "市场监管", "工商", "质量技术监督", "食品药品", "知识产权"), "lzsscjdglj"),
    (("自然资源", "国土", "规划", "测绘", "林业"), "lzszrzyhghj"),
    (("发展和改革", "发展改革", "发改", "物价", "粮食", "信用"), "lzsfzhggwyh"),
    (("行政审批", "政务服务", "审批服务"), "lzsxzspj"),
    (("人力资源", "社会保障", "人社", "社保"), "lzsrlzyhshbzj"),
    (("民政", "残疾人", "残联", "退役军人"), "lzsmzj"),
    (("卫生", "健康", "疾病预防"), "lzswsjkwyh"),
    (("教育",), "lzsjyj"),
    (("住房", "城乡建设", "建设局", "建设厅", "公积金", "城市管理", "城管"), "lzszfhcxjsj"),
    (("生态环境", "环境保护", "环保"), "lzssthjj"),
    (("交通", "运输", "港口", "公路", "航道"), "lzsjtysj"),
    (("财政", "国有资产", "国资"), "lzscjj"),
    (("统计",), "lzstjj"),
    (("应急", "安全生产", "消防", "地震"), "lzsyjglj"),
    (("农业", "农村", "水利", "畜牧", "渔业", "海洋"), "lzsnyncj"),
    (("网信", "网络安全"), "lzswwxb"),
    (("税务",), "lzsswj"),
    (("大数据", "数据资源", "数据管理", "信息中心"), "lzsdsjfzj"),
]
# A provider below the city: 泰兴市人民政府办公室, 吴江区, 高新区, 泗洪县大数据中心 (a place
# ending in 区 / 县, or a county-level city that is not 省/市 alone).
_COUNTY = re.compile(r"^(?!省|市)[\u4e00-\u9fff]{1,8}?(县|区|旗)|^[\u4e00-\u9fff]{2,4}市(?!.*(厅|委员会))(人民政府|$)")
_COUNTY_DATA = ("大数据", "数据资源", "数据管理")

# Art 15: base catalogs clear from the title, where the provider is the base's lead department.
BASE_RULES = {
    "lzsgaj": ("population", ("人口", "户籍", "户口", "居民身份证")),
    "lzsscjdglj": ("legal_person", ("企业登记", "市场主体", "法人", "个体工商户", "企业注册")),
    "lzszrzyhghj": ("natural_resources", ("不动产", "土地", "地理", "测绘", "国土空间")),
    "lzsfzhggwyh": ("credit", ("信用",)),
}

# Homophone miswritings of the input method (one character of a word), as docs/search-quality.md
# lists them for the clerk set: 户藉, 身分证, 公基金, 婚姻登纪 ….
TYPOS = {"籍": "藉", "记": "纪", "缴": "交", "份": "分", "积": "基", "监": "坚", "营": "赢", "务": "物",
         "险": "显", "资": "姿", "项": "像", "建": "健", "筑": "住", "检": "捡", "测": "侧", "统": "桶"}
FILLERS = ("查询{q}信息", "{q}的数据", "{q}相关情况", "查一下{q}", "{q}有关资料")
QUERY_KINDS = {"short": 24, "filler": 12, "word": 12, "pinyin": 6, "typo": 6}


def _stable(text: str, n: int) -> int:
    return zlib.crc32(text.encode("utf-8")) % n


def map_format(value) -> str | None:
    """The format category of a portal's format value: the leading format number of a
    ``03,0310``-style code, else the first of its words that the import's mapping knows."""
    for v in value if isinstance(value, list) else [value]:
        m = re.match(r"^\s*(0[1-7])\s*,", str(v or ""))
        if m:
            return FORMAT_CODES[m.group(1)]
    return next(filter(None, (words.to_code("format_category", w) for w in format_words(value))), None)


class RealCatalog:
    """The real entries, in a fixed shuffled order, as ``corpus.Catalog`` gives generated ones."""

    def __init__(self, seed: int = SEED, path: Path = DATA, limit: int | None = None):
        self.seed = seed
        raw = read_entries(Path(path))
        order = list(range(len(raw)))
        random.Random(seed).shuffle(order)
        self.raw = [raw[k] for k in order]
        self.limit = min(limit or len(self.raw), len(self.raw))   # how many the run loads
        self.departments = corpus.departments()
        self.by_name = {d.name: d for d in self.departments}
        self.city = [d.name for d in self.departments if d.level == "city"]
        self.counties = [d.name for d in self.departments if d.level == "county" and "大数据" not in d.title]
        self.county_data = [d.name for d in self.departments if d.level == "county" and "大数据" in d.title]

    def __len__(self) -> int:
        return len(self.raw)

    def name(self, i: int, prefix: str = PREFIX) -> str:
        return f"{prefix}-{self.seed}-{i:05d}"

    # ------------------------------------------------------------------ mapping
    def department_for(self, real: str, title: str = "") -> tuple[str, str]:
        """(Liuzhou department name, how: bureau / county / hash / empty) for a real provider."""
        real = (real or "").strip()
        if not real:
            return self.city[_stable(title, len(self.city))], "empty"
        if _COUNTY.search(real):
            if any(w in real for w in _COUNTY_DATA) and self.county_data:
                return self.county_data[_stable(real, len(self.county_data))], "county"
            return self.counties[_stable(real, len(self.counties))], "county"
        for words, name in BUREAUS:
            if name in self.by_name and any(w in real for w in words):
                return name, "bureau"
        return self.city[_stable(real, len(self.city))], "hash"

    def _map(self, i: int, prefix: str, counts: collections.Counter | None) -> dict:
        e = self.raw[i]
        def miss(what: str) -> None:
            if counts is not None:
                counts[what] += 1

        title = _clean(e.get("title"))[:200] or f"未命名目录{i}"
        owner, how = self.department_for(e.get("department"), title)
        miss(f"department:{how}")
        items = _item_names(e.get("items"))
        if not items:
            miss("information_items:(none published)")
        cycle = words.to_code("update_cycle", e.get("update_cycle"))
        if cycle is None:
            miss(f"update_cycle:{(e.get('update_cycle') or '').strip() or '(empty)'}")
        fmt = map_format(e.get("format"))
        if fmt is None:
            miss("format:" + json.dumps(e.get("format"), ensure_ascii=False))
        word = re.sub(r"\s+", " ", str(e.get("open") or "")).strip()
        open_attr = words.to_code("open_attribute", word)
        if open_attr is None:
            miss(f"open:{word or '(empty)'}")
        open_attr = open_attr or "open"
        classification, subclass = "department", "department"
        base = BASE_RULES.get(owner)
        if base and any(w in title for w in base[1]):
            classification, subclass = "base", base[0]
        miss(f"classification:{classification}")
        data = {
            "name": self.name(i, prefix),
            "type": "catalog",
            "title": title,
            "notes": _clean(e.get("notes")) or title,
            "owner_org": owner,
            "classification": classification,
            "subclass": subclass,
            "format_category": fmt or "document",
            "information_items": [{"name": n, "data_type": "C", "length": 50}
                                  for n in items or [PLACEHOLDER_ITEM]],
            "sharing_type": "unconditional",
            "sharing_method": "platform",
            "open_attribute": open_attr,
            "update_cycle": cycle or "irregular",
            "tags": [],
            "resources": [],
        }
        if classification == "base":
            data["lead_department"] = owner
        if open_attr in OPEN_CONDITIONS:
            data["open_conditions"] = OPEN_CONDITIONS[open_attr].format(word=word)
        return data

    def entry(self, i: int, prefix: str = PREFIX) -> dict:
        """The i-th entry, as the project's ``package_create`` takes it (``corpus.to_stock``
        gives the stock side's)."""
        return self._map(i, prefix, None)

    def entries(self, start: int, stop: int, prefix: str = PREFIX):
        for i in range(start, stop):
            yield self.entry(i, prefix)

    def mapping(self, n: int | None = None) -> dict:
        """What did not map among the first ``n`` entries (default: the run's), by field and word."""
        counts: collections.Counter = collections.Counter()
        n = min(n or self.limit, len(self.raw))
        for i in range(n):
            self._map(i, PREFIX, counts)
        by_field: dict[str, dict] = collections.defaultdict(dict)
        for key, c in counts.most_common():
            fld, _, word = key.partition(":")
            by_field[fld][word] = c
        return {
            "entries": n,
            "department": by_field.pop("department", {}),
            "classification": by_field.pop("classification", {}),
            "unmapped": {f: {"total": sum(v.values()), "top": dict(list(v.items())[:15])}
                         for f, v in by_field.items()},
        }

    # ------------------------------------------------------------------ queries
    def titles(self) -> list[str]:
        return [_clean(self.raw[i].get("title")) for i in range(self.limit)]

    @cached_property
    def clerk_queries(self) -> list[dict]:
        """Queries a clerk types for entries of the loaded catalog, from their real titles:
        ``short`` two content words (as bench/known_item.py makes them), ``filler`` one or two
        with filler words around (查询…信息), ``word`` one content word, ``pinyin`` the full
        pinyin of a content word, ``typo`` a content word with an input-method homophone.
        [{"q", "kind", "title"}]; the same for the same seed and scale."""
        from pypinyin import lazy_pinyin

        rng = random.Random(f"{self.seed}:queries:{self.limit}")
        titles = self.titles()
        order = list(range(len(titles)))
        rng.shuffle(order)
        want = dict(QUERY_KINDS)
        out, seen = [], set()
        for i in order:
            if not any(want.values()):
                break
            words = [w for w, _ in content_words(titles[i])]
            if not words:
                continue
            kind = next(k for k in want if want[k])
            q = None
            if kind == "short":
                kq = query_for(titles[i], i, rng)
                q = kq.q if kq else None
            elif kind == "filler":
                q = rng.choice(FILLERS).format(q=rng.choice(words))
            elif kind == "word":
                q = rng.choice(words)
            elif kind == "pinyin":
                q = "".join(lazy_pinyin(rng.choice(words)))
            elif kind == "typo":
                typed = [w for w in words if any(c in TYPOS for c in w)]
                if typed:
                    w = rng.choice(typed)
                    c = next(c for c in w if c in TYPOS)
                    q = w.replace(c, TYPOS[c], 1)
            if q and q not in seen:
                seen.add(q)
                want[kind] -= 1
                out.append({"q": q, "kind": kind, "title": titles[i]})
        return out

    @property
    def search_queries(self) -> list[str]:
        """The query strings the search measurements rotate through (all kinds interleaved)."""
        by_kind: dict[str, list[str]] = collections.defaultdict(list)
        for q in self.clerk_queries:
            by_kind[q["kind"]].append(q["q"])
        out = []
        while any(by_kind.values()):
            for kind in QUERY_KINDS:
                if by_kind[kind]:
                    out.append(by_kind[kind].pop(0))
        return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.real_catalog", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=None, help="first N entries (default all)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--queries", action="store_true", help="also print the clerk queries")
    p.add_argument("--show", type=int, default=0, help="print the first K entries as loaded")
    args = p.parse_args(argv)
    cat = RealCatalog(args.seed, limit=args.n)
    for i in range(args.show):
        print(json.dumps(cat.entry(i), ensure_ascii=False))
    print(json.dumps(cat.mapping(), ensure_ascii=False, indent=1))
    if args.queries:
        for q in cat.clerk_queries:
            print(f"{q['kind']:<7} {q['q']:<24} ← {q['title']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
