"""The cluster tests: real SolrCloud, web nodes and a standby on loopback (docs/cluster.md,
docs/cluster-solr.md). One loopback cluster (scripts/cluster/up.sh) for the whole directory, on the
CLUSTER_* ports (scripts/cluster/env.sh). Marked ``cluster``: leave them out with
``-m "not cluster"``. A cluster that was already up is left running; one this run started is
stopped at the end (CLUSTER_KEEP=1 keeps it).
"""
from __future__ import annotations

import os

import pytest
import requests

from bench.cluster import Cluster


def pytest_configure(config):
    config.addinivalue_line("markers", "cluster: needs the loopback cluster of scripts/cluster/up.sh (minutes)")
    config.addinivalue_line("markers", "solrcloud: brings up SolrCloud (ZooKeeper, 3 Solr nodes, HAProxy); runs in make test")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.cluster)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/3/action/status_show", timeout=10).ok
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def cluster():
    c = Cluster()
    was_up = _answers(c.lb)
    # the demo catalog without the months of workflow history: enough here, and minutes shorter
    out = c.script("up", env={"CLUSTER_SKIP_INSTALL": "1", "CLUSTER_DEMO_HISTORY": os.environ.get("CLUSTER_DEMO_HISTORY", "0")},
                   check=False)
    if out.returncode != 0:
        pytest.fail(f"scripts/cluster/up.sh failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    yield c
    if not was_up and os.environ.get("CLUSTER_KEEP") != "1":
        c.script("down", check=False)


@pytest.fixture(scope="session")
def tokens(cluster):
    return cluster.tokens("sysadmin", "authority", "operator", "provider_admin", "consumer_admin", "consumer_member")
