"""One place that gathers what each capability registers, and the hooks CKAN calls.

**The one convention.** A capability is a package listed in :data:`CAPABILITIES`. It registers
what it offers through modules of fixed names, each with one function that returns an explicit
mapping (names written out, never found by scanning ``globals()`` or by a prefix):

- ``actions`` (a module, or a package such as ``lifecycle/actions/``): ``get_actions()`` →
  ``{name: action}``;
- ``auth``: ``get_auth_functions()`` → ``{name: auth function}``;
- ``helpers``: ``get_helpers()`` → ``{name: template helper}``;
- ``validators``: ``get_validators()`` → ``{name: validator}``;
- ``views``: ``get_blueprints()`` → ``[Blueprint, ...]``.

A capability without one of these modules registers nothing of that kind. Functions rather than
``__all__``, because some registrations depend on the site (the DataStore's and activity's reads
exist only with their plugins) and some are built per name (the access and cascade guards).

:func:`gather` walks the list once per kind and raises :class:`DuplicateRegistration`, naming
both modules, when two of them register the same name: each core action (``package_show``,
``package_search``, ...) has one chained action and one auth override in the whole extension, and
no dict order silently picks a winner. ``tests/test_registry.py`` checks that every public
function of an ``actions`` module is registered and that the names are the published contract.
A new flow, file by file: docs/how-to-add-a-rule.md.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable

from .access import activity as access_activity
from .access import labels as access_labels
from .access import policy as access_policy
from .access import redact as access_redact
from .access import search as access_search
from .cascade import harvester as cascade_harvester
from .cascade import redact as cascade_redact
from .cascade import upward as cascade_upward
from .catalog import bulk as catalog_bulk
from .catalog import indexing as catalog_indexing
from .catalog import search as catalog_search
from .dcat import indexing as dcat_indexing
from .grading import grades as grading_grades
from .lifecycle import visibility as lifecycle_visibility
# Imported for what importing them does: each workflow registers its source of notices (notify/)
# and its deadline counter (calendar recount), sharing first.
from .sharing import inbox as sharing_inbox  # noqa: F401,I001
from .lifecycle import inbox as lifecycle_inbox  # noqa: F401
from .demand import inbox as demand_inbox  # noqa: F401
from .sharing import recount as sharing_recount  # noqa: F401,I001
from .lifecycle import recount as lifecycle_recount  # noqa: F401
from .demand import recount as demand_recount  # noqa: F401
from .correction import inbox as correction_inbox  # noqa: F401
from .correction import recount as correction_recount  # noqa: F401
from .ops import services as ops_services
from .ops import startup as ops_startup
from .search import index_once as search_index_once
from .search import segment as search_segment
from .security import throttle as security_throttle

#: Every capability, in the order it registers (blueprints in this order: a page hook of an earlier
#: one runs first). The package itself holds the portal-wide helpers.
CAPABILITIES: tuple[str, ...] = (
    "ckanext.liuzhou",
    "ckanext.liuzhou.catalog",
    "ckanext.liuzhou.transfer",
    "ckanext.liuzhou.sharing",
    "ckanext.liuzhou.notify",
    "ckanext.liuzhou.access",
    "ckanext.liuzhou.lifecycle",
    "ckanext.liuzhou.correction",
    "ckanext.liuzhou.cascade",
    "ckanext.liuzhou.evaluation",
    "ckanext.liuzhou.scenario",
    "ckanext.liuzhou.search",
    "ckanext.liuzhou.calendar",
    "ckanext.liuzhou.audit",
    "ckanext.liuzhou.security",
    "ckanext.liuzhou.ops",
    "ckanext.liuzhou.dcat",
    "ckanext.liuzhou.demand",
    "ckanext.liuzhou.grading",
)

#: kind -> (module name in a capability, its function)
KINDS: dict[str, tuple[str, str]] = {
    "action": ("actions", "get_actions"),
    "auth function": ("auth", "get_auth_functions"),
    "helper": ("helpers", "get_helpers"),
    "validator": ("validators", "get_validators"),
    "blueprint": ("views", "get_blueprints"),
}


class DuplicateRegistration(Exception):
    """Two modules register the same name of one kind."""


def _module(capability: str, name: str):
    dotted = f"{capability}.{name}"
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as e:
        if e.name == dotted:
            return None  # this capability registers nothing of the kind
        raise


def sources(kind: str, capabilities: Iterable[str] = CAPABILITIES) -> Iterable[tuple[str, Callable]]:
    """(module name, its ``get_*`` function) of every capability registering ``kind``."""
    module_name, function = KINDS[kind]
    for capability in capabilities:
        module = _module(capability, module_name)
        if module is not None:
            yield module.__name__, getattr(module, function)


def gather(kind: str, found: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``{name: (object, module)}`` of every registration; :class:`DuplicateRegistration`
    when a name comes twice."""
    out: dict[str, tuple[Any, str]] = {}
    for source, registered in found:
        items = ((bp.name, bp) for bp in registered) if kind == "blueprint" else registered.items()
        for name, obj in items:
            if name in out:
                raise DuplicateRegistration(
                    f"{kind} {name!r} is registered twice: by {out[name][1]} and by {source}")
            out[name] = (obj, source)
    return out


def _registered(kind: str) -> dict[str, Any]:
    return {name: obj for name, (obj, _) in
            gather(kind, ((source, get()) for source, get in sources(kind))).items()}


def actions() -> dict[str, Any]:
    return _registered("action")


def auth_functions() -> dict[str, Any]:
    return _registered("auth function")


def helpers() -> dict[str, Any]:
    return _registered("helper")


def validators() -> dict[str, Any]:
    return _registered("validator")


def blueprints() -> list:
    return list(_registered("blueprint").values())


def login():
    """IAuthenticator.login: a throttled account's sign-in is refused (security/throttle.py)."""
    return security_throttle.login()


def authenticate(identity: dict):
    """IAuthenticator.authenticate: failed sign-ins are counted per account."""
    return security_throttle.authenticate(identity)


def install_listeners() -> None:
    """Database listeners: activity copies of entries never hold resource locations. And the
    harvest's path to the catalog's bulk saving (the cascade does not import the catalog)."""
    access_activity.install()
    ops_services.install_index_guard()  # Solr down: entries still save, `ckan liuzhou reindex` catches up
    search_index_once.install()  # one Solr update per entry per commit (after the guard: it wraps it)
    cascade_harvester.use_bulk_path(catalog_bulk)  # the harvest saves through the catalog's bulk path


def app_made() -> None:
    """The web app is made, on one thread: build CKAN's lazy action and auth tables now, and
    load the query segmenter's dictionary in the background (about 1.5 s, once a process)."""
    ops_startup.build_tables()
    search_segment.warm()


def before_dataset_index(pkg_dict: dict) -> dict:
    pkg_dict = access_search.index_document(catalog_indexing.before_dataset_index(pkg_dict))
    pkg_dict.update(lifecycle_visibility.index_fields(pkg_dict))  # Art 20: offline entries
    return dcat_indexing.before_dataset_index(pkg_dict)  # before ckanext-dcat's own hook


def before_dataset_search(search_params: dict) -> dict:
    # Art 20's offline filter is in the chained package_search (access/search.py): it needs the context's user
    search_params = cascade_upward.before_dataset_search(search_params)  # regional entries stay down
    return catalog_search.before_dataset_search(search_params)


def after_dataset_show(context: dict, pkg_dict: dict) -> None:
    """Resource locations only for the provider's users; the platform route for readers."""
    if not context.get("ignore_auth"):
        access_redact.redact_package(pkg_dict, access_policy.context_reader(context))
    cascade_redact.after_show(context, pkg_dict)  # a harvest source's credentials
    grading_grades.fill_default(pkg_dict)  # an entry stored before grading reads as general


def after_dataset_search(search_results: dict, search_params: dict) -> dict:
    cascade_redact.after_search(search_results)  # a harvest source's credentials
    for pkg_dict in search_results.get("results") or []:
        grading_grades.fill_default(pkg_dict)  # an entry stored before grading reads as general
    return catalog_search.after_dataset_search(search_results, search_params)


def get_dataset_labels(dataset_obj) -> list[str]:
    return access_labels.get_dataset_labels(dataset_obj)


def get_user_dataset_labels(user_obj) -> list[str]:
    return access_labels.get_user_dataset_labels(user_obj)


def dataset_facets(facets_dict, package_type: str):
    return catalog_search.dataset_facets(facets_dict, package_type)
