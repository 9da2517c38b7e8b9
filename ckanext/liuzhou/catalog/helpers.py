"""Template helpers of the catalog: choice labels, the department tree, home-page figures.

Markup lives in the templates; these return plain data.
"""
from __future__ import annotations

from typing import Any, Optional

import flask

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from .. import authz
from .. import tree
from . import links, vocab

_ = tk._

CATALOG_TYPE = "catalog"


def N_(msgid: str) -> str:
    """Marks a msgid for extraction without translating it here."""
    return msgid


# CKAN core msgids this portal words its own way (organizations are departments, datasets
# are catalog entries, and a few core Chinese translations are wrong or missing). They are
# listed so extraction keeps them in our catalogue, which CKAN merges over its own.
CORE_WORDING = (
    N_("Organization"), N_("Organizations"), N_("Dataset"), N_("Datasets"),
    N_("Log in"), N_("Login"), N_("Data and Resources"), N_("This dataset has no data"),
    N_("Followers"), N_("Profile settings"), N_("Clear All"), N_("Created"),
    # CKAN's dataset pages title the type itself: _(dataset_type.title()) and + "s"
    N_("Catalog"), N_("Catalogs"),
    N_("Skip to main content"), N_("News feed"), N_("Data"),
    N_("active"), N_("draft"), N_("deleted"), N_("Reorder resources"),
    N_('You can use <a href="#markdown" title="Markdown quick reference" data-bs-toggle="popover" '
       'data-bs-content="%(markdown_tooltip)s" data-bs-html="true">Markdown formatting</a> here'),
)

# Which form fields are shown only for some values of another field; each is required when
# shown. It mirrors the rules the validators enforce (Art 15, Art 22); the form's JS module
# reads it from data attributes and the stylesheet marks the shown fields as required.
FORM_CONDITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sharing_conditions": ("sharing_type", ("conditional",)),
    "legal_basis": ("sharing_type", ("conditional", "not_shared")),
    "open_conditions": ("open_attribute", ("conditional_open",)),
    "lead_department": ("classification", ("base", "theme")),
}


# --- choices -----------------------------------------------------------------------------

def liuzhou_subclass_choices(field=None) -> list[dict]:
    """All sub-classes, labelled with their classification, for the scheming select."""
    cls_label = {"base": ("基础", "Base"), "theme": ("主题", "Theme"), "department": ("部门", "Department")}
    choices = []
    for cls, rows in vocab.SUBCLASSES.items():
        zh, en = cls_label[cls]
        for code, label_zh, label_en in rows:
            choices.append({
                "value": code,
                "label": {"zh_Hans_CN": f"{zh} · {label_zh}", "en": f"{en} · {label_en}"},
                "classification": cls,
            })
    return choices


def liuzhou_department_choices(field=None) -> list[dict]:
    """Every active department in tree order, indented by depth, for a scheming select."""
    return tree.choices()


def _schema_field(field_name: str, entity: str, object_type: str) -> Optional[dict]:
    """A field of a scheming schema; entity is "dataset", "resource" or "organization"."""
    h = tk.h
    if entity == "organization":
        schema = h.scheming_get_organization_schema(object_type) or {}
        fields = schema.get("fields") or []
    else:
        schema = h.scheming_get_dataset_schema(object_type) or {}
        fields = schema.get("resource_fields" if entity == "resource" else "dataset_fields") or []
    parent, _sep, child = field_name.partition(".")
    for f in fields:
        if f.get("field_name") != parent:
            continue
        if not child:
            return f
        for sub in f.get("repeating_subfields") or []:
            if sub.get("field_name") == child:
                return sub
    return None


def liuzhou_choice_label(field_name: str, value: Any, entity: str = "dataset",
                         object_type: str = CATALOG_TYPE) -> str:
    """The label (in the user's language) of a stored code, from the scheming schema.

    ``field_name`` may name a sub-field as ``information_items.data_type``; ``entity`` is
    "dataset", "resource" or "organization". Unknown codes are returned as they are.
    """
    if value in (None, ""):
        return ""
    labels = _choice_labels(field_name, entity, object_type)
    if labels is None:
        return str(value)
    if isinstance(value, str) and value in labels:
        return labels[value]
    h = tk.h  # a code the schema does not list: scheming's own fallback
    return h.scheming_choices_label(h.scheming_field_choices(
        _schema_field(field_name, entity, object_type)) or [], value)


def _choice_labels(field_name: str, entity: str, object_type: str) -> Optional[dict[str, str]]:
    """{code: label in the user's language} of a choice field (None: no such field), worked
    out once per request: a search page asks for four labels of each of its results."""
    def labels() -> Optional[dict[str, str]]:
        field = _schema_field(field_name, entity, object_type)
        if field is None:
            return None
        h = tk.h
        return {c["value"]: h.scheming_language_text(c.get("label", c["value"]))
                for c in h.scheming_field_choices(field) or []}
    if not flask.has_app_context():
        return labels()
    try:
        lang = tk.h.lang()
    except (RuntimeError, TypeError, AttributeError):  # no request: a job or the CLI
        lang = None
    cache = flask.g.setdefault("_liuzhou_choice_labels", {})
    key = (field_name, entity, object_type, lang)
    if key not in cache:
        cache[key] = labels()
    return cache[key]


def liuzhou_level_label(level: Optional[str]) -> str:
    """市 / 县（区）/ 乡（镇）/ 村（社区） from the department schema."""
    return liuzhou_choice_label("level", level, "organization", "organization")


def liuzhou_choice_counts(field_name: str, facet_items: list[dict]) -> list[dict]:
    """Every choice of a field in schema order, with its count from search facet items."""
    counts = {i["name"]: i["count"] for i in facet_items or []}
    field = _schema_field(field_name, "dataset", CATALOG_TYPE) or {}
    h = tk.h
    return [{"value": c["value"], "label": h.scheming_language_text(c["label"]),
             "count": counts.get(c["value"], 0)}
            for c in h.scheming_field_choices(field) or []]


# --- the form ----------------------------------------------------------------------------

def liuzhou_form_condition(field_name: str) -> Optional[dict]:
    """{"field": …, "values": [...]} when the field is shown only for those values."""
    cond = FORM_CONDITIONS.get(field_name)
    return {"field": cond[0], "values": list(cond[1])} if cond else None


def liuzhou_subclass_parents() -> dict[str, str]:
    """sub-class code → its classification, for filtering the sub-class select."""
    return dict(vocab.SUBCLASS_OF)


# --- departments -------------------------------------------------------------------------

def liuzhou_department(ref: Optional[str]) -> Optional[dict]:
    """A department by name or id: {name, title, level, level_label, path: [ancestors…]}."""
    if not ref:
        return None
    chain = tree.ancestry(ref)
    if not chain:
        return None
    me = dict(chain[0])
    me["level_label"] = liuzhou_level_label(me.get("level"))
    me["path"] = [{"name": d["name"], "title": d["title"]} for d in reversed(chain[1:])]
    return me


def liuzhou_org_title(name: Optional[str]) -> str:
    """The title of an organization by name or id (the reference itself when unknown); one
    query per department and transaction however often a page asks."""
    if not name:
        return ""
    return authz.org_title(name) or name


def liuzhou_org_titles(refs: list[Optional[str]]) -> list[str]:
    """:func:`liuzhou_org_title` of each reference, read in one query (e.g. the footer's
    Authority and Operator)."""
    authz.preload_groups([r for r in refs if r])
    return [liuzhou_org_title(r) for r in refs]


# --- the home page -----------------------------------------------------------------------

def liuzhou_home_stats(latest: int = 6) -> dict:
    """Figures for the home page, as the current user may see them.

    entries, departments, by_classification [{value, label, count}], by_sharing, latest.
    """
    context = {"user": tk.current_user.name if tk.current_user else None}
    try:
        result = tk.get_action("package_search")(context, {
            "q": "", "fq": f"+dataset_type:{CATALOG_TYPE}", "rows": latest,
            "sort": "metadata_created desc", "include_private": True,
            "facet.field": ["classification", "sharing_type"], "facet.limit": -1,
        })
    except SearchError:  # Solr down: the page still renders, like CKAN's own home page
        result = {"count": 0, "results": [], "search_facets": {}}
    facets = result.get("search_facets") or {}
    departments = model.Session.query(model.Group.id).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").count()
    return {
        "entries": result["count"],
        "departments": departments,
        "by_classification": liuzhou_choice_counts(
            "classification", facets.get("classification", {}).get("items")),
        "by_sharing": liuzhou_choice_counts(
            "sharing_type", facets.get("sharing_type", {}).get("items")),
        "latest": result["results"],
    }


# --- names of things (CKAN's humanize_entity_type, chained) ------------------------------

# purpose -> msgid; humanize_entity_type translates only the one a template asks for (the
# search page asks eight times).
CATALOG_LABELS = {
    "add link": N_("Add catalog entry"),
    "breadcrumb": N_("Data catalog"),
    "content tab": N_("Catalog entries"),
    "create label": N_("Publish catalog entry"),
    "create title": N_("Publish catalog entry"),
    "delete confirmation": N_("Are you sure you want to delete this catalog entry?"),
    "description placeholder": N_("What the data covers, its scope and use"),
    "edit label": N_("Edit catalog entry"),
    "facet label": N_("Catalog entries"),
    "form label": N_("Catalog entry form"),
    "main nav": N_("Data catalog"),
    "my label": N_("My catalog entries"),
    "view label": N_("View catalog entry"),
    "name placeholder": N_("catalog-entry"),
    "no any objects": N_("There are no catalog entries yet"),
    "no associated label": N_("There are no catalog entries"),
    "no description": N_("There is no abstract for this catalog entry"),
    "no label": N_("No catalog entry"),
    "page title": N_("Data catalog"),
    "save label": N_("Save catalog entry"),
    "search placeholder": N_("Search the catalog..."),
    "search_placeholder": N_("Search the catalog..."),
    "update label": N_("Update catalog entry"),
    "activity_record": N_("catalog entry"),
}


DEPARTMENT_LABELS = {
    "add link": N_("Add department"),
    "breadcrumb": N_("Departments"),
    "content tab": N_("Departments"),
    "create label": N_("Create department"),
    "create title": N_("Create department"),
    "default label": N_("Department"),
    "delete confirmation": N_("Are you sure you want to delete this department?"),
    "description placeholder": N_("The department's duties, in a few words..."),
    "edit label": N_("Edit department"),
    "facet label": N_("Departments"),
    "form label": N_("Department form"),
    "main nav": N_("Departments"),
    "my label": N_("My departments"),
    "view label": N_("View department"),
    "name placeholder": N_("department"),
    "no any objects": N_("There are no departments yet"),
    "no description": N_("There is no description for this department"),
    "no label": N_("No department"),
    "page title": N_("Departments"),
    "save label": N_("Save department"),
    "search placeholder": N_("Search departments..."),
    "update label": N_("Update department"),
    "you not member": N_("You are not a member of any department."),
    "user not member": N_("This user is not a member of any department."),
}


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str, purpose: str):
    """Chinese names for the catalog (目录 / 数据目录) and departments (部门)."""
    if entity_type == "package" and object_type == CATALOG_TYPE:
        msgid = CATALOG_LABELS.get(purpose)
        if msgid:
            return _(msgid)
    if entity_type == "organization" and object_type == "organization":
        msgid = DEPARTMENT_LABELS.get(purpose)
        if msgid:
            return _(msgid)
    return next_helper(entity_type, object_type, purpose)


def get_helpers() -> dict:
    return {
        "liuzhou_subclass_choices": liuzhou_subclass_choices,
        "liuzhou_department_choices": liuzhou_department_choices,
        "liuzhou_choice_label": liuzhou_choice_label,
        "liuzhou_choice_counts": liuzhou_choice_counts,
        "liuzhou_level_label": liuzhou_level_label,
        "liuzhou_form_condition": liuzhou_form_condition,
        "liuzhou_subclass_parents": liuzhou_subclass_parents,
        "liuzhou_department": liuzhou_department,
        "liuzhou_org_title": liuzhou_org_title,
        "liuzhou_org_titles": liuzhou_org_titles,
        "liuzhou_home_stats": liuzhou_home_stats,
        "humanize_entity_type": humanize_entity_type,
        "liuzhou_add_url_param": links.liuzhou_add_url_param,
        "liuzhou_remove_url_param": links.liuzhou_remove_url_param,
        "liuzhou_facet_href": links.liuzhou_facet_href,
    }
