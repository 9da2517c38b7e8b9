"""The portal's plugins load, declare their options and speak Chinese by default."""
import pytest

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action


def test_liuzhou_and_scheming_plugins_are_loaded():
    for name in ("liuzhou", "scheming_datasets", "scheming_organizations", "harvest", "dcat"):
        assert plugins.plugin_loaded(name), name


def test_status_show_lists_the_plugins():
    extensions = call_action("status_show")["extensions"]
    assert {"liuzhou", "scheming_datasets", "scheming_organizations"} <= set(extensions)


def test_every_option_is_declared_with_its_default():
    declaration = tk.config.get("ckanext.liuzhou.authority_org")
    assert declaration == "lzsdsjfzj"
    assert tk.config.get("ckanext.liuzhou.doctor.timeout") == 3  # typed by the declaration


def test_catalog_is_the_default_dataset_type():
    assert tk.config.get("ckan.default.package_type") == "catalog"
    schemas = call_action("scheming_dataset_schema_list")
    assert schemas == ["catalog"]


@pytest.mark.usefixtures("clean_db")
def test_home_page_is_in_chinese_by_default(app):
    body = app.get("/").body
    assert "柳州市数据共享交换平台" in body
    assert 'lang="zh' in body or "lang=\"zh_Hans_CN\"" in body


@pytest.mark.usefixtures("clean_db")
def test_english_is_offered(app):
    body = app.get("/en/").body
    assert 'lang="en"' in body


def test_every_action_of_the_extension_has_its_own_auth_function():
    """Style rule: an action checks access through an auth function of the same name.

    Derived from the registry, so a new action without one fails here.
    """
    from ckanext.liuzhou import registry

    actions = registry.actions()
    auth = registry.auth_functions()
    chained_core = {name for name, fn in actions.items() if getattr(fn, "chained_action", False)}
    missing = sorted(set(actions) - chained_core - set(auth))
    assert not missing, missing
    # the catalog's write path, the read actions the access layer redacts or checks, and the
    # harvest source list (the cascade hides sources' configuration and credentials), and the
    # package list (regional entries never go back up to the region's account), tag_show's
    # entries and the lists of followed entries (redacted like every list of entries), and the
    # header's count of new activities (one query, ops/activity_count.py)
    assert chained_core == {"dashboard_new_activities_count", "package_create", "package_update", "package_search",
                            "current_package_list_with_resources", "resource_search",
                            "datastore_search", "datastore_search_sql", "datastore_info", "harvest_source_list",
                            "package_list", "tag_show", "followee_list", "dataset_followee_list",
                            # ckanext-dcat's reads, in the platform's profile only (dcat/actions.py)
                            "dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search"}


def test_action_and_auth_tables_are_built_when_the_app_is_made(make_app):
    """CKAN fills both tables lazily, step by step; a second thread of a fresh worker could take
    a half-built one (a 500, or a core action in place of the chained one): the app builds
    them before it serves (ops/startup.py)."""
    from ckan import authz, logic
    from ckan.logic.action import get as core_get

    logic.clear_actions_cache()
    authz.clear_auth_functions_cache()
    assert not logic._actions and not authz._AuthFunctions._functions
    make_app()
    assert "package_delete" in authz._AuthFunctions._functions
    assert logic._actions["package_search"] is not core_get.package_search  # the chained access search
    assert logic._actions["share_request_create"]


@pytest.mark.usefixtures("clean_db")
def test_sign_in_form_is_in_chinese(app):
    body = app.get("/user/login").body
    assert "用户名或电子邮箱" in body and "Username or Email" not in body
