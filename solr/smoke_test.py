#!/usr/bin/env python3
"""Smoke test of a running Solr from scripts/solr.sh, the way CKAN 2.11 talks to it.

Indexes a few CKAN-shaped dataset documents (the fields ckan/lib/search/index.py sends)
into a liuzhou-schema core and a stock-schema core, then runs CKAN's own query shapes:

  * CKAN's default: defType=dismax, qf="name^4 title^4 tags^2 groups^2 text",
    mm="2<-1 5<80%", tie=0.1, q.op=AND, fq site_id/state (ckan/lib/search/query.py)
  * edismax with qf="title text"
  * the project's text query: what ckanext/liuzhou/catalog/search.py's before_dataset_search
    makes of it (edismax, its TEXT_QF, CKAN's q.op=AND: every bigram of a word must match)

and checks that Chinese (and mixed Chinese/Latin: GDP, PM2.5) queries find the right
datasets on the liuzhou core, and that the stock CKAN schema does not find the Chinese
title by one of its words. Also checks what CKAN reads at startup (schema name) and
that extras_* still round-trip.

The expectations are those of the default `bigram` chain; with SOLR_ZH_CHAIN=smartcn or
icu some checks fail on purpose (word segmentation keeps 柳州市 whole, so 柳州 alone does
not match), which makes this a first comparison of the chains.

stdlib only. The documents use their own site_id and are deleted afterwards.

  python3 solr/smoke_test.py [--base-url http://127.0.0.1:8984/solr]
                             [--liuzhou-core ckan_test] [--stock-core ckan_stock_test]

Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

CKAN_QF = "name^4 title^4 tags^2 groups^2 text"  # ckan.lib.search.query.QUERY_FIELDS


def project_qf() -> str:
    """TEXT_QF of ckanext/liuzhou/catalog/search.py (read from the source: stdlib only)."""
    src = (Path(__file__).resolve().parents[1] / "ckanext" / "liuzhou" / "catalog" / "search.py")
    m = re.search(r'^TEXT_QF = "([^"]+)"', src.read_text("utf-8"), re.M)
    if not m:
        raise SystemExit(f"smoke_test: no TEXT_QF in {src}")
    return m.group(1)
SITE_ID = "liuzhou-smoke-test"

TITLE_POP = "柳州市常住人口基础信息"
TITLE_PM = "柳州市PM2.5空气质量监测日报"
TITLE_GDP = "柳州市GDP季度统计（2024年）"
TITLE_BUS = "柳州市公交线路站点信息"
TITLE_EN = "Liuzhou Population Census"

DATASETS = [
    # title, notes, tags, [(res_name, res_description)], extras
    (TITLE_POP, "全市各区县常住人口、户籍人口统计。", ["统计", "民生"],
     [("分区县常住人口表", "按年度汇总")], {"source": "柳州市统计局"}),
    (TITLE_PM, "各监测站点PM2.5、PM10小时浓度的日汇总。", ["环境"],
     [("监测站点日报", "每日更新")], {"source": "柳州市生态环境局"}),
    (TITLE_GDP, "地区生产总值（GDP）及其增速，按季度发布。", ["经济"], [], {}),
    (TITLE_BUS, "公交车站点位置与线路走向。", ["交通"], [("站点坐标", "WGS84")], {}),
    (TITLE_EN, "English description of the census data.", ["population"], [], {}),
]


def ckan_doc(i: int, title, notes, tags, resources, extras) -> dict:
    """A document shaped like ckan.lib.search.index.PackageSearchIndex.index_package's."""
    pkg_id = str(uuid.UUID(int=i + 1))
    name = f"smoke-dataset-{i}"
    doc = {
        "id": pkg_id,
        "index_id": hashlib.md5(f"{SITE_ID}{pkg_id}".encode()).hexdigest(),
        "site_id": SITE_ID,
        "name": name,
        "title": title,
        "title_string": title,
        "notes": notes,
        "text": [],
        "entity_type": "package",
        "dataset_type": "dataset",
        "capacity": "public",
        "state": "active",
        "private": False,
        "tags": tags,
        "groups": [],
        "organization": "liuzhou-stats",
        "license_id": "cc-by",
        "res_name": [r[0] for r in resources],
        "res_description": [r[1] for r in resources],
        "res_format": ["CSV" for _ in resources],
        "res_url": [f"http://data.example/{name}/{k}.csv" for k, _ in enumerate(resources)],
        "res_type": [],
        "url": "",
        "permission_labels": ["public"],
        "metadata_created": "2025-01-01T00:00:00Z",
        "metadata_modified": "2025-06-01T08:30:00Z",
        "data_dict": json.dumps({"id": pkg_id, "name": name, "title": title}, ensure_ascii=False),
        "validated_data_dict": json.dumps({"id": pkg_id, "name": name}, ensure_ascii=False),
    }
    for k, v in extras.items():
        doc[f"extras_{k}"] = v
    return doc


class Solr:
    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def _open(self, req) -> dict:
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")[:500]
            raise RuntimeError(f"HTTP {e.code} from {req.full_url}: {body}") from None

    def get(self, path: str, **params) -> dict:
        params.setdefault("wt", "json")
        url = f"{self.base}/{path}?{urllib.parse.urlencode(params, doseq=True)}"
        return self._open(url)

    def get_text(self, path: str, **params) -> str:
        url = f"{self.base}/{path}?{urllib.parse.urlencode(params, doseq=True)}"
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8")

    def post(self, path: str, body) -> dict:
        req = urllib.request.Request(
            f"{self.base}/{path}", data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json"})
        return self._open(req)

    def search(self, core: str, q: str, **overrides) -> list[str]:
        """CKAN's package_search parameters for a free-text q (query.py), titles back."""
        params = {"q": q, "defType": "dismax", "qf": CKAN_QF, "mm": "2<-1 5<80%", "tie": "0.1",
                  "q.op": "AND", "df": "text", "fl": "title,score", "rows": 20,
                  "fq": [f"+site_id:{SITE_ID}", "+state:active"],
                  "sort": "score desc, metadata_modified desc"}
        params.update(overrides)
        return [d["title"] for d in self.get(f"{core}/select", **params)["response"]["docs"]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    port = os.environ.get("SOLR_PORT", "8984")
    ap.add_argument("--base-url", default=f"http://127.0.0.1:{port}/solr")
    ap.add_argument("--liuzhou-core", default="ckan_test")
    ap.add_argument("--stock-core", default="ckan_stock_test")
    args = ap.parse_args()
    solr, lz, st = Solr(args.base_url), args.liuzhou_core, args.stock_core

    results = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name}{'  -- ' + detail if detail else ''}")

    docs = [ckan_doc(i, *d) for i, d in enumerate(DATASETS)]
    try:
        for core in (lz, st):
            solr.post(f"{core}/update?commit=true&wt=json", {"delete": {"query": f"site_id:{SITE_ID}"}})
            r = solr.post(f"{core}/update?commit=true&wt=json", docs)
            check(f"{core}: index {len(docs)} CKAN documents with commit=true",
                  r["responseHeader"]["status"] == 0)

        # What CKAN reads when it starts (lib/search/__init__.py check_solr_schema_version)
        for core in (lz, st):
            xml = solr.get_text(f"{core}/schema", wt="schema.xml")
            check(f"{core}: /schema?wt=schema.xml names the schema ckan-2.11",
                  'name="ckan-2.11"' in xml)

        def finds(core, q, title, **kw):
            got = solr.search(core, q, **kw)
            return title in got, got

        def first(core, q, title, **kw):
            got = solr.search(core, q, **kw)
            return bool(got) and got[0] == title, got

        edismax = {"defType": "edismax", "qf": "title text"}
        project = {"defType": "edismax", "qf": project_qf()}
        cases = [
            # (description, function, core, q, title, overrides, expected)
            ("人口 finds the population title (CKAN dismax)", finds, lz, "人口", TITLE_POP, {}, True),
            ("人口 finds the population title (edismax qf=title text)", finds, lz, "人口", TITLE_POP, edismax, True),
            ("stock schema does NOT find it by 人口 (CKAN dismax)", finds, st, "人口", TITLE_POP, {}, False),
            ("stock schema does NOT find it by 人口 (edismax)", finds, st, "人口", TITLE_POP, edismax, False),
            ("常住人口 ranks the population title first", first, lz, "常住人口", TITLE_POP, {}, True),
            ("GDP finds the GDP title", first, lz, "GDP", TITLE_GDP, {}, True),
            ("gdp (lower case) finds it too", first, lz, "gdp", TITLE_GDP, {}, True),
            ("full-width ＧＤＰ finds it too", first, lz, "ＧＤＰ", TITLE_GDP, {}, True),
            ("柳州 GDP (two words, mm) finds it", first, lz, "柳州 GDP", TITLE_GDP, {}, True),
            ("PM2.5 finds the air quality title", first, lz, "PM2.5", TITLE_PM, {}, True),
            ("PM2.5 (edismax) finds it", first, lz, "PM2.5", TITLE_PM, edismax, True),
            ("空气质量 finds the air quality title", first, lz, "空气质量", TITLE_PM, {}, True),
            ("res_description text is searchable: 每日更新", first, lz, "每日更新", TITLE_PM, {}, True),
            ("English still works on liuzhou: population", first, lz, "population", TITLE_EN, {}, True),
            ("English still works on stock: population", first, st, "population", TITLE_EN, {}, True),
            ("人口 finds the population title (project query)", finds, lz, "人口", TITLE_POP, project, True),
            ("PM2.5 finds the air quality title (project query)", first, lz, "PM2.5", TITLE_PM, project, True),
        ]
        for desc, fn, core, q, title, kw, expected in cases:
            ok, got = fn(core, q, title, **kw)
            check(f"{core}: {desc}", ok == expected, f"got {got}")

        # precision: dismax ORs the bigrams of 站点信息 (站点|点信|信息: every title with 信息),
        # the project's query needs all of them
        got = solr.search(lz, "站点信息", **project)
        check(f"{lz}: 站点信息 (project query) finds only the bus stops title", got == [TITLE_BUS],
              f"got {got}")
        got = solr.search(lz, "站点信息")
        check(f"{lz}: 站点信息 (CKAN dismax) also finds other titles with 信息",
              TITLE_BUS in got and len(got) > 1, f"got {got}")

        # fielded queries (CKAN passes q with ':' to the lucene parser, q.op=AND)
        got = [d["title"] for d in solr.get(
            f"{lz}/select", q="notes:浓度 AND res_name:监测", fq=f"+site_id:{SITE_ID}",
            **{"q.op": "AND"}, fl="title")["response"]["docs"]]
        check(f"{lz}: fielded notes:浓度 AND res_name:监测", got == [TITLE_PM], f"got {got}")

        # extras_* keep CKAN's definition: stored, and exact value still matches
        for core in (lz, st):
            r = solr.get(f"{core}/select", q='extras_source:"柳州市统计局"',
                         fq=f"+site_id:{SITE_ID}", fl="title,extras_source")["response"]["docs"]
            check(f"{core}: extras_source stored and queryable",
                  [(d["title"], d.get("extras_source")) for d in r] == [(TITLE_POP, "柳州市统计局")],
                  f"got {r}")
    except (RuntimeError, urllib.error.URLError, OSError) as e:
        check("talk to Solr", False, str(e))
    finally:
        for core in (lz, st):
            try:
                solr.post(f"{core}/update?commit=true&wt=json",
                          {"delete": {"query": f"site_id:{SITE_ID}"}})
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
