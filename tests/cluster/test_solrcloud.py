"""SolrCloud survives the loss of one Solr node (docs/cluster-solr.md): the catalog's collection
``ckan_test`` (2 shards x 2 replicas on 3 nodes, ZooKeeper, HAProxy in front) is brought up by
``scripts/cluster/solrcloud.sh``, CKAN is pointed at it through the HAProxy, entries are indexed
through CKAN's actions, one node is killed (SIGKILL) and restarted.

Checked: no read through the load balancer fails while the node is dead and every read sees every
active entry; writes made in the seconds before the shard elects a new leader are saved and
indexed (``ckanext.liuzhou.search.index_retry_seconds`` = 30, as a cloud deployment sets it: the
index update waits for the election); writes after the election succeed; the node recovers (every replica active) and both replicas of each shard then hold
exactly the active entries, the writes made while it was dead included.

The cluster is reused when already up (and left so); else it is started here and stopped after.
Ports: CLUSTER_ZK_PORT, CLUSTER_SOLR_PORTS, CLUSTER_SOLR_LB_PORT (the cluster contract's defaults).
Deselect with ``-m "not solrcloud"``.
"""
from __future__ import annotations

import os
import sys
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrSettings

from tests.catalog.conftest import department_entry
from tests.conftest import make_user

pytestmark = pytest.mark.solrcloud

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "cluster" / "solrcloud.sh"
COLLECTION = "ckan_test"
ORG = "lzsgaj"   # 市公安局, a department of the demo tree
RETRY = "ckanext.liuzhou.search.index_retry_seconds"


def _script(*args: str, check: bool = True, timeout: float = 400) -> subprocess.CompletedProcess:
    env = dict(os.environ, CLUSTER_SOLR_COLLECTIONS=f"ckan {COLLECTION}")
    env.setdefault("PYTHON", sys.executable)
    done = subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        pytest.fail(f"solrcloud.sh {' '.join(args)} failed ({done.returncode}):\n"
                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


class Cloud:
    def __init__(self, lb_url: str):
        self.lb = lb_url.rstrip("/")                      # http://127.0.0.1:PORT/solr/ckan
        self.base = self.lb.rsplit("/", 1)[0]             # http://127.0.0.1:PORT/solr
        self.url = f"{self.base}/{COLLECTION}"
        ports = os.environ.get("CLUSTER_SOLR_PORTS", "8991 8992 8993").split()
        self.nodes = {n: f"http://127.0.0.1:{p}/solr" for n, p in enumerate(ports, 1)}

    def status(self) -> dict:
        r = requests.get(f"{self.base}/admin/collections",
                         params={"action": "CLUSTERSTATUS", "collection": COLLECTION, "wt": "json"}, timeout=30)
        r.raise_for_status()
        return r.json()["cluster"]

    def shards(self) -> dict:
        return self.status()["collections"][COLLECTION]["shards"]

    def node_number(self, node_name: str) -> int:
        port = node_name.split("_")[0].rsplit(":", 1)[1]
        return next(n for n, url in self.nodes.items() if f":{port}/" in url)

    def wait_leaders(self, gone: str, timeout: float = 90) -> float:
        """Seconds until ZooKeeper dropped the node ``gone`` and every shard has an active leader
        on a live node."""
        t0 = time.monotonic()
        while True:
            st = self.status()
            live = set(st["live_nodes"])
            shards = st["collections"][COLLECTION]["shards"].values()
            if gone not in live and all(any(r.get("leader") == "true" and r["state"] == "active" and r["node_name"] in live
                       for r in s["replicas"].values()) for s in shards):
                return time.monotonic() - t0
            assert time.monotonic() - t0 < timeout, f"no active leader on every shard after {timeout}s: {st}"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def cloud():
    if not shutil.which("java"):
        pytest.skip("java is not installed: SolrCloud cannot run (apt-get install openjdk-17-jdk-headless)")
    started = _script("status", check=False).returncode == 3
    up = _script("up")
    last = up.stdout.strip().splitlines()[-1]
    assert last.startswith("solr_url=http://127.0.0.1:"), up.stdout
    c = Cloud(last.split("=", 1)[1])
    # CKAN's solr_url, as CKAN sets it: the environment variable wins over the ini whenever
    # the plugins are loaded again (the departments fixture does), the settings for now.
    saved = SolrSettings.get()
    saved_config, saved_env = tk.config.get("solr_url"), os.environ.get("CKAN_SOLR_URL")
    os.environ["CKAN_SOLR_URL"] = tk.config["solr_url"] = c.url
    SolrSettings.init(c.url, saved[1], saved[2])
    try:
        yield c
    finally:
        if saved_env is None:
            os.environ.pop("CKAN_SOLR_URL", None)
        else:
            os.environ["CKAN_SOLR_URL"] = saved_env
        tk.config["solr_url"] = saved_config
        SolrSettings.init(*saved)
        if started:
            _script("down", check=False)
        else:
            _script("start-node", "1", check=False)   # leave it as found: every node up
            _script("start-node", "2", check=False)
            _script("start-node", "3", check=False)


def _active_ids() -> set[str]:
    model.Session.remove()
    return {p.id for p in model.Session.query(model.Package).filter_by(state="active", type="catalog")}


def _indexed_ids(url: str, **params) -> set[str]:
    r = requests.get(f"{url}/select", timeout=30, params={
        "q": "*:*", "fq": f'+site_id:"{tk.config["ckan.site_id"]}" +entity_type:package',
        "fl": "id", "rows": 10000, "wt": "json", **params})
    r.raise_for_status()
    return {d["id"] for d in r.json()["response"]["docs"]}


def _search(user: str, q: str = "*:*") -> dict:
    return tk.get_action("package_search")({"user": user, "ignore_auth": False},
                                           {"q": q, "rows": 1000, "include_private": True})


def test_a_node_dies_and_comes_back(cloud, departments, monkeypatch):
    monkeypatch.setitem(tk.config, RETRY, 30)   # as docs/cluster-solr.md tells a cloud deployment
    search.clear_all()
    admin = make_user(ORG, "admin")["name"]
    ctx = lambda: {"user": admin, "ignore_auth": False}
    created = [tk.get_action("package_create")(ctx(), department_entry(ORG, name=f"cloud-entry-{i}",
                                                                       title=f"社会保险缴费记录{i}"))
               for i in range(12)]
    tk.get_action("package_delete")(ctx(), {"id": created[-1]["id"]})
    active = _active_ids()
    assert len(active) == 11
    assert _indexed_ids(cloud.url) == active
    assert {r["id"] for r in _search(admin)["results"]} == active
    assert _search(admin, "社会保险")["count"] == 11

    # kill the node that leads shard1: its shard must elect the other replica
    leader = next(r for r in cloud.shards()["shard1"]["replicas"].values() if r.get("leader") == "true")
    victim = cloud.node_number(leader["node_name"])
    _script("kill-node", str(victim))
    killed = time.monotonic()

    failed = reads = 0
    wrong = []
    deadline = time.monotonic() + 8          # reads while ZooKeeper still counts the node live
    while time.monotonic() < deadline:
        for read in (lambda: {r["id"] for r in _search(admin)["results"]},
                     lambda: _indexed_ids(cloud.url)):
            reads += 1
            try:
                got = read()
            except Exception as e:  # noqa: BLE001 — every failed read is counted
                failed += 1
                wrong.append(repr(e)[:200])
                continue
            if got != active:
                wrong.append(f"{len(got)} entries instead of {len(active)}")
    assert (failed, wrong) == (0, []), f"{failed} of {reads} reads failed: {wrong[:5]}"
    print(f"node {victim} killed: {reads} reads in {time.monotonic() - killed:.1f} s, none failed")

    # Writes before the leader election (4 entries: the ids fall on both shards, one of which
    # has lost its leader): with index_retry_seconds the index update of the headless shard is
    # tried again until the election, so every one is saved and indexed.
    t = time.monotonic()
    early = [tk.get_action("package_create")(ctx(), department_entry(
        ORG, name=f"cloud-entry-early-{i}", title=f"社会保险缴费记录 early {i}"))["id"] for i in range(4)]
    print(f"4 writes before the election: {time.monotonic() - t:.1f} s")
    assert set(early) <= _indexed_ids(cloud.url)
    print(f"leaders of every shard active again {cloud.wait_leaders(leader['node_name']):.1f} s later")
    t = time.monotonic()
    late = tk.get_action("package_create")(ctx(), department_entry(ORG, name="cloud-entry-late",
                                                                   title="社会保险缴费记录 late"))
    tk.get_action("package_patch")(ctx(), {"id": created[0]["id"], "title": "社会保险缴费记录 已更新"})
    print(f"create + update after the election: {time.monotonic() - t:.1f} s")
    assert late["id"] in _indexed_ids(cloud.url)
    assert _indexed_ids(cloud.url, q='title:"已更新"') == {created[0]["id"]}
    active = _active_ids()
    assert _indexed_ids(cloud.url) == active

    # the node comes back, catches up, and every replica holds exactly the active entries
    t = time.monotonic()
    _script("start-node", str(victim))
    print(f"node {victim} back, every replica active, in {time.monotonic() - t:.1f} s")
    assert _script("status", check=False).returncode == 0
    for name, shard in cloud.shards().items():
        per_replica = [_indexed_ids(f"{r['base_url']}/{r['core']}", distrib="false")
                       for r in shard["replicas"].values()]
        assert all(state == per_replica[0] for state in per_replica), f"{name}: replicas differ"
    assert _indexed_ids(cloud.url) == active
    assert {r["id"] for r in _search(admin)["results"]} == active


def _titles(core_url: str, ids: list[str]) -> dict[str, str]:
    r = requests.get(f"{core_url}/select", timeout=30, params={
        "q": "*:*", "fq": "{!terms f=id}" + ",".join(ids), "fl": "id,title", "rows": 100,
        "distrib": "false", "wt": "json"})
    r.raise_for_status()
    return {d["id"]: d["title"] for d in r.json()["response"]["docs"]}


def test_an_entry_updated_again_reaches_every_replica(cloud, departments):
    """An update of an entry indexed a few commits earlier reaches both replicas of its shard
    and leaves every replica active. With CKAN's ``_version_`` (a string) the replica's check of
    the version already in its index failed (UnsupportedOperationException), the leader put it
    into recovery, whose replay failed the same way: a shard left with one copy."""
    search.clear_all()
    admin = make_user(ORG, "admin")["name"]
    ctx = lambda: {"user": admin, "ignore_auth": False}
    ids = [tk.get_action("package_create")(ctx(), department_entry(ORG, name=f"cloud-again-{i}",
                                                                   title=f"不动产登记簿{i}"))["id"]
           for i in range(8)]
    for n in (1, 2):   # each update is its own commit: the first ones are in the index only
        for i, pid in enumerate(ids):
            tk.get_action("package_patch")(ctx(), {"id": pid, "title": f"不动产登记簿{i} 第{n}次更新"})
    want = {pid: f"不动产登记簿{i} 第2次更新" for i, pid in enumerate(ids)}
    assert _script("status", check=False).returncode == 0, "a replica is not active after the updates"
    for name, shard in cloud.shards().items():
        for r in shard["replicas"].values():
            assert r["state"] == "active", f"{name}/{r['core']} is {r['state']}"
            got = _titles(f"{r['base_url']}/{r['core']}", ids)
            assert got == {k: v for k, v in want.items() if k in got}, f"{name}/{r['core']} missed an update"
    every = {}
    for shard in cloud.shards().values():
        for r in shard["replicas"].values():
            every.update(_titles(f"{r['base_url']}/{r['core']}", ids))
    assert every == want
