"""The cluster tests: real SolrCloud, web nodes and standby on loopback (docs/cluster-solr.md)."""
from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "solrcloud: brings up SolrCloud (ZooKeeper, 3 Solr nodes, HAProxy); runs in make test")
