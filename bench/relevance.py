"""Relevance of catalog search in Chinese: the project's schema and hooks against stock CKAN.

The test set (``tests/search/relevance_cases.json``) holds entries (title, abstract, keywords,
information items, optionally the ``provider`` department's key), harness departments (key,
title, level, optional parent key and division code) and queries, each with the keys of its
``relevant`` entries, the ``must_not`` near misses it must not return, a ``kind`` (two-character
word inside a title, word only in information items, mixed Chinese/Latin, full-width input, …)
and a ``set``: ``base`` (the first set, the default) or ``clerk`` (queries as clerks type them:
filler words, non-adjacent words, department names and short names, abbreviations, pinyin and
initials, miswritings, traditional characters, spaces and full-width punctuation; see
docs/search-quality.md).

Three setups are measured the same way (two Solr cores):

project
    every entry created through the real ``package_create`` action as a ``catalog`` entry, so
    scheming's validation and the plugin's ``before_dataset_index`` (information item names,
    provider level and ancestors) shape the document; queried through the real
    ``package_search`` action, so the plugin's ``before_dataset_search`` applies.
schema only
    the project's core queried as stock CKAN queries (below): what the schema alone brings.
stock
    the same entries as stock CKAN would keep them: plain ``dataset`` packages (title, notes,
    tags) with the information items as one extra holding their JSON (an unknown field in
    stock CKAN is an extra), indexed by CKAN's own indexer into a core with CKAN's unchanged
    schema; queried with exactly the parameters stock ``package_search`` hands to
    ``PackageSearchQuery`` (no plugin hook), i.e. CKAN's dismax defaults.

A query's result is everything it matches (``rows`` = 1000, as a user paging through the
whole list sees it): on the project, what ``package_search`` answers, i.e. the strict result or,
when the search fell back to partial matches, the relaxed one (``relaxed: true`` in its result,
counted per kind). Per query: precision = relevant returned / returned (0 when nothing is
returned, as trec_eval's set_P), recall = relevant returned / relevant, average precision of
the ranking, and the ``must_not`` entries returned (violations). Overall: micro (pooled
counts) and macro (mean of per-query values) precision and recall, MAP, violations; also per
kind.

The harness writes to the configured database and to the given cores: documents carry their
own ``site_id`` (``HARNESS_SITE_ID``), so nothing else in those cores sees them, and the
packages, the harness departments, their activities and their new tags are purged at the end.
Both setups use the same harness departments (``relevance-dept-<key>``; stock CKAN sees them as
plain organizations with the same titles).
Run it on a test database (``python -m bench.relevance -c test.ini``, from the checkout, with
the test stack's environment): the resource-code sequence of department entries advances
(codes are never reused).
"""
from __future__ import annotations

import contextlib
import json
import logging
import statistics
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrSettings, make_connection
from ckan.lib.search.query import PackageSearchQuery

from ckanext.liuzhou.catalog import credit_code, search

CASES_PATH = Path(__file__).resolve().parents[1] / "tests" / "search" / "relevance_cases.json"
HARNESS_SITE_ID = "liuzhou-relevance"
HARNESS_ORG = "liuzhou-relevance-harness"
PROJECT_PREFIX = "relevance-"
STOCK_PREFIX = "relevance-stock-"
DEPARTMENT_PREFIX = "relevance-dept-"
BASE_SET = "base"
ROWS = 1000

# What a catalog entry needs beyond the text the test set gives; codes only (no Chinese words
# that a query could hit), the same for every entry.
_ENTRY_DEFAULTS = {
    "type": "catalog",
    "classification": "department",
    "subclass": "department",
    "format_category": "database",
    "sharing_type": "unconditional",
    "sharing_method": "platform",
    "open_attribute": "open",
    "update_cycle": "irregular",
}


# --------------------------------------------------------------------------- the test set
@dataclass(frozen=True)
class Query:
    q: str
    relevant: tuple[str, ...]
    must_not: tuple[str, ...]
    kind: str
    set: str = BASE_SET


def load_cases(path: Path | str | None = None) -> tuple[list[dict], list[Query]]:
    data = json.loads(Path(path or CASES_PATH).read_text("utf-8"))
    entries = data["entries"]
    keys = {e["key"] for e in entries}
    departments = {d["key"] for d in data.get("departments", [])}
    for e in entries:
        if e.get("provider") is not None and e["provider"] not in departments:
            raise ValueError(f"entry {e['key']}: unknown provider {e['provider']!r}")
    queries = []
    for raw in data["queries"]:
        qr = Query(raw["q"], tuple(raw["relevant"]), tuple(raw.get("must_not", [])), raw["kind"],
                   raw.get("set", BASE_SET))
        unknown = (set(qr.relevant) | set(qr.must_not)) - keys
        if unknown or not qr.relevant or set(qr.relevant) & set(qr.must_not):
            raise ValueError(f"bad relevance case {raw!r}: unknown keys {sorted(unknown)} or overlap")
        queries.append(qr)
    return entries, queries


def load_departments(path: Path | str | None = None) -> list[dict]:
    """The harness departments of the test set, parents before children."""
    data = json.loads(Path(path or CASES_PATH).read_text("utf-8"))
    rows = data.get("departments", [])
    by_key = {d["key"]: d for d in rows}
    ordered: list[dict] = []
    done: set[str] = set()

    def visit(d: dict, seen: tuple = ()) -> None:
        if d["key"] in done:
            return
        if d["key"] in seen:
            raise ValueError(f"department {d['key']}: cycle")
        parent = d.get("parent")
        if parent is not None:
            if parent not in by_key:
                raise ValueError(f"department {d['key']}: unknown parent {parent!r}")
            visit(by_key[parent], seen + (d["key"],))
        done.add(d["key"])
        ordered.append(d)

    for d in rows:
        visit(d)
    return ordered


# --------------------------------------------------------------------------- metrics
@dataclass
class QueryResult:
    query: Query
    returned: list[str]  # entry keys, best first
    relaxed: bool = False  # answered by the search's fallback to partial matches
    did_you_mean: str | None = None
    suggested: list[str] | None = None  # what the did_you_mean query returns, when followed

    @property
    def suggestion_complete(self) -> bool:
        """The suggestion, followed, finds every relevant entry."""
        return self.suggested is not None and set(self.query.relevant) <= set(self.suggested)

    @property
    def hits(self) -> int:
        return len(set(self.returned) & set(self.query.relevant))

    @property
    def precision(self) -> float:
        return self.hits / len(self.returned) if self.returned else 0.0

    @property
    def recall(self) -> float:
        return self.hits / len(self.query.relevant)

    @property
    def average_precision(self) -> float:
        found, total = 0, 0.0
        for rank, key in enumerate(self.returned, 1):
            if key in self.query.relevant:
                found += 1
                total += found / rank
        return total / len(self.query.relevant)

    @property
    def violations(self) -> list[str]:
        return [k for k in self.returned if k in self.query.must_not]

    @property
    def missed(self) -> list[str]:
        return [k for k in self.query.relevant if k not in self.returned]

    @property
    def extra(self) -> list[str]:
        return [k for k in self.returned if k not in self.query.relevant]


@dataclass
class Scores:
    queries: int
    micro_precision: float
    micro_recall: float
    macro_precision: float
    macro_recall: float
    map: float
    violations: int
    complete: int  # queries that found every relevant entry
    relaxed: int = 0  # queries answered by the relaxed fallback
    suggested: int = 0  # queries given a did_you_mean
    suggestion_complete: int = 0  # … whose suggestion, followed, finds every relevant entry


def score(results: list[QueryResult]) -> Scores:
    returned = sum(len(r.returned) for r in results)
    relevant = sum(len(r.query.relevant) for r in results)
    hits = sum(r.hits for r in results)
    n = len(results) or 1
    return Scores(
        queries=len(results),
        micro_precision=hits / returned if returned else 0.0,
        micro_recall=hits / relevant if relevant else 0.0,
        macro_precision=sum(r.precision for r in results) / n,
        macro_recall=sum(r.recall for r in results) / n,
        map=sum(r.average_precision for r in results) / n,
        violations=sum(len(r.violations) for r in results),
        complete=sum(1 for r in results if not r.missed),
        relaxed=sum(1 for r in results if r.relaxed),
        suggested=sum(1 for r in results if r.did_you_mean),
        suggestion_complete=sum(1 for r in results if r.suggestion_complete),
    )


@dataclass
class SetupResult:
    name: str
    results: list[QueryResult]

    @property
    def overall(self) -> Scores:
        return score(self.results)

    def by_kind(self) -> dict[str, Scores]:
        kinds: dict[str, list[QueryResult]] = OrderedDict()
        for r in self.results:
            kinds.setdefault(r.query.kind, []).append(r)
        return {k: score(v) for k, v in kinds.items()}

    def by_set(self) -> dict[str, Scores]:
        sets: dict[str, list[QueryResult]] = OrderedDict()
        for r in self.results:
            sets.setdefault(r.query.set, []).append(r)
        return {k: score(v) for k, v in sets.items()}

    def of_set(self, name: str) -> list[QueryResult]:
        return [r for r in self.results if r.query.set == name]

    def result(self, q: str) -> QueryResult:
        return next(r for r in self.results if r.query.q == q)


@dataclass
class Report:
    setups: list[SetupResult]
    notes: dict[str, Any] = field(default_factory=dict)

    def setup(self, name: str) -> SetupResult | None:
        return next((s for s in self.setups if s.name == name), None)

    @property
    def project(self) -> SetupResult:
        return self.setups[0]

    @property
    def stock(self) -> SetupResult | None:
        return self.setup("stock")


# --------------------------------------------------------------------------- plumbing
@contextlib.contextmanager
def solr_core(url: str) -> Iterator[None]:
    """CKAN's Solr connection points at ``url`` for the duration."""
    saved = (SolrSettings._url, SolrSettings._user, SolrSettings._password,
             SolrSettings._is_initialised)
    SolrSettings.init(url, saved[1], saved[2])
    try:
        yield
    finally:
        (SolrSettings._url, SolrSettings._user, SolrSettings._password,
         SolrSettings._is_initialised) = saved


@contextlib.contextmanager
def harness_site() -> Iterator[None]:
    """Index and search under the harness's own site_id, so no other document is involved."""
    saved = tk.config.get("ckan.site_id")
    tk.config["ckan.site_id"] = HARNESS_SITE_ID
    try:
        yield
    finally:
        tk.config["ckan.site_id"] = saved


def paired_stock_core(core_url: str) -> str:
    """The stock-schema core scripts/solr.sh pairs with a project core: ckan → ckan_stock,
    ckan_test → ckan_stock_test, ckan_test_a → ckan_stock_test_a."""
    base, core = core_url.rstrip("/").rsplit("/", 1)
    return f"{base}/{core.replace('ckan', 'ckan_stock', 1)}"


def _clear_core(url: str) -> None:
    with solr_core(url):
        make_connection().delete(q=f'site_id:"{HARNESS_SITE_ID}"', commit=True)


def _context() -> dict:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"user": user, "ignore_auth": True}


def _ensure_org() -> str:
    if model.Group.get(HARNESS_ORG) is None:
        tk.get_action("organization_create")(_context(), {
            "name": HARNESS_ORG,
            "title": HARNESS_ORG,
            "level": "city",
            "credit_code": credit_code.make_sample("450200", HARNESS_ORG),
            "credit_code_sample": True,
            "division_code": "450200",
        })
    return HARNESS_ORG


def department_name(key: str) -> str:
    """The harness department's name (URL slug): apart from the demo's (lzsgaj, ljq, …)."""
    return _name(DEPARTMENT_PREFIX, key)


def _ensure_departments(departments: list[dict]) -> dict[str, str]:
    """Create the test set's departments (parents first); key -> organization name."""
    names, divisions = {}, {}
    for d in departments:
        name = department_name(d["key"])
        parent = d.get("parent")
        division = d.get("division_code") or divisions.get(parent) or "450200"
        divisions[d["key"]] = division
        names[d["key"]] = name
        if model.Group.get(name) is not None:
            continue
        tk.get_action("organization_create")(_context(), {
            "name": name,
            "title": d["title"],
            "level": d.get("level", "city"),
            "parent": department_name(parent) if parent else "",
            "division_code": division if d.get("division_code") else "",
            "credit_code": credit_code.make_sample(division, name),
            "credit_code_sample": True,
        })
    return names


def _owner(entry: dict, departments: dict[str, str], org: str) -> str:
    return departments[entry["provider"]] if entry.get("provider") else org


def _project_package(entry: dict, org: str) -> dict:
    return dict(
        _ENTRY_DEFAULTS,
        name=_name(PROJECT_PREFIX, entry["key"]),
        title=entry["title"],
        notes=entry["notes"],
        owner_org=org,
        tag_string=",".join(entry.get("tags", [])),
        information_items=[
            {"name": i["name"], "data_type": i.get("data_type", "C"), "length": i.get("length", 50)}
            for i in entry["information_items"]
        ],
    )


def _stock_package(entry: dict, org: str) -> dict:
    items = [{"name": i["name"]} for i in entry["information_items"]]
    return {
        "type": "dataset",
        "name": _name(STOCK_PREFIX, entry["key"]),
        "title": entry["title"],
        "notes": entry["notes"],
        "owner_org": org,
        "tags": [{"name": t} for t in entry.get("tags", [])],
        "extras": [{"key": "information_items", "value": json.dumps(items, ensure_ascii=False)}],
    }


def _name(prefix: str, key: str) -> str:
    return (prefix + key).replace("_", "-").lower()


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    log = logging.getLogger(logger_name)
    saved = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(saved)


def _purge(names: list[str], tags: set[str]) -> None:
    ctx = _context()
    ids = []
    for name in names:
        pkg = model.Package.get(name)
        if pkg is None:
            continue
        ids.append(pkg.id)
        # CKAN's synchronous indexer logs a NotFound for every purged package (it tries to
        # re-show it); nothing is wrong, the documents are deleted by site_id afterwards.
        with _quiet("ckan.model.modification"):
            tk.get_action("dataset_purge")(dict(ctx), {"id": pkg.id})
    org = model.Group.get(HARNESS_ORG)
    purge_org = org is not None and not org.packages()
    if purge_org:
        ids.append(org.id)
    departments = _harness_departments()
    ids.extend(d.id for d in departments)
    try:
        from ckanext.activity.model import Activity
    except ImportError:  # activity plugin not installed
        Activity = None
    if ids and Activity is not None:
        model.Session.query(Activity).filter(Activity.object_id.in_(ids)).delete(
            synchronize_session=False)
    if tags:  # the tags the run created, now that nothing uses them
        unused = (model.Session.query(model.Tag)
                  .outerjoin(model.PackageTag, model.PackageTag.tag_id == model.Tag.id)
                  .filter(model.PackageTag.id.is_(None), model.Tag.vocabulary_id.is_(None),
                          model.Tag.name.in_(sorted(tags))).all())
        for tag in unused:
            model.Session.delete(tag)
    model.repo.commit()
    if purge_org:
        tk.get_action("organization_purge")(dict(ctx), {"id": HARNESS_ORG})
    for d in departments:  # children first
        tk.get_action("organization_purge")(dict(ctx), {"id": d.id})


def _harness_departments() -> list[model.Group]:
    """The harness's departments still in the database, every child before its parent."""
    groups = (model.Session.query(model.Group)
              .filter(model.Group.name.like(DEPARTMENT_PREFIX + "%"),
                      model.Group.is_organization.is_(True)).all())
    parent = {g.name: g.extras.get("parent") for g in groups}

    def depth(name: str) -> int:
        n, seen = 0, set()
        while parent.get(name) and name not in seen:
            seen.add(name)
            name, n = parent[name], n + 1
        return n
    return sorted(groups, key=lambda g: -depth(g.name))


# --------------------------------------------------------------------------- searching
def project_search(q: str, params: dict | None = None) -> list[str]:
    """Names returned by the real package_search (the plugin's hooks apply)."""
    return project_answer(q, params)["names"]


def project_answer(q: str, params: dict | None = None) -> dict:
    """What the real package_search answers a signed-in user (the site user): the names, and
    whether the answer is the relaxed fallback (``relaxed``) and a ``did_you_mean`` when the
    search gives them (a suggestion is only made to a signed-in user)."""
    data = {"q": q, "rows": ROWS, "fl": "name"}
    data.update(params or {})
    # as a request of a signed-in user (the site user, a sysadmin) carries it, auth checked:
    # the search reads the user from it (with ignore_auth it makes no suggestion)
    user = _context()["user"]
    context = {"user": user, "auth_user_obj": model.User.get(user)}
    result = tk.get_action("package_search")(context, data)
    return {"names": [r["name"] for r in result["results"]],
            "relaxed": bool(result.get("relaxed")),
            "did_you_mean": result.get("did_you_mean") or None}


def stock_query(q: str, rows: int = ROWS) -> dict:
    """What stock CKAN 2.11's package_search hands to PackageSearchQuery.run for a plain
    public search (ckan/logic/action/get.py), before any plugin: CKAN's query building then
    adds defType=dismax, qf, mm, tie, q.op=AND, df, site_id and state (query.py)."""
    return {
        "q": q,
        "rows": rows,
        "fq": "+capacity:public  +state:(active)",
        "df": "text",
        "sort": tk.config.get("ckan.search.default_package_sort"),
        "fl": "name",
    }


def stock_search(q: str) -> list[str]:
    query = PackageSearchQuery()
    query.run(stock_query(q), permission_labels=None)
    return list(query.results)


def _evaluate(name: str, queries: list[Query], searcher: Callable[[str], list[str] | dict],
              prefix: str) -> SetupResult:
    results = []
    for qr in queries:
        answer = searcher(qr.q)
        if not isinstance(answer, dict):
            answer = {"names": answer}
        keys = [n[len(prefix):].replace("-", "_") for n in answer["names"] if n.startswith(prefix)]
        suggested = None
        if answer.get("did_you_mean"):  # the user follows the suggestion
            followed = searcher(answer["did_you_mean"])
            names = followed["names"] if isinstance(followed, dict) else followed
            suggested = [n[len(prefix):].replace("-", "_") for n in names if n.startswith(prefix)]
        results.append(QueryResult(qr, keys, bool(answer.get("relaxed")), answer.get("did_you_mean"),
                                   suggested))
    return SetupResult(name, results)


# --------------------------------------------------------------------------- the run
def run(core_url: str, stock_core_url: str | None = None, cases: Path | str | None = None,
        project_params: dict | None = None, keep: bool = False) -> Report:
    """Index the test set into both cores, run every query in both setups, clean up.

    ``project_params`` (e.g. {"defType": "dismax"}) are added to the project's package_search
    calls, for trying alternatives; the plugin's hook leaves explicit parameters alone.
    ``keep`` leaves the packages and documents in place, to query them again
    (``project_search`` inside ``harness_site()`` and ``solr_core()``); ``cleanup()`` ends it.
    """
    entries, queries = load_cases(cases)
    departments = load_departments(cases)
    cleanup(core_url, stock_core_url)  # what an interrupted run left
    existing = {name for (name,) in model.Session.query(model.Tag.name)}
    new_tags = {t for e in entries for t in e.get("tags", [])} - existing
    try:
        with harness_site():
            org = _ensure_org()
            owners = _ensure_departments(departments)
            with solr_core(core_url):
                for e in entries:
                    tk.get_action("package_create")(
                        _context(), _project_package(e, _owner(e, owners, org)))
                setups = [
                    _evaluate("project", queries,
                              lambda q: project_answer(q, project_params), PROJECT_PREFIX),
                    # the project's schema alone: stock CKAN's query, no hook
                    _evaluate("schema only", queries, stock_search, PROJECT_PREFIX),
                ]
            if stock_core_url:
                with solr_core(stock_core_url):
                    for e in entries:
                        tk.get_action("package_create")(
                            _context(), _stock_package(e, _owner(e, owners, org)))
                    setups.append(_evaluate("stock", queries, stock_search, STOCK_PREFIX))
        return Report(setups, {"entries": len(entries), "queries": len(queries),
                               "departments": len(departments)})
    finally:
        if not keep:
            cleanup(core_url, stock_core_url, new_tags)


def cleanup(core_url: str, stock_core_url: str | None = None, tags: set[str] = frozenset()) -> None:
    """Purge the harness's packages (and activities), its departments and the given tags if
    unused; delete its documents from the cores."""
    names = [n for (n,) in model.Session.query(model.Package.name)
             .filter(model.Package.name.like(PROJECT_PREFIX + "%"))]
    with harness_site():
        _purge(names, set(tags))
    for url in filter(None, (core_url, stock_core_url)):
        _clear_core(url)


def chain_of(core_url: str) -> str:
    """Which Chinese chain the core's text_zh uses (solr/make_schema.py), read from Solr."""
    import requests

    try:
        r = requests.get(core_url.rstrip("/") + "/schema/fieldtypes/text_zh", timeout=10)
        if r.status_code == 404:
            return "none (no text_zh: stock schema?)"
        r.raise_for_status()
        tokenizer = r.json()["fieldType"]["indexAnalyzer"]["tokenizer"]["class"]
    except (requests.RequestException, KeyError, ValueError) as e:
        return f"unknown ({e.__class__.__name__})"
    return {"solr.StandardTokenizerFactory": "bigram", "solr.HMMChineseTokenizerFactory": "smartcn",
            "solr.ICUTokenizerFactory": "icu"}.get(tokenizer, tokenizer)


# --------------------------------------------------------------------------- timing
def facet_search_timing(runs: int = 50, q: str = "") -> dict[str, Any]:
    """Wall time of package_search with every catalog facet, as the search page asks it,
    on the configured site's own index (the portal's data when run with its config)."""
    facets = list(search.dataset_facets(OrderedDict(), "catalog").keys())
    data = {
        "q": q,
        "fq": "+dataset_type:catalog",
        "facet.field": facets,
        "rows": tk.config.get("ckan.datasets_per_page"),
        "start": 0,
        "include_private": True,
    }
    action = tk.get_action("package_search")
    ctx = _context()
    for _ in range(3):  # warm caches, as a running portal has them
        action(dict(ctx), dict(data))
    times = []
    count = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        res = action(dict(ctx), dict(data))
        times.append((time.perf_counter() - t0) * 1000)
        count = res["count"]
    times.sort()
    return {
        "runs": runs,
        "q": q,
        "entries": count,
        "facets": facets,
        "p50_ms": statistics.median(times),
        "p90_ms": times[int(0.9 * (len(times) - 1))],
        "max_ms": times[-1],
    }


# --------------------------------------------------------------------------- output
def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def format_report(report: Report, details: bool = False) -> str:
    setups = report.setups
    lines = []
    head = f"{'':24}" + "".join(f"{s.name:>12}" for s in setups)
    lines.append(head)
    rows = [
        ("micro precision", lambda s: _pct(s.micro_precision)),
        ("micro recall", lambda s: _pct(s.micro_recall)),
        ("macro precision", lambda s: _pct(s.macro_precision)),
        ("macro recall", lambda s: _pct(s.macro_recall)),
        ("MAP (ranking)", lambda s: _pct(s.map)),
        ("must_not violations", lambda s: str(s.violations)),
        ("queries complete", lambda s: f"{s.complete}/{s.queries}"),
        ("answered relaxed", lambda s: str(s.relaxed)),
        ("did_you_mean given", lambda s: str(s.suggested)),
        ("... followed, complete", lambda s: str(s.suggestion_complete)),
    ]
    overall = [s.overall for s in setups]
    for label, fmt in rows:
        lines.append(f"{label:24}" + "".join(f"{fmt(o):>12}" for o in overall))
    lines.append("")
    lines.append("by set (micro P, micro R, complete queries), " + " | ".join(s.name for s in setups) + ":")
    sets = [s.by_set() for s in setups]
    for name in sets[0]:
        cells = [f"{_pct(k[name].micro_precision)} {_pct(k[name].micro_recall)} "
                 f"{k[name].complete:>3}/{k[name].queries:<3}" for k in sets]
        label = {"base": "base (old queries)", "clerk": "clerk (as typed)"}.get(name, name)
        lines.append(f"  {label:22}" + "   ".join(f"{c:>28}" for c in cells))
    lines.append("")
    lines.append("by kind (micro P, micro R, must_not violations, complete queries, answered relaxed r, "
                 "did_you_mean given d), "
                 + " | ".join(s.name for s in setups) + ":")
    kinds = [s.by_kind() for s in setups]
    for kind in kinds[0]:
        cells = []
        for k in kinds:
            sc = k[kind]
            cells.append(f"{_pct(sc.micro_precision)} {_pct(sc.micro_recall)} "
                         f"{sc.violations:>2} {sc.complete:>2}/{sc.queries:<2} r{sc.relaxed:<2}"
                         f" d{sc.suggested:<2}")
        lines.append(f"  {kind:22}" + "   ".join(f"{c:>36}" for c in cells))
    if details:
        lines.append("")
        lines.append("per query (P R | missed | must_not returned | other returned), "
                     "[relaxed] when the fallback answered, -> did_you_mean:")
        for i, r in enumerate(report.project.results):
            for s in setups:
                x = s.results[i]
                flags = (" [relaxed]" if x.relaxed else "") + (
                    f" -> {x.did_you_mean} ({'complete' if x.suggestion_complete else 'incomplete'}"
                    f" when followed)" if x.did_you_mean else "")
                lines.append(
                    f"  {s.name:11} {x.query.q:12} {_pct(x.precision)} {_pct(x.recall)} | "
                    f"{','.join(x.missed) or '-'} | {','.join(x.violations) or '-'} | "
                    f"{','.join(k for k in x.extra if k not in x.violations) or '-'}{flags}")
    return "\n".join(lines)


def report_json(report: Report) -> dict:
    """Every figure of the report, and each query's answer per setup, as JSON-ready data."""
    def scores(sc: Scores) -> dict:
        return dict(sc.__dict__)
    return {
        "notes": report.notes,
        "setups": {
            s.name: {
                "overall": scores(s.overall),
                "by_set": {k: scores(v) for k, v in s.by_set().items()},
                "by_kind": {k: scores(v) for k, v in s.by_kind().items()},
                "queries": [{"q": r.query.q, "kind": r.query.kind, "set": r.query.set,
                             "returned": r.returned, "missed": r.missed,
                             "violations": r.violations, "relaxed": r.relaxed,
                             "did_you_mean": r.did_you_mean, "suggested": r.suggested}
                            for r in s.results],
            } for s in report.setups
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Recall and precision of Chinese search, project vs stock CKAN; time of a faceted search.

    Creates the test set's entries (and purges them afterwards) in the configured database:
    run it with the test configuration.
    """
    import argparse

    ap = argparse.ArgumentParser(prog="python -m bench.relevance", description=main.__doc__.split("\n\n")[0])
    ap.add_argument("-c", "--config", default="test.ini", help="CKAN configuration (default: test.ini)")
    ap.add_argument("--core-url", help="Solr core with the project's schema (default: the configured solr_url)")
    ap.add_argument("--stock-core-url",
                    help="Solr core with CKAN's unchanged schema (default: its pair, ckan_test → ckan_stock_test)")
    ap.add_argument("--cases", help="relevance test set (default: tests/search/relevance_cases.json)")
    ap.add_argument("--runs", type=int, default=50, help="runs of the timed facet search (default: 50)")
    ap.add_argument("--details", action="store_true", help="one line per query and setup")
    ap.add_argument("--json", dest="json_path",
                    help="also write every figure and each query's answer to this JSON file")
    args = ap.parse_args(argv)
    if args.cases and not Path(args.cases).is_file():
        ap.error(f"--cases: {args.cases} is not a file")

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.config))
    with app._wsgi_app.test_request_context():
        core_url = args.core_url or tk.config["solr_url"]
        stock_core_url = args.stock_core_url or paired_stock_core(core_url)
        print(f"project: {core_url} (chain: {chain_of(core_url)})")
        print(f"stock:   {stock_core_url}")
        report = run(core_url, stock_core_url, args.cases)
        print(f"{report.notes['entries']} entries, {report.notes['queries']} queries; "
              "a result is every entry a query matches")
        print(format_report(report, details=args.details))
        if args.json_path:
            with open(args.json_path, "w", encoding="utf-8") as f:
                json.dump(report_json(report), f, ensure_ascii=False, indent=1)
            print(f"written: {args.json_path}")
        t = facet_search_timing(args.runs)
        print(f"\nsearch with all {len(t['facets'])} facets ({', '.join(t['facets'])}), "
              f"{t['entries']} entries on {tk.config['solr_url']}: p50 {t['p50_ms']:.1f} ms, "
              f"p90 {t['p90_ms']:.1f} ms, max {t['max_ms']:.1f} ms over {t['runs']} runs")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
