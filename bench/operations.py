"""The measured operations: one request each, on one side, as a user of that side.

Shared (project and stock): package_search (plain listing, Chinese query, all facets),
package_show, package_create, the dataset page and the search page. Project only:
share_request_create, share_request_decide, a guarded download and the evaluation page.
"""
from __future__ import annotations

import collections
import random
import threading
from typing import Callable

import requests

from . import corpus
from .api import call
from .runner import Exhausted
from .services import Side


class Check(Exception):
    """A response that is not what a user would get on success."""


def _get(http: requests.Session, url: str, token: str) -> None:
    r = http.get(url, headers={"Authorization": token}, timeout=120)
    if r.status_code != 200:
        raise Check(f"GET {url}: HTTP {r.status_code}")


class Workload:
    """What one side's operations need: the names loaded, the users, a catalog to create from."""

    def __init__(self, side: Side, catalog: corpus.Catalog, scale: int, run_id: str):
        self.side = side
        self.catalog = catalog
        self.scale = scale
        self.run_id = run_id
        self.rng = random.Random(f"ops:{catalog.seed}")
        self._create_n = 0
        self._lock = threading.Lock()
        self.requests_to_decide: collections.deque[str] = collections.deque()
        self.download_resource: str | None = None
        self.conditional: list[dict] = []
        # the Chinese queries of the search measurements: the catalog's own when it has them
        # (the real catalog's clerk queries), else the generated corpus's
        self.queries: list[str] = list(getattr(catalog, "search_queries", None) or corpus.CHINESE_QUERIES)
        self.common_queries: list[str] = list(self.queries)

    # ------------------------------------------------------------------ helpers
    def name(self, n: int) -> str:
        return self.catalog.name(random.Random(n).randrange(self.scale))

    def query(self, n: int) -> str:
        return self.queries[n % len(self.queries)]

    def token(self, who: str) -> str:
        return self.side.users[who]["token"]

    def search(self, http, data: dict) -> None:
        call(self.side.url, "package_search", data, self.token("reader"), http=http)

    def next_create(self) -> dict:
        with self._lock:
            self._create_n += 1
            i = self._create_n
        entry = self.catalog.entry(i, prefix=f"c{self.run_id}")
        # an editor of 市公安局 publishes it: its own department, a catalog it may lead
        entry["owner_org"] = "lzsgaj"
        if entry["classification"] == "base":
            entry["subclass"], entry["lead_department"] = "population", "lzsgaj"
        return corpus.api_entry(entry) if self.side.key == "project" else corpus.to_stock(entry)

    # ------------------------------------------------------------------ shared
    def search_plain(self, http, n):
        self.search(http, {"q": "", "rows": 20, "facet": "false"})

    def search_zh(self, http, n):
        self.search(http, {"q": self.query(n), "rows": 20, "facet": "false"})

    def search_zh_common(self, http, n):
        """The Chinese queries that find a full page of results on both sides (see query_hits):
        the same work per request on each, where ``search_zh`` lets stock CKAN answer a third of
        its queries with no results at all."""
        q = self.common_queries[n % len(self.common_queries)]
        self.search(http, {"q": q, "rows": 20, "facet": "false"})

    def hits(self, q: str) -> int:
        return call(self.side.url, "package_search", {"q": q, "rows": 0, "facet": "false"},
                    self.token("reader"))["count"]

    def search_facets(self, http, n):
        self.search(http, {"q": "", "rows": 20, "facet.field": self.side.facets, "facet.limit": 50})

    def package_show(self, http, n):
        call(self.side.url, "package_show", {"id": self.name(n)}, self.token("reader"), http=http)

    def package_create(self, http, n):
        call(self.side.url, "package_create", self.next_create(), self.token("editor"), http=http)

    def page_dataset(self, http, n):
        _get(http, f"{self.side.url}{self.side.dataset_path}/{self.name(n)}", self.token("reader"))

    def page_search(self, http, n):
        _get(http, f"{self.side.url}{self.side.dataset_path}/?q={self.query(n)}", self.token("reader"))

    # ------------------------------------------------------------------ project only
    def find_conditional(self) -> int:
        """Conditional entries of 市公安局, which 人社局 (the bench reader's department) may request."""
        result = call(self.side.url, "package_search", {
            "fq": "organization:lzsgaj AND sharing_type:conditional", "rows": 200,
            "fl": "id,name"}, self.token("reader"))
        self.conditional = result["results"]
        return len(self.conditional)

    def request_data(self, n: int) -> dict:
        pkg = self.conditional[n % len(self.conditional)]
        return {"package_id": pkg["name"], "purpose": "社会保障待遇资格认证时核验参保人身份",
                "basis": "《中华人民共和国社会保险法》第七十四条",
                "scope_users": [self.side.users["reader"]["name"], self.side.users["scoped"]["name"]],
                "valid_until": "2027-12-31", "sharing_method": "platform"}

    def share_request_create(self, http, n):
        req = call(self.side.url, "share_request_create", self.request_data(n), self.token("reader"), http=http)
        self.requests_to_decide.append(req["id"])

    def share_request_decide(self, http, n):
        try:
            rid = self.requests_to_decide.popleft()
        except IndexError:
            raise Exhausted()
        call(self.side.url, "share_request_decide", {"id": rid, "decision": "approve"},
             self.token("provider"), http=http)

    def fill_requests(self, count: int, workers: int = 4) -> int:
        """Submitted requests waiting for a decision, at least ``count`` (made outside any measurement)."""
        from concurrent.futures import ThreadPoolExecutor
        missing = count - len(self.requests_to_decide)
        if missing > 0:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda n: self.share_request_create(None, 10_000_000 + n), range(missing)))
        return len(self.requests_to_decide)

    def prepare_download(self) -> str | None:
        """A conditional entry of 市公安局 whose data is a file on the platform, delivered to 人社局.

        The file is uploaded (the platform never fetches the example links of the generated
        entries); the request is made, approved and delivered through the actions. Returns why
        downloads cannot be measured, or None.
        """
        side, editor = self.side, self.token("editor")
        entry = self.catalog.entry(0, prefix=f"dl{self.run_id}")
        entry.update(owner_org="lzsgaj", classification="department", subclass="department",
                     sharing_type="conditional", sharing_conditions="仅限核验使用",
                     legal_basis="《中华人民共和国个人信息保护法》第十三条", resources=[])
        entry.pop("lead_department", None)
        try:
            pkg = call(side.url, "package_create", corpus.api_entry(entry), editor)
            body = ("gmsfhm,xm\n" + "".join(f"45020019900101{i:04d},测试{i}\n" for i in range(2000))).encode()
            r = requests.post(f"{side.url}/api/3/action/resource_create", headers={"Authorization": editor},
                              data={"package_id": pkg["id"], "name": "核验样本", "resource_type": "file",
                                    "format": "CSV"},
                              files={"upload": ("sample.csv", body, "text/csv")}, timeout=120)
            if r.status_code != 200:
                return f"resource upload refused: HTTP {r.status_code} {r.text[:200]}"
            res = r.json()["result"]
            data = dict(self.request_data(0), package_id=pkg["name"])
            req = call(side.url, "share_request_create", data, self.token("reader"))
            call(side.url, "share_request_decide", {"id": req["id"], "decision": "approve"}, self.token("provider"))
            call(side.url, "share_request_deliver", {"id": req["id"]}, self.token("operator"))
        except Exception as e:  # noqa: BLE001 - the row is skipped with the reason
            return f"could not prepare a delivered request: {str(e)[:300]}"
        self.download_resource = res["id"]
        return None

    def download(self, http, n):
        r = http.get(f"{self.side.url}/data/{self.download_resource}",
                     headers={"Authorization": self.token("scoped")}, timeout=120)
        if r.status_code != 200 or not r.content:
            raise Check(f"GET /data/…: HTTP {r.status_code}")

    def search_suggest(self, http, n):
        """Suggestions while typing: the prefixes of the Chinese queries as a user types them
        (one character more each time), as the reader."""
        q = self.query(n // 4)
        call(self.side.url, "search_suggest", {"q": q[: 1 + n % max(len(q), 1)], "limit": 8},
             self.token("reader"), http=http)

    def evaluation_page(self, http, n):
        """The Authority's ranking of every department (the evaluation's main page)."""
        _get(http, f"{self.side.url}/evaluation/", self.token("authority"))

    def probe(self, op: str) -> str | None:
        """Why ``op`` cannot be measured (yet), or None."""
        if op == "download":
            if getattr(self, "download_resource", None) is None:
                why = getattr(self, "_download_problem", None) or self.prepare_download()
                if why:
                    self._download_problem = why
                    return why
            url, who = f"{self.side.url}/data/{self.download_resource}", "scoped"
        elif op == "evaluation_page":
            url, who = f"{self.side.url}/evaluation/", "authority"
        else:
            return None
        try:
            r = requests.get(url, headers={"Authorization": self.token(who)}, timeout=60)
        except Exception as e:  # noqa: BLE001
            return f"probe failed: {e}"
        if r.status_code == 404:
            return f"GET {url.replace(self.side.url, '')} answers 404: not built yet"
        if r.status_code != 200:
            return f"GET {url.replace(self.side.url, '')} answers {r.status_code}"
        return None

    def op(self, name: str) -> Callable:
        return getattr(self, name)
