"""The plugin gathers what the capability modules declare; no logic lives here."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import registry


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers(registry.helpers)
@tk.blanket.validators(registry.validators)
@tk.blanket.blueprints(registry.blueprints)
@tk.blanket.actions(registry.actions)
@tk.blanket.auth_functions(registry.auth_functions)
class LiuzhouPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "liuzhou")
        registry.install_listeners()

    # IMiddleware (CKAN's action and auth tables built before the worker's threads serve)
    def make_middleware(self, app, config):
        registry.app_made()
        return app

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        return registry.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params):
        return registry.before_dataset_search(search_params)

    def after_dataset_show(self, context, pkg_dict):
        registry.after_dataset_show(context, pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        return registry.after_dataset_search(search_results, search_params)

    # IAuthenticator (sign-in throttling)
    def login(self):
        return registry.login()

    def authenticate(self, identity):
        return registry.authenticate(identity)

    # IPermissionLabels (CKAN's labels; a user's computed once per transaction)
    def get_dataset_labels(self, dataset_obj):
        return registry.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return registry.get_user_dataset_labels(user_obj)

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        return registry.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return registry.dataset_facets(facets_dict, package_type or "catalog")
