"""One way to register (ckanext/liuzhou/registry.py), and it fails loudly.

Each capability lists what it registers in its ``actions``/``auth``/``helpers``/``validators``/
``views`` module; the registry walks one list of capabilities and refuses a name registered twice.
"""
import ast
import importlib
import inspect
import json
import pathlib
import pkgutil

import pytest

from ckanext.liuzhou import registry

PACKAGE = pathlib.Path(registry.__file__).parent
CONTRACT = json.loads((pathlib.Path(__file__).parent / "registry_names.json").read_text("utf-8"))


@pytest.mark.parametrize("kind,registered", [
    ("actions", registry.actions), ("auth_functions", registry.auth_functions),
    ("helpers", registry.helpers), ("validators", registry.validators),
])
def test_the_registered_names_are_exactly_the_published_ones(kind, registered):
    """Clients outside this repository call these actions and templates these helpers: a name
    may not appear or vanish as a side effect of moving code (the list was recorded from main)."""
    names = set(registered())
    assert sorted(names - set(CONTRACT[kind])) == [], "registered but not in tests/registry_names.json"
    assert sorted(set(CONTRACT[kind]) - names) == [], "in tests/registry_names.json but no longer registered"


def test_the_blueprints_are_the_published_ones():
    assert sorted(bp.name for bp in registry.blueprints()) == CONTRACT["blueprints"]


def test_an_action_registered_twice_raises_naming_both_modules():
    """A second ``package_search`` chain (here from a stand-in module) is refused: no dict
    order decides which one CKAN runs."""
    found = [(source, get()) for source, get in registry.sources("action")]
    found.append(("tests.a_new_capability.actions", {"package_search": lambda context, data_dict: {}}))
    with pytest.raises(registry.DuplicateRegistration) as raised:
        registry.gather("action", found)
    message = str(raised.value)
    assert "'package_search'" in message
    assert "ckanext.liuzhou.access.actions" in message and "tests.a_new_capability.actions" in message


@pytest.mark.parametrize("kind", ["auth function", "helper", "validator"])
def test_every_kind_refuses_a_duplicate(kind):
    found = [(source, get()) for source, get in registry.sources(kind)]
    name, _ = next(iter(found[0][1].items()))
    found.append(("tests.elsewhere", {name: object()}))
    with pytest.raises(registry.DuplicateRegistration, match=f"'{name}' is registered twice: by {found[0][0]} "):
        registry.gather(kind, found)


def test_a_blueprint_name_registered_twice_raises():
    from flask import Blueprint

    found = [(source, get()) for source, get in registry.sources("blueprint")]
    found.append(("tests.elsewhere", [Blueprint("liuzhou_ops", __name__)]))
    with pytest.raises(registry.DuplicateRegistration, match="'liuzhou_ops' is registered twice: by "
                                                             "ckanext.liuzhou.ops.views and by tests.elsewhere"):
        registry.gather("blueprint", found)


def test_the_walk_itself_finds_no_duplicate():
    for kind in registry.KINDS:
        registry.gather(kind, ((source, get()) for source, get in registry.sources(kind)))


def _action_modules():
    """Every ``actions`` module of a capability; an ``actions`` package's flow modules (its
    ``common`` module holds the steps the flows share, not actions)."""
    for source, _ in registry.sources("action"):
        module = importlib.import_module(source)
        if hasattr(module, "__path__"):
            for info in pkgutil.iter_modules(module.__path__):
                if info.name != "common":
                    yield importlib.import_module(f"{source}.{info.name}")
        else:
            yield module


def test_every_public_function_of_an_actions_module_is_registered():
    """An action written in an actions module but left out of its ``get_actions()`` would not
    exist for CKAN: nothing disappears silently. Shared steps take a leading underscore."""
    registered = {id(fn) for fn in registry.actions().values()}
    modules = list(_action_modules())
    assert len(modules) >= 14  # nine capabilities' modules and the lifecycle's seven flows
    left_out = [f"{module.__name__}.{name}" for module in modules for name, fn in vars(module).items()
                if inspect.isfunction(fn) and fn.__module__ == module.__name__
                and not name.startswith("_") and name != "get_actions" and id(fn) not in registered]
    assert left_out == []


def test_every_template_helper_written_is_registered():
    """A ``liuzhou_*`` function of a helpers module left out of its ``get_helpers()`` would be
    missing in every template that calls it (found once: a list page's state filters)."""
    registered = {id(fn) for fn in registry.helpers().values()}
    modules = [module for _, get in registry.sources("helper")
               for module in [importlib.import_module(get.__module__)]]
    left_out = [f"{module.__name__}.{name}" for module in modules for name, fn in vars(module).items()
                if inspect.isfunction(fn) and fn.__module__ == module.__name__
                and name.startswith("liuzhou_") and id(fn) not in registered]
    assert modules and left_out == []


def test_every_capability_folder_that_registers_is_walked():
    """A new capability folder with an ``actions.py`` (or auth, helpers, validators, views) but
    missing from ``registry.CAPABILITIES`` would register nothing."""
    module_names = {module for module, _ in registry.KINDS.values()}
    folders = {f"ckanext.liuzhou.{path.name}" for path in PACKAGE.iterdir()
               if path.is_dir() and any((path / f"{m}.py").exists() or (path / m).is_dir() for m in module_names)}
    assert folders, "the walk found no capability folder"
    assert sorted(folders - set(registry.CAPABILITIES)) == []


def test_a_core_action_has_one_chain_and_one_auth_override():
    """``package_show``'s auth was registered by the lifecycle and the access layer, and the
    order of a dict merge picked the access layer's; now one module owns each name."""
    owners = {}
    for kind in ("action", "auth function"):
        gathered = registry.gather(kind, ((s, get()) for s, get in registry.sources(kind)))
        owners[kind] = {name: source for name, (_, source) in gathered.items()}
    assert owners["auth function"]["package_show"] == "ckanext.liuzhou.access.auth"
    assert owners["action"]["package_search"] == "ckanext.liuzhou.access.actions"


def test_no_name_is_written_twice_in_one_get_function():
    """Python keeps the last of two equal keys of a dict literal without a word: the walk's
    duplicate check cannot see inside one module, so this reads the ``get_*()`` functions."""
    twice = []
    for kind, (_, function) in registry.KINDS.items():
        for source, _ in registry.sources(kind):
            module = importlib.import_module(source)
            tree = ast.parse(inspect.getsource(module))
            for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function):
                for literal in (n for n in ast.walk(fn) if isinstance(n, ast.Dict)):
                    keys = [k.value for k in literal.keys if isinstance(k, ast.Constant)]
                    twice += [f"{source}: {k}" for k in set(keys) if keys.count(k) > 1]
    assert twice == []
