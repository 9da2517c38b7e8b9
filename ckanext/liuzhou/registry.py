"""One place that gathers each capability's actions, auth, validators, helpers and hooks."""
from __future__ import annotations

from typing import Any

from . import helpers as core_helpers
from .access import actions as access_actions
from .access import activity as access_activity
from .access import auth as access_auth
from .access import helpers as access_helpers
from .access import labels as access_labels
from .access import policy as access_policy
from .access import redact as access_redact
from .access import search as access_search
from .access import views as access_views
from .audit import helpers as audit_helpers
from .audit import views as audit_views
from .calendar import helpers as calendar_helpers
from .cascade import actions as cascade_actions
from .cascade import auth as cascade_auth
from .cascade import helpers as cascade_helpers
from .cascade import redact as cascade_redact
from .cascade import upward as cascade_upward
from .cascade import views as cascade_views
from .catalog import actions as catalog_actions
from .catalog import auth as catalog_auth
from .catalog import helpers as catalog_helpers
from .catalog import indexing as catalog_indexing
from .catalog import search as catalog_search
from .catalog import validators as catalog_validators
from .catalog import views as catalog_views
from .evaluation import actions as evaluation_actions
from .evaluation import auth as evaluation_auth
from .evaluation import helpers as evaluation_helpers
from .evaluation import views as evaluation_views
from .lifecycle import actions as lifecycle_actions
from .lifecycle import auth as lifecycle_auth
from .lifecycle import helpers as lifecycle_helpers
from .lifecycle import views as lifecycle_views
from .sharing import inbox as sharing_inbox  # noqa: F401,I001  (registers its source of notices first)
from .lifecycle import inbox as lifecycle_inbox  # noqa: F401  (registers its source of notices)
from .sharing import recount as sharing_recount  # noqa: F401,I001  (registers its deadline counter first)
from .lifecycle import recount as lifecycle_recount  # noqa: F401  (registers its deadline counter)
from .lifecycle import visibility as lifecycle_visibility
from .ops import activity_count as ops_activity_count
from .notify import actions as notifications
from .notify import auth as notification_auth
from .ops import services as ops_services
from .ops import startup as ops_startup
from .search import actions as search_actions
from .search import auth as search_auth
from .search import helpers as search_helpers
from .search import segment as search_segment
from .search import views as search_views
from .security import headers as security_headers
from .security import passwords as security_passwords
from .security import throttle as security_throttle
from .security import validators as security_validators
from .sharing import actions as sharing_actions
from .sharing import auth as sharing_auth
from .sharing import helpers as sharing_helpers
from .sharing import views as sharing_views


def actions() -> dict[str, Any]:
    return {**catalog_actions.get_actions(), **sharing_actions.get_actions(), **notifications.get_actions(),
            **access_actions.get_actions(), **lifecycle_actions.get_actions(), **cascade_actions.get_actions(),
            **evaluation_actions.get_actions(), **search_actions.get_actions(),
            **ops_activity_count.get_actions()}


def auth_functions() -> dict[str, Any]:
    return {**catalog_auth.get_auth_functions(), **sharing_auth.get_auth_functions(), **notification_auth.get_auth_functions(),
            **lifecycle_auth.get_auth_functions(), **access_auth.get_auth_functions(),
            **cascade_auth.get_auth_functions(), **evaluation_auth.get_auth_functions(),
            **search_auth.get_auth_functions()}


def helpers() -> dict[str, Any]:
    return {**core_helpers.get_helpers(), **catalog_helpers.get_helpers(), **sharing_helpers.get_helpers(),
            **lifecycle_helpers.get_helpers(), **access_helpers.get_helpers(), **cascade_helpers.get_helpers(),
            **evaluation_helpers.get_helpers(), **search_helpers.get_helpers(),
            **calendar_helpers.get_helpers(), **audit_helpers.get_helpers()}


def validators() -> dict[str, Any]:
    return {**catalog_validators.get_validators(), **security_passwords.get_validators(),
            **security_validators.get_validators()}


def blueprints() -> list:
    return [*catalog_views.get_blueprints(), *sharing_views.get_blueprints(), *access_views.get_blueprints(),
            *lifecycle_views.get_blueprints(), *cascade_views.get_blueprints(), *evaluation_views.get_blueprints(),
            *search_views.get_blueprints(), *audit_views.get_blueprints(),
            security_headers.blueprint(),
            *ops_services.get_blueprints()]


def login():
    """IAuthenticator.login: a throttled account's sign-in is refused (security/throttle.py)."""
    return security_throttle.login()


def authenticate(identity: dict):
    """IAuthenticator.authenticate: failed sign-ins are counted per account."""
    return security_throttle.authenticate(identity)


def install_listeners() -> None:
    """Database listeners: activity copies of entries never hold resource locations."""
    access_activity.install()
    ops_services.install_index_guard()  # Solr down: entries still save, `ckan liuzhou reindex` catches up


def app_made() -> None:
    """The web app is made, on one thread: build CKAN's lazy action and auth tables now, and
    load the query segmenter's dictionary in the background (about 1.5 s, once a process)."""
    ops_startup.build_tables()
    search_segment.warm()


def before_dataset_index(pkg_dict: dict) -> dict:
    pkg_dict = access_search.index_document(catalog_indexing.before_dataset_index(pkg_dict))
    pkg_dict.update(lifecycle_visibility.index_fields(pkg_dict))  # Art 20: offline entries
    return pkg_dict


def before_dataset_search(search_params: dict) -> dict:
    # Art 20's offline filter is in the chained package_search (access/search.py): it needs the context's user
    search_params = cascade_upward.before_dataset_search(search_params)  # regional entries stay down
    return catalog_search.before_dataset_search(search_params)


def after_dataset_show(context: dict, pkg_dict: dict) -> None:
    """Resource locations only for the provider's users; the platform route for readers."""
    if not context.get("ignore_auth"):
        access_redact.redact_package(pkg_dict, access_policy.context_reader(context))
    cascade_redact.after_show(context, pkg_dict)  # a harvest source's credentials


def after_dataset_search(search_results: dict, search_params: dict) -> dict:
    cascade_redact.after_search(search_results)  # a harvest source's credentials
    return catalog_search.after_dataset_search(search_results, search_params)


def get_dataset_labels(dataset_obj) -> list[str]:
    return access_labels.get_dataset_labels(dataset_obj)


def get_user_dataset_labels(user_obj) -> list[str]:
    return access_labels.get_user_dataset_labels(user_obj)


def dataset_facets(facets_dict, package_type: str):
    return catalog_search.dataset_facets(facets_dict, package_type)
