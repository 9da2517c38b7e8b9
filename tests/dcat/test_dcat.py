"""The catalog as DCAT (ckanext-dcat with the platform's profile, ckanext/liuzhou/dcat/):
signed-in users only (Art 10–11), the sharing type as access rights (Art 22), and a resource's
location only for a reader who may read it (Art 25–26), as the platform's route."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SKOS, XSD

import ckan.plugins.toolkit as tk
from ckan.lib.search import query as search_query

from ckanext.dcat.profiles import DCAT, DCT, FOAF
from ckanext.liuzhou.dcat.profile import ACCESS_RIGHT, CSVW, FREQUENCY
from tests.dcat.conftest import LOCATION, parse, site_context

pytestmark = pytest.mark.usefixtures("data")

SITE = "http://test.ckan.net"
FORMATS = ("ttl", "xml", "rdf", "jsonld")


def dataset_ref(entry: dict) -> URIRef:
    return URIRef(f"{SITE}/dataset/{entry['id']}")


def access_urls(graph) -> set[str]:
    return {str(o) for o in graph.objects(None, DCAT.accessURL)} | \
           {str(o) for o in graph.objects(None, DCAT.downloadURL)}


def platform_route(resource_id: str) -> str:
    return f"{SITE}/data/{resource_id}"


# --- visitors get nothing -------------------------------------------------------------------

def _routes(data) -> list[str]:
    entry = data.world.unconditional
    return ([f"/catalog.{fmt}" for fmt in FORMATS]
            + [f"/dataset/{entry['id']}.{fmt}" for fmt in FORMATS]
            + [f"/dataset/{entry['name']}.ttl", f"/dataset_series/{entry['id']}.ttl"])


def test_every_dcat_route_sends_a_visitor_to_sign_in(app, data):
    for path in _routes(data):
        response = app.get(path, follow_redirects=False)
        assert response.status_code in (302, 303), path
        assert "/user/login" in response.headers["Location"], path
        assert "dcat" not in response.get_data(as_text=True).lower(), path


@pytest.mark.ckan_config("ckanext.liuzhou.anonymous_access", "true")
def test_an_open_catalog_still_gives_visitors_no_dcat(app, data):
    """The Operator may open the catalog's pages to visitors; the exchange format stays closed."""
    assert app.get("/catalog/").status_code == 200  # the pages are open …
    for path in _routes(data):                     # … DCAT is not
        response = app.get(path, follow_redirects=False)
        assert response.status_code == 403, (path, response.status_code)
        assert data.world.unconditional["title"] not in response.get_data(as_text=True), path


@pytest.mark.parametrize("anonymous_access", ["false", "true"])
@pytest.mark.parametrize("action", ["dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search"])
def test_every_dcat_action_refuses_a_visitor(app, data, action, anonymous_access):
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(tk.config, "ckanext.liuzhou.anonymous_access", anonymous_access == "true")
        if anonymous_access == "true":  # the entry itself is open to visitors then; DCAT is not
            tk.get_action("package_show")({"user": "", "ignore_auth": False}, {"id": data.world.unconditional["id"]})
        with pytest.raises(tk.NotAuthorized):
            tk.get_action(action)({"user": "", "ignore_auth": False},
                                  {"id": data.world.unconditional["id"], "format": "ttl"})


def test_the_dcat_api_refuses_a_visitor(app, data):
    for action in ("dcat_catalog_show", "dcat_catalog_search"):
        response = app.get(f"/api/3/action/{action}?format=ttl")
        assert response.status_code == 403, action
    response = app.post("/api/3/action/dcat_dataset_show",
                        json={"id": data.world.unconditional["id"], "format": "ttl"})
    assert response.status_code == 403


# --- what a signed-in reader gets ------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reader_gets_an_entry_in_every_format_with_its_access_rights(get_rdf, data, fmt):
    graph, _ = get_rdf(data.world.consumer_member, f"/dataset/{data.world.conditional['id']}.{fmt}")
    ref = dataset_ref(data.world.conditional)
    assert (ref, RDF.type, DCAT.Dataset) in graph
    assert graph.value(ref, DCT.accessRights) == ACCESS_RIGHT.RESTRICTED
    assert Literal("有条件共享", lang="zh") in set(graph.objects(ACCESS_RIGHT.RESTRICTED, SKOS.prefLabel))


@pytest.mark.parametrize("sharing,right,label", [
    ("unconditional", ACCESS_RIGHT.PUBLIC, "无条件共享"),
    ("conditional", ACCESS_RIGHT.RESTRICTED, "有条件共享"),
    ("not_shared", ACCESS_RIGHT.NON_PUBLIC, "不予共享"),
])
def test_the_sharing_type_is_the_eu_access_right_with_its_chinese_label(get_rdf, data, sharing, right, label):
    entry = getattr(data.world, sharing)
    graph, _ = get_rdf(data.world.other_admin, f"/dataset/{entry['id']}.ttl")
    assert graph.value(dataset_ref(entry), DCT.accessRights) == right
    assert (right, RDF.type, DCT.RightsStatement) in graph
    assert Literal(label, lang="zh") in set(graph.objects(right, SKOS.prefLabel))


def test_the_catalog_schema_in_dcat_terms(get_rdf, data):
    entry = tk.get_action("package_show")(site_context(), {"id": data.world.conditional["id"]})
    graph, _ = get_rdf(data.world.consumer_member, f"/dataset/{entry['id']}.ttl")
    ref = dataset_ref(entry)
    assert graph.value(ref, DCT.title) == Literal(entry["title"], lang="zh")
    assert graph.value(ref, DCT.description) == Literal(entry["notes"], lang="zh")
    assert str(graph.value(ref, DCT.identifier)) == entry["resource_code"]
    assert graph.value(ref, DCT.accrualPeriodicity) == FREQUENCY.DAILY        # 每日
    assert graph.value(ref, DCAT.landingPage) == URIRef(f"{SITE}/catalog/{entry['name']}")
    # the provider and its unified social credit code
    publisher = graph.value(ref, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, FOAF.name) == Literal(entry["organization"]["title"], lang="zh")
    assert entry["provider_credit_code"]
    assert str(graph.value(publisher, DCT.identifier)) == entry["provider_credit_code"]
    # the sharing conditions and the legal basis (Art 22)
    rights = " ".join(str(o) for o in graph.objects(graph.value(ref, DCT.rights), None))
    assert entry["sharing_conditions"] in rights and entry["legal_basis"] in rights
    # the information items, in order, as CSVW columns
    schema = graph.value(ref, DCT.conformsTo)
    columns = list(Collection(graph, graph.value(schema, CSVW.column)))
    assert [str(graph.value(c, CSVW.name)) for c in columns] == ["gmsfhm", "xm", "csrq"]
    assert [str(graph.value(c, CSVW["title"])) for c in columns] == ["公民身份号码", "姓名", "出生日期"]
    assert graph.value(columns[2], CSVW.datatype) == XSD.date                # D 日期型
    assert graph.value(columns[0], CSVW.maxLength).toPython() == 18


def test_keywords_and_publication_date(get_rdf, data):
    entry = tk.get_action("package_patch")(site_context(), {
        "id": data.world.unconditional["id"], "tag_string": "派出所,地址", "publish_date": "2026-03-02"})
    graph, _ = get_rdf(data.world.consumer_member, f"/dataset/{entry['id']}.ttl")
    ref = dataset_ref(entry)
    assert set(graph.objects(ref, DCAT.keyword)) == {Literal("派出所", lang="zh"), Literal("地址", lang="zh")}
    assert graph.value(ref, DCT.issued) == Literal("2026-03-02", datatype=XSD.date)


# --- no location unless the reader may read it ------------------------------------------------

def test_no_access_url_without_a_grant(get_rdf, data):
    """人社局's member outside the request's scope reads the conditional entry's metadata only."""
    entry = data.world.conditional
    graph, body = get_rdf(data.world.consumer_member, f"/dataset/{entry['id']}.rdf")
    distributions = set(graph.objects(dataset_ref(entry), DCAT.distribution))
    assert len(distributions) == len(entry["resources"]) + 2      # + the upload and the table
    assert access_urls(graph) == set()
    assert LOCATION not in body and "/data/" not in body


def test_the_scope_of_a_delivered_request_gets_the_platform_route(get_rdf, data):
    entry = data.world.conditional
    graph, body = get_rdf(data.world.consumer_scoped, f"/dataset/{entry['id']}.rdf")
    shown = tk.get_action("package_show")(site_context(), {"id": entry["id"]})
    routes = {platform_route(r["id"]) for r in shown["resources"]}
    assert set(graph.objects(None, DCAT.accessURL)) == {URIRef(u) for u in routes}
    upload = data.upload["conditional"]["id"]
    assert set(graph.objects(None, DCAT.downloadURL)) == {URIRef(platform_route(upload))}
    assert LOCATION not in body                                    # never the provider's address


def test_a_grant_opens_only_the_resources_its_request_delivered(get_rdf, data, call_as):
    """A resource added after the delivery is not in the request (Art 25–26)."""
    added = tk.get_action("resource_create")(site_context(), {
        "package_id": data.world.conditional["id"], "name": "新增接口", "resource_type": "api",
        "url": f"{LOCATION}/api/new"})
    try:
        graph, _ = get_rdf(data.world.consumer_scoped, f"/dataset/{data.world.conditional['id']}.ttl")
        urls = access_urls(graph)
        assert platform_route(data.upload["conditional"]["id"]) in urls
        assert platform_route(added["id"]) not in urls
    finally:
        tk.get_action("resource_delete")(site_context(), {"id": added["id"]})


def test_an_unconditional_entry_is_readable_by_every_signed_in_department(get_rdf, data):
    graph, body = get_rdf(data.world.other_admin, f"/dataset/{data.world.unconditional['id']}.ttl")
    assert platform_route(data.upload["unconditional"]["id"]) in access_urls(graph)
    assert LOCATION not in body


def test_the_provider_gets_the_platform_route_not_its_own_address(get_rdf, data):
    graph, body = get_rdf(data.world.provider_admin, f"/dataset/{data.world.not_shared['id']}.ttl")
    assert platform_route(data.upload["not_shared"]["id"]) in access_urls(graph)
    assert LOCATION not in body


def test_a_not_shared_entry_has_no_location_for_other_departments(get_rdf, data):
    graph, body = get_rdf(data.world.consumer_scoped, f"/dataset/{data.world.not_shared['id']}.ttl")
    assert access_urls(graph) == set() and LOCATION not in body


def test_another_profile_cannot_be_asked_for(get_rdf, data):
    """``profiles`` is ignored: the platform's profile is the only serialisation."""
    entry = data.world.conditional
    graph, body = get_rdf(data.world.consumer_member,
                          f"/dataset/{entry['id']}.ttl?profiles=euro_dcat_ap_2,schemaorg")
    assert graph.value(dataset_ref(entry), DCT.accessRights) == ACCESS_RIGHT.RESTRICTED
    assert access_urls(graph) == set() and "schema.org" not in body


# --- the catalog: what the search shows the reader ---------------------------------------------

def test_the_catalog_lists_what_the_reader_may_see(get_rdf, data):
    private = tk.get_action("package_create")(site_context(), {
        **{k: data.world.county_conditional[k] for k in (
            "type", "notes", "classification", "subclass", "format_category", "sharing_type",
            "sharing_conditions", "legal_basis", "sharing_method", "sharing_method_type",
            "open_attribute", "update_cycle")},
        "title": "拉堡镇内部台账", "owner_org": data.world.county_conditional["owner_org"],
        "information_items": data.world.county_conditional["information_items"], "private": True})
    try:
        for fmt in ("ttl", "xml"):
            graph, body = get_rdf(data.world.consumer_member, f"/catalog.{fmt}")
            catalog = URIRef(SITE)
            assert (catalog, RDF.type, DCAT.Catalog) in graph
            listed = set(graph.objects(catalog, DCAT.dataset))
            for sharing in ("conditional", "not_shared", "unconditional", "county_conditional"):
                assert dataset_ref(getattr(data.world, sharing)) in listed, sharing
            assert dataset_ref(private) not in listed and "拉堡镇内部台账" not in body
            assert access_urls(graph) == {platform_route(data.upload["unconditional"]["id"]),
                                          platform_route(data.table["unconditional"]["resource_id"])} | {
                platform_route(r["id"]) for r in data.world.unconditional["resources"]}
            assert LOCATION not in body
        # as in ckanext-dcat, the catalog lists no private entry, not even to its department,
        # which gets it on its own route
        graph, _ = get_rdf(data.world.county_dept_admin, "/catalog.ttl")
        assert dataset_ref(private) not in set(graph.objects(URIRef(SITE), DCAT.dataset))
        graph, _ = get_rdf(data.world.county_dept_admin, f"/dataset/{private['id']}.ttl")
        assert (dataset_ref(private), RDF.type, DCAT.Dataset) in graph
    finally:
        tk.get_action("package_delete")(site_context(), {"id": private["id"]})


def test_an_entry_the_reader_may_not_see_is_refused(app, tokens, data):
    private = tk.get_action("package_patch")(site_context(), {
        "id": data.world.county_conditional["id"], "private": True})
    try:
        response = app.get(f"/dataset/{private['id']}.ttl", headers=tokens[data.world.consumer_member])
        assert response.status_code == 403
        assert private["title"] not in response.get_data(as_text=True)
    finally:
        tk.get_action("package_patch")(site_context(), {"id": private["id"], "private": False})


def test_the_catalog_actions_serialise_for_the_signed_in_caller(data, call_as):
    """Also outside a web request (a command, a job): the paging links need none."""
    for action in ("dcat_catalog_show", "dcat_catalog_search"):
        body = call_as(data.world.consumer_member, action, format="ttl", q="常住人口")
        graph = parse(body, "ttl")
        assert dataset_ref(data.world.conditional) in set(graph.subjects(RDF.type, DCAT.Dataset)), action
        assert access_urls(graph) == set(), action
    body = call_as(data.world.consumer_scoped, "dcat_dataset_show", id=data.world.conditional["id"], format="jsonld")
    assert platform_route(data.upload["conditional"]["id"]) in access_urls(parse(body, "jsonld"))


# --- ckanext-dcat's index hook stays off the information items ----------------------------------

def test_the_information_items_reach_the_index_as_names_only(data):
    conn = search_query.make_connection()
    doc = conn.search(q=f'id:"{data.world.conditional["id"]}"', fl="*").docs[0]
    assert not [k for k in doc if k.startswith("extras_information_items")]
    found = tk.get_action("package_search")(
        {"user": data.world.consumer_member}, {"q": "出生日期", "rows": 50})["results"]
    assert data.world.conditional["id"] in {r["id"] for r in found}


# --- hostile input ----------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search"])
def test_an_unknown_format_is_refused_with_a_field_message(data, call_as, action):
    with pytest.raises(tk.ValidationError) as refused:
        call_as(data.world.consumer_member, action, id=data.world.unconditional["id"], format="html")
    assert "format" in refused.value.error_dict


def test_an_unknown_format_on_a_route_is_a_client_error(app, tokens, data):
    for path in ("/catalog.foo", f"/dataset/{data.world.unconditional['id']}.foo"):
        response = app.get(path, headers=tokens[data.world.consumer_member])
        assert response.status_code == 409, (path, response.status_code)
