"""docker-compose.yml describes the layout `make cluster` runs (docs/cluster.md): it cannot run
here (no Docker engine), so its YAML is loaded and compared with the cluster scripts."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _default(name):
    env = (REPO / "scripts" / "cluster" / "env.sh").read_text()
    return re.search(rf'{name}="\$\{{{name}:-([^}}]*)\}}"', env).group(1)


def test_compose_has_the_cluster_layout():
    services = _compose()["services"]
    web = [s for s in services if re.fullmatch(r"ckan\d", s)]
    workers = [s for s in services if re.fullmatch(r"worker\d", s)]
    solr = [s for s in services if re.fullmatch(r"solr\d", s)]
    assert len(web) == len(_default("CLUSTER_WEB_PORTS").split()) == 2
    assert len(workers) == int(_default("CLUSTER_WORKERS")) == 2
    assert len(solr) == len(_default("CLUSTER_SOLR_PORTS").split()) == 3
    for name in ("zookeeper", "nginx", "scheduler", "postgres", "postgres-standby", "redis", "solr-lb"):
        assert name in services, name
    # one secret, one storage volume, one collection behind the Solr balancer for every CKAN process
    for name in [*web, *workers, "scheduler"]:
        s = services[name]
        assert s["environment"]["CKAN___SECRET_KEY"].startswith("${CKAN_SECRET_KEY")
        assert s["environment"]["CKAN_SOLR_URL"] == "http://solr-lb:8983/solr/ckan"
        assert any(v.startswith("ckan_storage:") for v in s["volumes"])
    assert "pg_basebackup" in "".join(services["postgres-standby"]["command"])


def test_nginx_balances_every_web_node_with_the_template_the_loopback_cluster_uses():
    services = _compose()["services"]
    nginx = services["nginx"]
    assert any(v.startswith("./deploy/nginx-cluster.conf.template:") for v in nginx["volumes"])
    upstream = nginx["environment"]["NGINX_UPSTREAM_SERVERS"]
    assert sorted(re.findall(r"server (ckan\d):5000", upstream)) == sorted(s for s in services if re.fullmatch(r"ckan\d", s))
    template = (REPO / "deploy" / "nginx-cluster.conf.template").read_text()
    assert set(re.findall(r"\$\{(NGINX_\w+)\}", template)) == set(nginx["environment"])
    up = (REPO / "scripts" / "cluster" / "up.sh").read_text()
    assert "deploy/nginx-cluster.conf.template" in up
    for name in nginx["environment"]:
        assert "${" + name + "}" in up


def test_the_standby_of_compose_replicates_as_the_loopback_one():
    services = _compose()["services"]
    env = (REPO / "scripts" / "cluster" / "env.sh").read_text()
    command = "".join(services["postgres-standby"]["command"])
    for flag in ("-R", "-X stream", "-S liuzhou_standby"):
        assert flag in command and flag in env, flag
