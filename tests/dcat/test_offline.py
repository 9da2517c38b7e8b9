"""DCAT follows the offlining rules as the search and the entry page do: an entry taken offline
(Art 20) leaves the catalog and its route for all but its provider, the Authority and the
Operator; a resource taken offline (Art 21) loses its location even for a grant still valid."""
from __future__ import annotations

import io

import pytest
from rdflib import URIRef
from werkzeug.datastructures import FileStorage

from ckanext.dcat.profiles import DCAT
from tests.access.conftest import add_upload
from tests.access.test_offline import PDF, _call, _complete_offlining
from tests.dcat.conftest import site_context
from tests.dcat.test_dcat import SITE, access_urls, dataset_ref, platform_route
from tests.sharing.conftest import PROVIDER, entry

pytestmark = pytest.mark.usefixtures("data")


@pytest.fixture(scope="module")
def gone(data) -> dict:
    """An unconditional entry taken offline (Art 20)."""
    import ckan.plugins.toolkit as tk
    w = data.world
    gone = tk.get_action("package_create")(site_context(), entry(PROVIDER, "已下线的派出所名录", "unconditional"))
    app = _call(w.provider_admin, "catalog_offline_apply", package_id=gone["id"],
                reason="该目录对应的业务已由省级系统承接",
                attachment_upload=FileStorage(stream=io.BytesIO(PDF), filename="目录下线申请表.pdf",
                                              content_type="application/pdf"))
    assert _call(w.operator, "catalog_offline_review", id=app["id"], decision="approve",
                 notes="无部门使用")["state"] == "offline"
    return gone


def test_an_offline_entry_leaves_the_catalog_and_its_route(app, tokens, get_rdf, data, gone):
    w = data.world
    graph, body = get_rdf(w.other_admin, "/catalog.ttl")
    assert dataset_ref(gone) not in set(graph.objects(URIRef(SITE), DCAT.dataset))
    assert gone["title"] not in body
    response = app.get(f"/dataset/{gone['id']}.ttl", headers=tokens[w.other_admin])
    assert response.status_code == 403 and gone["title"] not in response.get_data(as_text=True)
    for keeper in (w.provider_admin, w.operator, w.authority):
        graph, _ = get_rdf(keeper, f"/dataset/{gone['id']}.ttl")
        assert (dataset_ref(gone), DCAT.distribution, None) in graph, keeper


def test_an_offline_resource_loses_its_location_for_a_grant(get_rdf, data):
    """A request delivered to the scoped user opens both files of a conditional entry; one is
    taken offline (Art 21): its location goes, the other stays."""
    import ckan.plugins.toolkit as tk
    w = data.world
    held = tk.get_action("package_create")(site_context(), entry(PROVIDER, "户籍人口核验结果", "conditional"))
    kept, going = add_upload(held["id"]), add_upload(held["id"], name="将下线的数据.csv")
    req = _call(w.consumer_member, "share_request_create", package_id=held["name"],
                purpose="社会保障待遇资格认证时核验参保人身份", basis="《社会保险法》第七十四条",
                scope_users=[w.consumer_scoped], valid_until="2099-12-31", sharing_method="platform")
    _call(w.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    assert _call(w.operator, "share_request_deliver", id=req["id"])["state"] == "delivered"
    graph, _ = get_rdf(w.consumer_scoped, f"/dataset/{held['id']}.ttl")
    assert {platform_route(kept["id"]), platform_route(going["id"])} <= access_urls(graph)
    _complete_offlining(w, held["id"], going["id"])
    graph, _ = get_rdf(w.consumer_scoped, f"/dataset/{held['id']}.ttl")
    assert platform_route(going["id"]) not in access_urls(graph)
    assert platform_route(kept["id"]) in access_urls(graph)
