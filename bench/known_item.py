"""Known-item search on real catalog text: can a clerk find an entry again by typing two words of
its title? Project vs stock CKAN in one run.

    python -m bench.known_item [-c test.ini] [--entries 3000] [--queries 400] [--seed 20261206]

1. Samples ``--entries`` entries (fixed seed) of ``/work/shared/data/real-catalog/entries.jsonl.gz``
   (entries with a title and a providing department; see that file's README).
2. Creates one harness department per distinct ``department`` title and loads the sample twice,
   under its own ``site_id`` (``known-item``) so nothing else in the cores is involved:
   project: ``catalog`` entries through ``package_create`` into the configured core, the
   portal's update cycle and format words mapped onto the catalog's codes (words that do not map
   are counted and reported; the entry gets ``irregular`` / ``document``; an entry published
   without information items gets one placeholder item, ``ID``, as the catalog requires one);
   stock: plain datasets (title, abstract, the information items as one extra) into the paired
   stock-schema core, as ``python -m bench.relevance`` does.
3. Builds known-item queries from the titles the way people type them (``build_queries``): two
   content words of the title (jieba; place names such as 江苏省 / 南京市 / 余杭区 and filler words
   such as 信息 / 数据 left out), joined without a space or with one, sometimes in swapped order,
   adjacent in the title or not. A query's known items are the entry it was made from and any
   loaded entry with the identical title.
4. Runs every query on both sides (project: the real ``package_search``, so the plugin's query
   handling applies, the relaxed fallback included when the search has one; stock: the query
   stock ``package_search`` hands to Solr) and reports success@10, MRR (over the first
   ``ROWS`` results; a known item further down counts 0) and the share of queries that return
   nothing, overall and split adjacent / non-adjacent; prints a table and writes JSON to
   ``bench/results/``.
5. Purges every package, department and Solr document it created (``--keep`` leaves them).

Run it with the test configuration and the environment ``scripts/test.sh`` exports (it writes
to that database): see docs/search-quality.md. Loading 3,000 entries per side through
``package_create`` takes minutes (figures in the docs).
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import gzip
import json
import logging
import os
import random
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

REPO = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data/real-catalog/entries.jsonl.gz")
RESULTS = REPO / "bench" / "results"
SEED = 20261206
SITE_ID = "known-item"
PROJECT_PREFIX = "ki-"
STOCK_PREFIX = "ki-stock-"
DEPARTMENT_PREFIX = "ki-dept-"
ROWS = 100
TOP = 10

# --------------------------------------------------------------------------- query building
# Words a clerk leaves out or that say nothing about the entry (the lead's filler list and
# the function words jieba keeps as tokens).
FILLER = frozenset("""
信息 数据 情况 查询 的 和 与 及 或 等 之 其 各 类 项 表 有关 相关 关于 全市 全省 全区 全县 本市 我市
本省 本区 数据集 资料 目录 列表 一览表 汇总 明细 清单 基本 基础 其他 其它 相关联 有关的 市级 省级
区级 县级 一览 统计表 信息表 数据表 开放 可开放 公示 公告 通知 关于 印发 人民 年度
""".split())
# Names of departments inside titles (吴中区统计局-…, _可开放 suffixes): the provider, not the
# content; a clerk searching by department is another kind of query.
_DEPARTMENT_WORD = re.compile(r"^[\u4e00-\u9fff]+(局|厅|委员会|办公室|委|办)$")
# Place-name suffixes: a token of three or more characters ending so is a place (南京市, 余杭区,
# 拉堡镇); shorter ones (城市, 小区, 社区) are ordinary words.
_PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{2,}(省|市|区|县|州|盟|旗|镇|乡|街道|自治区|自治州|自治县|新区)$")
# Place names jieba may not tag as such, as the titles of the four portals use them.
PLACES = frozenset("""
江苏 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 宜兴 常熟 张家港 太仓
浙江 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 余杭 萧山 上城 拱墅 西湖 滨江 临平 钱塘 富阳
临安 桐庐 淳安 建德 义乌 海南 海口 三亚 儋州 三沙 琼海 文昌 万宁 上海 浦东 黄浦 徐汇 长宁 静安 普陀 虹口
杨浦 闵行 宝山 嘉定 金山 松江 青浦 奉贤 崇明 柳州 广西 全国 中国 我省 本省
""".split())
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def is_place(word: str, flag: str = "") -> bool:
    return word in PLACES or bool(_PLACE_SUFFIX.match(word)) or flag in ("ns", "nsf")


def content_words(title: str) -> list[tuple[str, int]]:
    """(word, start offset in the title) of the title's content words, in order: Chinese words
    of two or more characters that are neither place names nor filler."""
    import jieba.posseg as pseg

    words, pos = [], 0
    for token in pseg.lcut(title):
        w, flag = token.word, token.flag
        start = title.find(w, pos)
        pos = start + len(w) if start >= 0 else pos
        if (_CJK_WORD.match(w) and w not in FILLER and not is_place(w, flag)
                and not (len(w) >= 3 and _DEPARTMENT_WORD.match(w))):
            words.append((w, start))
    return words


@dataclass(frozen=True)
class KnownItemQuery:
    q: str
    title: str          # the title it was made from
    index: int          # the entry's position in the sample
    adjacent: bool      # the two words touch in the title (in either order of the query)
    swapped: bool       # typed in the order opposite to the title's
    spaced: bool        # joined with a space


def query_for(title: str, index: int, rng: random.Random) -> KnownItemQuery | None:
    """One query made from the title (None when it has fewer than two content words)."""
    words = content_words(title)
    seen, unique = set(), []
    for w, start in words:
        if w not in seen:
            seen.add(w)
            unique.append((w, start))
    if len(unique) < 2:
        return None
    pairs = [(a, b) for i, a in enumerate(unique) for b in unique[i + 1:]]
    adjacent = [p for p in pairs if p[0][1] + len(p[0][0]) == p[1][1]]
    apart = [p for p in pairs if p not in adjacent]
    # half the queries from words that are apart in the title when the title has such a pair
    pool = apart if apart and (not adjacent or rng.random() < 0.5) else adjacent or apart
    (w1, _), (w2, _) = pool[rng.randrange(len(pool))]
    swapped = rng.random() < 0.25
    spaced = rng.random() < 0.5
    first, second = (w2, w1) if swapped else (w1, w2)
    return KnownItemQuery(first + (" " if spaced else "") + second, title, index,
                          (w1, w2) in {(a[0], b[0]) for a, b in adjacent}, swapped, spaced)


def build_queries(titles: list[str], n: int, seed: int = SEED) -> list[KnownItemQuery]:
    """Up to ``n`` known-item queries from distinct titles, the same for the same seed; no
    query string twice."""
    rng = random.Random(seed)
    order = list(range(len(titles)))
    rng.shuffle(order)
    queries, seen_q, seen_title = [], set(), set()
    for i in order:
        if len(queries) >= n:
            break
        if titles[i] in seen_title:
            continue
        kq = query_for(titles[i], i, rng)
        if kq is None or kq.q in seen_q:
            continue
        seen_title.add(titles[i])
        seen_q.add(kq.q)
        queries.append(kq)
    return queries


# --------------------------------------------------------------------------- the sample
def read_entries(path: Path = DATA) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def sample(entries: list[dict], n: int, seed: int = SEED) -> list[dict]:
    usable = [e for e in entries if (e.get("title") or "").strip() and (e.get("department") or "").strip()]
    return random.Random(seed).sample(usable, min(n, len(usable)))


# The portals' update-cycle words (README: values differ in wording per portal).
CYCLES = {
    "实时": "realtime", "即时": "realtime", "分钟级": "realtime", "小时级": "realtime",
    "每日": "daily", "每天": "daily", "日": "daily",
    "每周": "weekly", "周": "weekly", "每半月": "weekly",
    "每月": "monthly", "月": "monthly",
    "每季度": "quarterly", "季度": "quarterly",
    "每半年": "half_yearly", "半年": "half_yearly",
    "每年": "yearly", "年": "yearly",
    "不定期": "irregular", "不定时": "irregular", "不定期更新": "irregular",
}
# Format words (and the leading part of the portals' 03,0310-style codes: 01 electronic
# document … 07 service interface) onto format_category.
FORMAT_CODES = {"01": "document", "02": "spreadsheet", "03": "database", "04": "image",
                "05": "media", "06": "self_describing", "07": "api"}
FORMATS = {
    "电子文件": "document", "docx": "document", "doc": "document", "pdf": "document", "txt": "document",
    "wps": "document", "ofd": "document", "file": "document", "rar": "document", "zip": "document",
    "电子表格": "spreadsheet", "xlsx": "spreadsheet", "xls": "spreadsheet", "excel": "spreadsheet",
    "excl": "spreadsheet", "et": "spreadsheet", "csv": "spreadsheet",
    "数据库": "database", "mysql": "database", "oracle": "database", "sqlserver": "database",
    "table": "database", "impala": "database", "greenplum": "database", "mongodb": "database",
    "db2": "database",
    "图形图像": "image", "jpg": "image", "png": "image",
    "流媒体": "media",
    "自描述格式": "self_describing", "json": "self_describing", "xml": "self_describing",
    "rdf": "self_describing",
    "服务接口": "api", "api": "api", "接口": "api",
}
_NOTE = re.compile(r"[(（].*$")
# A catalog entry needs at least one information item; most portals published none. Such an
# entry gets this one (Latin, so that no Chinese query can match it), counted as unmapped.
PLACEHOLDER_ITEM = "ID"


def map_cycle(word: str | None) -> str | None:
    """The catalog code of a portal's update-cycle word (an explanation in brackets dropped),
    None when it does not map (不更新, 静态数据, 其他, empty)."""
    w = _NOTE.sub("", (word or "").strip())
    return CYCLES.get(w)


def format_words(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    words = []
    for v in value or []:
        for part in re.split(r"[;；,，/:：\-]", str(v)):
            if part.strip():
                words.append(part.strip())
    return words


def map_format(value) -> str | None:
    """The first of an entry's format words that maps onto format_category, or None."""
    raw = value if isinstance(value, list) else [value]
    for v in raw:  # the 03,0310 codes: the first part names the category
        m = re.match(r"^\s*(0[1-7])\s*,", str(v or ""))
        if m:
            return FORMAT_CODES[m.group(1)]
    for w in format_words(value):
        code = FORMATS.get(w.lower()) or FORMATS.get(w)
        if code:
            return code
    return None


def _clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text or "")
    return re.sub(r"\s+", " ", text).strip()


def _item_names(items: Iterable[str]) -> list[str]:
    seen, names = set(), []
    for name in items or []:
        name = _clean(str(name))[:100]
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names[:200]


def project_package(i: int, e: dict, owner: str, unmapped: collections.Counter) -> dict:
    if not _item_names(e.get("items")):
        unmapped["information_items:(none published)"] += 1
    cycle = map_cycle(e.get("update_cycle"))
    if cycle is None:
        unmapped[f"update_cycle:{(e.get('update_cycle') or '').strip() or '(empty)'}"] += 1
    fmt = map_format(e.get("format"))
    if fmt is None:
        unmapped[f"format:{json.dumps(e.get('format'), ensure_ascii=False)}"] += 1
    title = _clean(e["title"])
    return {
        "type": "catalog",
        "name": f"{PROJECT_PREFIX}{i}",
        "title": title,
        "notes": _clean(e.get("notes")) or title,
        "owner_org": owner,
        "classification": "department",
        "subclass": "department",
        "format_category": fmt or "document",
        "sharing_type": "unconditional",
        "sharing_method": "platform",
        "open_attribute": "open",
        "update_cycle": cycle or "irregular",
        "information_items": [{"name": n, "data_type": "C", "length": 50}
                              for n in _item_names(e.get("items")) or [PLACEHOLDER_ITEM]],
    }


def stock_package(i: int, e: dict, owner: str) -> dict:
    title = _clean(e["title"])
    items = [{"name": n} for n in _item_names(e.get("items"))]
    return {
        "type": "dataset",
        "name": f"{STOCK_PREFIX}{i}",
        "title": title,
        "notes": _clean(e.get("notes")) or title,
        "owner_org": owner,
        "extras": [{"key": "information_items", "value": json.dumps(items, ensure_ascii=False)}],
    }


# --------------------------------------------------------------------------- metrics
@dataclass
class Outcome:
    q: str
    adjacent: bool
    rank: int | None        # 1-based rank of the first known item within ROWS, else None
    count: int              # how many entries the search matched
    relaxed: bool = False

    @property
    def success(self) -> bool:
        return self.rank is not None and self.rank <= TOP

    @property
    def rr(self) -> float:
        return 1.0 / self.rank if self.rank else 0.0


def summarise(outcomes: list[Outcome]) -> dict:
    n = len(outcomes) or 1
    return {
        "queries": len(outcomes),
        "success_at_10": sum(o.success for o in outcomes) / n,
        "mrr": sum(o.rr for o in outcomes) / n,
        "zero_result": sum(o.count == 0 for o in outcomes) / n,
        "relaxed": sum(o.relaxed for o in outcomes),
    }


def split(outcomes: list[Outcome]) -> dict:
    return {
        "all": summarise(outcomes),
        "adjacent": summarise([o for o in outcomes if o.adjacent]),
        "non_adjacent": summarise([o for o in outcomes if not o.adjacent]),
    }


def format_table(result: dict) -> str:
    sides = list(result["sides"])
    lines = [f"{'':28}" + "".join(f"{s:>12}" for s in sides)]
    for part in ("all", "adjacent", "non_adjacent"):
        n = result["sides"][sides[0]][part]["queries"]
        lines.append(f"{part} ({n} queries)")
        for key, label in (("success_at_10", "success@10"), ("mrr", "MRR"),
                           ("zero_result", "zero results"), ("relaxed", "answered relaxed")):
            cells = []
            for s in sides:
                v = result["sides"][s][part][key]
                cells.append(f"{v:>12}" if key == "relaxed" else f"{100 * v:11.1f}%" if key != "mrr"
                             else f"{v:12.3f}")
            lines.append(f"  {label:26}" + "".join(cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the run
def _log(msg: str) -> None:
    print(f"[{dt.datetime.now(dt.timezone.utc):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _site_and_commit() -> Iterable[None]:
    """Index under the bench's own site_id; no Solr commit per package (one at the end)."""
    import ckan.plugins.toolkit as tk

    saved = tk.config.get("ckan.site_id"), tk.config.get("ckan.search.solr_commit")
    tk.config["ckan.site_id"] = SITE_ID
    tk.config["ckan.search.solr_commit"] = False
    try:
        yield
    finally:
        tk.config["ckan.site_id"], tk.config["ckan.search.solr_commit"] = saved


def _department_names(titles: list[str]) -> dict[str, str]:
    return {t: f"{DEPARTMENT_PREFIX}{i}" for i, t in enumerate(sorted(set(titles)))}


def _create_departments(names: dict[str, str]) -> None:
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.liuzhou.catalog import credit_code
    from bench.relevance import _context

    for title, name in names.items():
        if model.Group.get(name) is None:
            tk.get_action("organization_create")(_context(), {
                "name": name, "title": title, "level": "city", "division_code": "450200",
                "credit_code": credit_code.make_sample("450200", name), "credit_code_sample": True,
            })


def _load(packages: list[tuple[int, dict]], label: str,
          resume: bool = False) -> tuple[set[int], list[str], float]:
    """package_create each; the indexes that made it, the first errors, seconds taken."""
    import ckan.plugins.toolkit as tk
    from bench.relevance import _context

    import ckan.model as model

    ok, errors, t0 = set(), [], time.perf_counter()
    ctx = _context()
    for n, (i, data) in enumerate(packages, 1):
        if resume and model.Package.get(data["name"]) is not None:
            ok.add(i)  # loaded by the interrupted run
            continue
        try:
            tk.get_action("package_create")(dict(ctx), data)
            ok.add(i)
        except tk.ValidationError as e:
            if len(errors) < 20:
                errors.append(f"{data['title']}: {e.error_dict}")
        if n % 500 == 0:
            _log(f"{label}: {n}/{len(packages)} created ({n / (time.perf_counter() - t0):.1f}/s)")
    return ok, errors, time.perf_counter() - t0


def _commit(core_url: str) -> None:
    from ckan.lib.search.common import make_connection
    from bench.relevance import solr_core

    with solr_core(core_url):
        make_connection().commit()


def _reader_context() -> dict:
    """A signed-in user's context (the site user, a sysadmin), auth checked: the search gives
    its relaxed fallback and suggestions to a signed-in user, not to an ignore_auth call."""
    import ckan.model as model
    from bench.relevance import _context

    user = _context()["user"]
    return {"user": user, "auth_user_obj": model.User.get(user)}


def _search_project(kq: KnownItemQuery, known: set[str], context: dict) -> Outcome:
    import ckan.plugins.toolkit as tk

    res = tk.get_action("package_search")(dict(context), {"q": kq.q, "rows": ROWS, "fl": "name"})
    names = [r["name"] for r in res["results"]]
    rank = next((k for k, n in enumerate(names, 1) if n in known), None)
    return Outcome(kq.q, kq.adjacent, rank, res["count"], bool(res.get("relaxed")))


def _search_stock(kq: KnownItemQuery, known: set[str]) -> Outcome:
    from ckan.lib.search.query import PackageSearchQuery
    from bench.relevance import stock_query

    query = PackageSearchQuery()
    query.run(stock_query(kq.q, rows=ROWS), permission_labels=None)
    names = list(query.results)
    rank = next((k for k, n in enumerate(names, 1) if n in known), None)
    return Outcome(kq.q, kq.adjacent, rank, query.count)


def cleanup(core_url: str, stock_core_url: str | None) -> int:
    """Purge the bench's packages, departments and documents; how many packages."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.lib.search.common import make_connection
    from bench.relevance import _context, _quiet, solr_core

    ctx = _context()
    pkgs = [(i, n) for (i, n) in model.Session.query(model.Package.id, model.Package.name)
            .filter(model.Package.name.like(PROJECT_PREFIX + "%"))]
    orgs = [g for g in model.Session.query(model.Group)
            .filter(model.Group.name.like(DEPARTMENT_PREFIX + "%"), model.Group.is_organization.is_(True))]
    with _site_and_commit(), _quiet("ckan.model.modification"), _quiet("ckan.lib.search"):
        for pid, _ in pkgs:
            tk.get_action("dataset_purge")(dict(ctx), {"id": pid})
        try:
            from ckanext.activity.model import Activity
        except ImportError:
            Activity = None
        ids = [p for p, _ in pkgs] + [g.id for g in orgs]
        if Activity is not None and ids:
            for k in range(0, len(ids), 1000):
                model.Session.query(Activity).filter(Activity.object_id.in_(ids[k:k + 1000])).delete(
                    synchronize_session=False)
            model.repo.commit()
        for g in orgs:
            tk.get_action("organization_purge")(dict(ctx), {"id": g.id})
    for url in filter(None, (core_url, stock_core_url)):
        with solr_core(url):
            make_connection().delete(q=f'site_id:"{SITE_ID}"', commit=True)
    return len(pkgs)


def run(args: argparse.Namespace) -> dict:
    import ckan.plugins.toolkit as tk
    from bench.relevance import paired_stock_core, solr_core

    core_url = args.core_url or tk.config["solr_url"]
    stock_core_url = args.stock_core_url or paired_stock_core(core_url)
    t_start = time.perf_counter()
    purged = 0 if args.resume else cleanup(core_url, stock_core_url)  # what an interrupted run left
    if purged:
        _log(f"purged {purged} packages an earlier run left")
    entries = sample(read_entries(Path(args.data)), args.entries, args.seed)
    depts = _department_names([e["department"].strip() for e in entries])
    unmapped: collections.Counter = collections.Counter()
    timings = {}
    try:
        with _site_and_commit():
            t0 = time.perf_counter()
            _create_departments(depts)
            timings["departments_s"] = time.perf_counter() - t0
            _log(f"{len(depts)} departments in {timings['departments_s']:.0f} s")
            project = [(i, project_package(i, e, depts[e["department"].strip()], unmapped))
                       for i, e in enumerate(entries)]
            with solr_core(core_url):
                loaded, errors, timings["load_project_s"] = _load(project, "project", args.resume)
            _commit(core_url)
            _log(f"project: {len(loaded)} entries in {timings['load_project_s']:.0f} s, "
                 f"{len(entries) - len(loaded)} refused")
            # the stock side holds exactly what the project accepted
            stock_loaded, stock_errors = loaded, []
            if "stock" in args.sides:
                stock = [(i, stock_package(i, e, depts[e["department"].strip()]))
                         for i, e in enumerate(entries) if i in loaded]
                with solr_core(stock_core_url):
                    stock_loaded, stock_errors, timings["load_stock_s"] = _load(stock, "stock", args.resume)
                _commit(stock_core_url)
                _log(f"stock: {len(stock_loaded)} entries in {timings['load_stock_s']:.0f} s")
            both = sorted(loaded & stock_loaded)
            titles = [_clean(entries[i]["title"]) for i in both]
            queries = build_queries(titles, args.queries, args.seed)
            by_title = collections.defaultdict(set)
            for i in both:
                by_title[_clean(entries[i]["title"])].add(i)
            t0 = time.perf_counter()
            outcomes = {side: [] for side in args.sides}
            if "project" in args.sides:
                with solr_core(core_url):
                    reader = _reader_context()
                    for kq in queries:
                        known = {f"{PROJECT_PREFIX}{i}" for i in by_title[kq.title]}
                        outcomes["project"].append(_search_project(kq, known, reader))
            if "stock" in args.sides:
                with solr_core(stock_core_url):
                    for kq in queries:
                        known = {f"{STOCK_PREFIX}{i}" for i in by_title[kq.title]}
                        outcomes["stock"].append(_search_stock(kq, known))
            timings["queries_s"] = time.perf_counter() - t0
        result = _result(args, entries, depts, loaded, stock_loaded, errors, stock_errors, unmapped,
                         queries, timings, outcomes, t_start)
        _write(args, result)  # the figures, before the purge (which takes minutes)
    finally:
        if not args.keep:
            t0 = time.perf_counter()
            cleanup(core_url, stock_core_url)
            timings["purge_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - t_start
    result["timings_s"] = {k: round(v, 1) for k, v in timings.items()}
    return result


def _result(args, entries, depts, loaded, stock_loaded, errors, stock_errors, unmapped, queries,
            timings, outcomes, t_start) -> dict:
    timings["total_s"] = time.perf_counter() - t_start
    return {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": _git_head(),
        "data": str(args.data),
        "seed": args.seed,
        "sampled": len(entries),
        "departments": len(depts),
        "loaded": {"project": len(loaded), "stock": len(stock_loaded) if "stock" in args.sides else 0},
        "refused": {"project": errors, "stock": stock_errors},
        "unmapped": dict(unmapped.most_common()),
        "queries": len(queries),
        "adjacent": sum(q.adjacent for q in queries),
        "swapped": sum(q.swapped for q in queries),
        "spaced": sum(q.spaced for q in queries),
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "sides": {side: split(o) for side, o in outcomes.items()},
        "per_query": [dict(asdict(kq), **{side: asdict(o[k]) for side, o in outcomes.items()})
                      for k, kq in enumerate(queries)],
    }


def _out_path(args) -> Path:
    return Path(args.out or RESULTS / f"{dt.date.today():%Y-%m-%d}-known-item-{args.entries}.json")


def _write(args, result: dict) -> None:
    out = _out_path(args)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


def _git_head() -> str:
    import subprocess

    try:
        return subprocess.check_output(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                       text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.known_item", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-c", "--config", default=os.environ.get("CKAN_INI", str(REPO / "test.ini")),
                   help="CKAN config (default: test.ini; it writes to that database)")
    p.add_argument("--entries", type=int, default=3000, help="entries sampled (default 3000)")
    p.add_argument("--queries", type=int, default=400, help="known-item queries (default 400)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--core-url", help="project core (default: the configured solr_url)")
    p.add_argument("--stock-core-url", help="stock-schema core (default: its pair, ckan_test → ckan_stock_test)")
    p.add_argument("--out", help="JSON file (default: bench/results/<date>-known-item-<entries>.json)")
    p.add_argument("--sides", default="project,stock",
                   help="project,stock (default) or one of them; the stock side is the same before "
                        "and after a change of the project's search")
    p.add_argument("--keep", action="store_true", help="leave the packages and documents in place")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run of the same code and arguments: keep the "
                        "entries it loaded (load times then cover only the rest)")
    args = p.parse_args(argv)
    args.sides = [s for s in args.sides.split(",") if s]
    if not args.sides or set(args.sides) - {"project", "stock"}:
        p.error("--sides: project, stock or both")
    if args.entries < 1 or args.queries < 1:
        p.error("--entries and --queries must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse(argv)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    logging.getLogger("jieba").setLevel(logging.WARNING)
    app = make_app(load_config(args.config))
    with app._wsgi_app.test_request_context():
        result = run(args)
    _write(args, result)
    out = _out_path(args)
    print(f"{result['sampled']} entries sampled (seed {result['seed']}), {result['departments']} departments, "
          f"loaded project {result['loaded']['project']} / stock {result['loaded']['stock']}; "
          f"{result['queries']} queries ({result['adjacent']} adjacent, {result['swapped']} swapped, "
          f"{result['spaced']} with a space); top {TOP}, ranks over {ROWS} rows")
    print(format_table(result))
    if result["unmapped"]:
        print("unmapped portal words (entries): " + ", ".join(
            f"{k} ({v})" for k, v in list(result["unmapped"].items())[:15]))
    print(f"timings (s): {result['timings_s']}")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
