"""One home for the portal's options: each declared once in config_declaration.yaml, read only
through the typed accessors of ckanext/liuzhou/config.py, never with a default in code."""
import ast
import collections
import importlib.util
import inspect
import pathlib
import re

import pytest
import yaml

from ckanext.liuzhou import config as lz_config

PACKAGE = pathlib.Path(lz_config.__file__).parent
DECLARATION = yaml.safe_load((PACKAGE / "config_declaration.yaml").read_text("utf-8"))
KEY = re.compile(r"ckanext\.liuzhou\.[a-z_]+(\.[a-z_]+)*")


def _declared_keys() -> list[str]:
    return [option["key"] for group in DECLARATION["groups"] for option in group["options"]]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _option_keys_named(path: pathlib.Path) -> set[str]:
    """The ``ckanext.liuzhou.*`` option keys a module spells out as a string. Outside config.py
    a module path (``"ckanext.liuzhou.ops.soak"``) is not an option; config.py names only options
    (``ckanext.liuzhou.security.headers`` is both)."""
    tree = ast.parse(path.read_text("utf-8"))
    options_only = path == PACKAGE / "config.py"
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and KEY.fullmatch(node.value) and (options_only or not _is_module(node.value))}


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def test_each_option_is_declared_once_with_its_default_and_description():
    counts = collections.Counter(_declared_keys())
    assert [key for key, n in counts.items() if n > 1] == []
    options = [option for group in DECLARATION["groups"] for option in group["options"]]
    assert [o["key"] for o in options if "default" not in o or not o.get("description")] == []
    assert {o.get("type", "base") for o in options} <= {"base", "bool", "int", "list"}  # CKAN's types


def test_every_option_read_is_declared_and_only_config_py_names_one():
    declared = set(_declared_keys())
    named = {path.relative_to(PACKAGE).as_posix(): _option_keys_named(path) for path in _sources()}
    assert named["config.py"], "config.py names no option: the scan is broken"
    undeclared = sorted(f"{p}: {k}" for p, keys in named.items() for k in keys - declared)
    assert undeclared == []
    elsewhere = sorted(f"{p}: {k}" for p, keys in named.items() if p != "config.py" for k in keys)
    assert elsewhere == [], "read these through an accessor of config.py"


def test_every_declared_option_of_the_portal_has_its_accessor():
    named = _option_keys_named(PACKAGE / "config.py")
    ours = {key for key in _declared_keys() if key.startswith("ckanext.liuzhou.")}
    assert sorted(ours - named) == []


def _config_reads(tree: ast.AST):
    """Calls ``<...>config.get(...)`` and the ``or`` expressions whose left side is one."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and isinstance(node.func.value, (ast.Name, ast.Attribute))
                and ast.unparse(node.func.value).endswith("config")):
            yield node, parents.get(node)


def test_no_read_of_an_option_passes_a_default():
    """``tk.config.get(key)`` gives the declared default; a second argument, or an ``or``
    fallback, would be a second default that drifts from the declaration."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text("utf-8"))
        whole_module = path.name == "config.py" and path.parent == PACKAGE
        for call, parent in _config_reads(tree):
            key = call.args[0] if call.args else None
            ours = whole_module or (isinstance(key, ast.Constant) and isinstance(key.value, str)
                                    and key.value.startswith("ckanext.liuzhou."))
            if not ours or (isinstance(key, ast.Constant) and key.value == "smtp.server"):
                continue  # CKAN's own smtp.server, read by notification_email's ``auto``
            if len(call.args) > 1 or call.keywords:
                found.append(f"{path.name}:{call.lineno}: {ast.unparse(call)}")
            if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and parent.values[0] is call:
                found.append(f"{path.name}:{call.lineno}: {ast.unparse(parent)}")
    assert found == []


def test_the_checks_above_see_a_default_and_a_stray_key():
    """The scans are not blind: a default and a key outside config.py are found."""
    tree = ast.parse('x = tk.config.get("ckanext.liuzhou.download.timeout") or 30\n')
    (call, parent), = list(_config_reads(tree))
    assert isinstance(parent, ast.BoolOp)
    assert KEY.fullmatch("ckanext.liuzhou.download.timeout") and not _is_module("ckanext.liuzhou.download.timeout")
    assert _is_module("ckanext.liuzhou.access.policy")


def _accessors():
    return [(name, fn) for name, fn in vars(lz_config).items()
            if inspect.isfunction(fn) and fn.__module__ == lz_config.__name__ and not name.startswith("_")]


def test_every_accessor_gives_a_typed_value_from_the_declaration():
    accessors = _accessors()
    assert len(accessors) >= 35
    for name, accessor in accessors:
        value = accessor()
        assert isinstance(value, (str, int, bool, set, dict)), (name, value)


def test_accessors_give_the_declared_defaults():
    assert lz_config.download_timeout() == 30
    assert lz_config.schedule_harvest_minutes() == 5
    assert lz_config.keep_harvest_days() == 30
    assert lz_config.expiry_notice_workdays() == 5
    assert lz_config.anonymous_access() is False
    assert lz_config.security_frame_options() == "SAMEORIGIN"
    assert lz_config.security_csp().startswith("default-src 'self'; script-src") and "\n" not in lz_config.security_csp()
    assert lz_config.region_user() == "" and lz_config.download_allowed_hosts() == set()


@pytest.mark.ckan_config("ckanext.liuzhou.security.login_lock_minutes", "7")
@pytest.mark.ckan_config("ckanext.liuzhou.anonymous_access", "true")
@pytest.mark.ckan_config("ckanext.liuzhou.download.allowed_hosts", " 127.0.0.1  Data.GXZF.example ")
def test_accessors_type_a_value_set_as_text():
    assert lz_config.login_lock_minutes() == 7
    assert lz_config.anonymous_access() is True
    assert lz_config.download_allowed_hosts() == {"127.0.0.1", "data.gxzf.example"}
