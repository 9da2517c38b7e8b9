"""The platform's DCAT profile: a catalog entry (目录) in DCAT / DCAT-AP terms.

Registered as the ``liuzhou`` profile of ckanext-dcat (setup.py, group ``ckan.rdf.profiles``;
``ckanext.dcat.rdf.profiles = liuzhou`` in portal.ini). It writes the graph from the dict that
``package_show`` / ``package_search`` gave the reader, after the access layer redacted it, and
adds nothing the reader could not see on the entry's page:

- the entry: ``dct:title``, ``dct:description`` (摘要), ``dct:identifier`` (信息资源代码, Art 13),
  ``dcat:keyword`` (tags), ``dct:issued`` (发布日期), ``dct:modified``, ``dct:language``,
  ``dcat:landingPage``, ``dct:accrualPeriodicity`` (更新周期, the EU frequency vocabulary);
- the provider (提供方, Art 13): ``dct:publisher``, a ``foaf:Organization`` with its name and
  its unified social credit code (``dct:identifier``);
- the sharing type (Art 22) as ``dct:accessRights`` in the EU access-right vocabulary
  (unconditional → PUBLIC, conditional → RESTRICTED, not_shared → NON_PUBLIC) with the
  schema's Chinese and English labels; the sharing conditions and the legal basis as a
  ``dct:rights`` statement;
- the information items (信息项, Art 13): ``dct:conformsTo`` a ``csvw:Schema`` whose ordered
  ``csvw:column`` list gives each item's identifier, name, XSD datatype, length and description;
- each resource as a ``dcat:Distribution`` (name, description, format); ``dcat:accessURL`` (and
  ``dcat:downloadURL`` for a file) only when the access layer says the reader may read that
  resource, and then the platform's route ``/data/<resource id>`` (Art 10–11: the platform is
  the single channel; the provider's own address never leaves it).
"""
from __future__ import annotations

from typing import Any, Optional

from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS, XSD, Namespace

import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import DCAT, DCT, FOAF, RDFProfile
from ckanext.dcat.utils import publisher_uri_organization_fallback, resource_uri

from ..access import redact

CSVW = Namespace("http://www.w3.org/ns/csvw#")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")

#: 更新周期 → the EU frequency vocabulary (DCAT-AP's controlled list for dct:accrualPeriodicity).
FREQUENCIES = {
    "realtime": FREQUENCY.UPDATE_CONT, "daily": FREQUENCY.DAILY, "weekly": FREQUENCY.WEEKLY,
    "monthly": FREQUENCY.MONTHLY, "quarterly": FREQUENCY.QUARTERLY,
    "half_yearly": FREQUENCY.ANNUAL_2, "yearly": FREQUENCY.ANNUAL, "irregular": FREQUENCY.IRREG,
}
#: 共享类型 (Art 22) → the EU access-right vocabulary.
ACCESS_RIGHTS = {
    "unconditional": ACCESS_RIGHT.PUBLIC,
    "conditional": ACCESS_RIGHT.RESTRICTED,
    "not_shared": ACCESS_RIGHT.NON_PUBLIC,
}
#: The national guide's data types of an information item → XSD datatypes.
DATATYPES = {
    "C": XSD.string, "M": XSD.string, "N": XSD.decimal, "Y": XSD.decimal, "D": XSD.date,
    "T": XSD.dateTime, "L": XSD.boolean, "G": XSD.base64Binary, "B": XSD.double,
    "I": XSD.integer, "F": XSD.float,
}
ZH = "zh"
_LABEL_LANGS = (("zh_Hans_CN", ZH), ("en", "en"))


class LiuzhouProfile(RDFProfile):
    """Serialises catalog entries (dataset type ``catalog``); it does not parse RDF."""

    def __init__(self, graph, dataset_type: str = "catalog", compatibility_mode: bool = False):
        # ckanext-dcat's serializer passes no type: its default, "dataset", has no schema here.
        super().__init__(graph, dataset_type="catalog", compatibility_mode=compatibility_mode)

    # -- the entry -------------------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict: dict, dataset_ref) -> None:
        g = self.g
        for prefix, namespace in (("dcat", DCAT), ("dct", DCT), ("foaf", FOAF), ("csvw", CSVW),
                                  ("skos", SKOS)):
            g.bind(prefix, namespace)
        d = dataset_dict
        g.add((dataset_ref, RDF.type, DCAT.Dataset))
        self._text(dataset_ref, DCT.title, d.get("title"))
        self._text(dataset_ref, DCT.description, d.get("notes"))
        if d.get("resource_code"):
            g.add((dataset_ref, DCT.identifier, Literal(d["resource_code"])))
        for tag in d.get("tags") or []:
            self._text(dataset_ref, DCAT.keyword, tag.get("name") if isinstance(tag, dict) else tag)
        self._add_date_triple(dataset_ref, DCT.issued, d.get("publish_date"))
        self._add_date_triple(dataset_ref, DCT.modified, d.get("metadata_modified"))
        g.add((dataset_ref, DCT.language, LANGUAGE.ZHO))
        if d.get("name"):
            g.add((dataset_ref, DCAT.landingPage,
                   URIRef("%s/%s/%s" % (_site_url(), d.get("type") or "catalog", d["name"]))))
        self._frequency(dataset_ref, d.get("update_cycle"))
        self._publisher(dataset_ref, d)
        self._access_rights(dataset_ref, d)
        self._information_items(dataset_ref, d.get("information_items"))
        for resource in d.get("resources") or []:
            if isinstance(resource, dict) and resource.get("id"):
                self._distribution(dataset_ref, d, resource)

    def _text(self, subject, predicate, value: Any) -> None:
        if value not in (None, ""):
            self.g.add((subject, predicate, Literal(str(value), lang=ZH)))

    def _labels(self, subject, field_name: str, value: str) -> None:
        """The schema's labels of a choice (Chinese first), as ``skos:prefLabel``."""
        field = self._schema_field(field_name) or {}
        for choice in field.get("choices") or []:
            if choice.get("value") == value:
                label = choice.get("label") or {}
                for key, lang in _LABEL_LANGS:
                    if isinstance(label, dict) and label.get(key):
                        self.g.add((subject, SKOS.prefLabel, Literal(label[key], lang=lang)))
                return

    def _field_label(self, field_name: str) -> str:
        """The schema's Chinese label of a field (共享条件, 法律依据 …)."""
        label = (self._schema_field(field_name) or {}).get("label")
        return (label.get("zh_Hans_CN") or "") if isinstance(label, dict) else str(label or "")

    def _frequency(self, subject, cycle: Optional[str]) -> None:
        frequency = FREQUENCIES.get(cycle or "")
        if frequency is not None:
            self.g.add((subject, DCT.accrualPeriodicity, frequency))
            self.g.add((frequency, RDF.type, DCT.Frequency))
            self._labels(frequency, "update_cycle", cycle)

    def _publisher(self, subject, d: dict) -> None:
        """The provider (提供方) and its unified social credit code."""
        org = d.get("organization") or {}
        uri = publisher_uri_organization_fallback(d) if org else None
        if not uri:
            return
        agent = URIRef(uri)
        self.g.add((subject, DCT.publisher, agent))
        self.g.add((agent, RDF.type, FOAF.Organization))
        self._text(agent, FOAF.name, org.get("title") or org.get("name"))
        if d.get("provider_credit_code"):
            self.g.add((agent, DCT.identifier, Literal(d["provider_credit_code"])))

    def _access_rights(self, subject, d: dict) -> None:
        """Art 22: the sharing type, and its conditions or legal basis as a rights statement."""
        sharing = d.get("sharing_type") or ""
        right = ACCESS_RIGHTS.get(sharing)
        if right is not None:
            self.g.add((subject, DCT.accessRights, right))
            self.g.add((right, RDF.type, DCT.RightsStatement))
            self._labels(right, "sharing_type", sharing)
        statements = [(key, d.get(key)) for key in ("sharing_conditions", "legal_basis") if d.get(key)]
        if statements:
            rights = BNode()
            self.g.add((subject, DCT.rights, rights))
            self.g.add((rights, RDF.type, DCT.RightsStatement))
            for key, text in statements:
                label = self._field_label(key)
                self._text(rights, RDFS.label, "%s：%s" % (label, text) if label else text)

    def _information_items(self, subject, items: Any) -> None:
        """信息项 as a CSVW schema: one column per item, in the entry's order."""
        rows = [i for i in items or [] if isinstance(i, dict)]
        if not rows:
            return
        schema = BNode()
        self.g.add((subject, DCT.conformsTo, schema))
        self.g.add((schema, RDF.type, CSVW.Schema))
        columns = []
        for item in rows:
            column = BNode()
            self.g.add((column, RDF.type, CSVW.Column))
            if item.get("identifier"):
                self.g.add((column, CSVW.name, Literal(str(item["identifier"]))))
            self._text(column, CSVW["title"], item.get("name"))
            self._text(column, DCT.description, item.get("description"))
            data_type = str(item.get("data_type") or "")
            if data_type in DATATYPES:
                self.g.add((column, CSVW.datatype, DATATYPES[data_type]))
                self.g.add((column, DCT.type, Literal(data_type)))
            length = str(item.get("length") or "").strip()
            if length.isdigit():
                self.g.add((column, CSVW.maxLength, Literal(int(length), datatype=XSD.nonNegativeInteger)))
            columns.append(column)
        head = BNode()
        Collection(self.g, head, columns)
        self.g.add((schema, CSVW.column, head))

    # -- its resources ---------------------------------------------------------------------
    def _distribution(self, subject, d: dict, resource: dict) -> None:
        g = self.g
        distribution = URIRef(resource_uri(dict(resource, package_id=resource.get("package_id") or d.get("id"))))
        g.add((subject, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        self._text(distribution, DCT.title, resource.get("name"))
        self._text(distribution, DCT.description, resource.get("description"))
        if resource.get("format"):
            g.add((distribution, DCT["format"], Literal(resource["format"])))
        if readable(d, resource):
            route = URIRef(redact.platform_url(resource["id"]))
            g.add((distribution, DCAT.accessURL, route))
            if resource.get("resource_type") == "file" or resource.get("url_type") == "upload":
                g.add((distribution, DCAT.downloadURL, route))

    # -- the catalog -----------------------------------------------------------------------
    def graph_from_catalog(self, catalog_dict: Optional[dict], catalog_ref) -> None:
        g = self.g
        g.bind("dcat", DCAT)
        g.bind("dct", DCT)
        g.add((catalog_ref, RDF.type, DCAT.Catalog))
        self._text(catalog_ref, DCT.title, tk.config.get("ckan.site_title"))
        self._text(catalog_ref, DCT.description, tk.config.get("ckan.site_description"))
        g.add((catalog_ref, FOAF.homepage, URIRef(_site_url() + "/")))
        g.add((catalog_ref, DCT.language, LANGUAGE.ZHO))


def readable(dataset_dict: dict, resource: dict) -> bool:
    """Whether the reader of this (redacted) dict may read the resource's data.

    The access layer's ``liuzhou_access.resources`` says so for a reader who does not own the
    entry (a grant opens only the resources its request delivered, Art 25–26; an offline
    resource is closed, Art 21); the provider's own users get the dict unredacted, and read
    what has a location."""
    access = dataset_dict.get(redact.ACCESS_KEY)
    if not isinstance(access, dict):
        return bool(resource.get("url"))
    one = (access.get("resources") or {}).get(resource.get("id")) or {}
    return bool(one.get("readable"))


def _site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")
