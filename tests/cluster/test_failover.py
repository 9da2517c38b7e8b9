"""The failure run, short (``python -m bench.cluster_failover`` is the long one; docs/cluster.md):
8 clients read and write through nginx while a Solr node (with SolrCloud), a web node and a
worker are killed and restarted."""
from __future__ import annotations

from bench.cluster_failover import run


def test_losing_a_node_of_each_kind_loses_no_read_and_no_write(cluster, tokens):
    r = run(cluster, clients=8, phase=5)
    assert r["requests_served"] > 0 and r["writes"]["confirmed"] > 0
    assert r["reads_failed"] == 0, (r["errors"], r["failed"], r["server_errors"])
    w = r["writes"]
    # a write is confirmed and whole, or refused; sent again with its key it is made exactly once
    assert (w["confirmed_missing"], w["half_done"], w["duplicates"]) == (0, 0, 0)
    assert w["refused_resent_ok"] == w["refused"]
    assert r["index"]["missing"] == 0 and r["index"]["extra"] == 0
    assert r["index"]["db_active"] == r["index"]["index_active"]
    assert r["audit_verifies"], r["audit"]
    assert r["jobs"]["ran_twice"] == 0 and r["jobs"]["enqueued"] > 0
