"""catalog/navl.py: CKAN's schema validation with its bookkeeping done once, as bulk calls run
it. The contract: for any data and schema, the same validators run in the same order on the
same values, and the same data, errors (or DataError) come out as navl's own functions give."""
from __future__ import annotations

import copy
import threading

import pytest

import ckan.lib.plugins as lib_plugins
import ckan.logic.schema as core_schema
import ckan.model as model
from ckan.lib.navl import dictization_functions as df

from ckanext.liuzhou.catalog import bulk, navl

from .conftest import entry

pytestmark = pytest.mark.usefixtures("departments")


def _recorded(schema, log: list):
    """The schema with every validator wrapped to log its calls (the wrappers keep the arity
    navl dispatches on)."""
    if isinstance(schema, dict):
        return {key: _recorded(value, log) for key, value in schema.items()}
    if not isinstance(schema, list):
        return schema
    return [_logging(v, log) for v in schema]


def _logging(v, log: list):
    name = getattr(v, "__name__", repr(v))
    nargs = v.__code__.co_argcount
    if nargs == 1:
        def w(value):
            log.append((name, repr(value)))
            return v(value)
    elif nargs == 2:
        def w(value, context):
            log.append((name, repr(value)))
            return v(value, context)
    else:
        def w(key, data, errors, context):
            log.append((name, key, repr(data.get(key))))
            return v(key, data, errors, context)
    return w


def _run(data: dict, schema: dict, fast: bool):
    log: list = []
    context = {"model": model, "session": model.Session, "user": "", "ignore_auth": True, bulk.DRY_RUN: True}
    wrapped = _recorded(schema, log)
    try:
        if fast:
            with navl.once():
                result = df.validate(copy.deepcopy(data), wrapped, context)
        else:
            result = df.validate(copy.deepcopy(data), wrapped, context)
    except df.DataError as e:
        result = ("DataError", str(e))
    model.Session.rollback()  # the validators' advisory locks and lookups, each run alike
    return result, log


def _same(data: dict, schema: dict):
    slow, slow_log = _run(data, schema, fast=False)
    fast, fast_log = _run(data, schema, fast=True)
    assert fast == slow
    if isinstance(slow[1], dict):  # and the errors' keys in the same order
        assert list(fast[1]) == list(slow[1])
    assert fast_log == slow_log
    assert slow_log or slow[0] == "DataError"  # validators ran, or navl refused the data's shape
    return slow


def _catalog_schemas(monkeypatch, data: dict) -> tuple[dict, dict]:
    """The schemas scheming validates a catalog entry with (its fields' validators added to
    CKAN's), for a create and for show, as it hands them to navl."""
    import ckanext.scheming.plugins as scheming_plugins
    seen = []
    original = scheming_plugins.navl_validate
    monkeypatch.setattr(scheming_plugins, "navl_validate", lambda d, schema, c: seen.append(schema) or original(d, schema, c))
    plugin = lib_plugins.lookup_package_plugin("catalog")
    context = {"model": model, "session": model.Session, "user": "", "ignore_auth": True, bulk.DRY_RUN: True}
    lib_plugins.plugin_validate(plugin, dict(context), copy.deepcopy(data), plugin.create_package_schema(), "package_create")
    lib_plugins.plugin_validate(plugin, dict(context), copy.deepcopy(data), plugin.show_package_schema(), "package_show")
    model.Session.rollback()
    monkeypatch.undo()
    return seen[0], seen[1]


def test_the_catalog_schema_gives_the_same_data_errors_and_calls(monkeypatch):
    valid = entry(title="校验同一甲")
    create, show = _catalog_schemas(monkeypatch, valid)
    data, errors = _same(valid, create)
    assert not errors and data["name"]
    refused = entry(title="", update_cycle="sometimes", information_items=[{"name": "", "length": "x"}])
    data, errors = _same(refused, create)
    assert "update_cycle" in errors and "information_items" in errors
    # unknown keys (extras, junk), a resource with keys its schema lacks, list gaps
    odd = dict(valid, some_extra="额外", resources=[{"url": "http://example.org/a", "zzz": 1}, {}],
               extras=[{"key": "k", "value": "v"}], tags=[{"name": "人口"}, {"name": "户籍"}])
    _same(odd, create)
    _same(odd, show)


def test_core_schemas_and_odd_shapes_give_the_same():
    create = core_schema.default_create_package_schema()
    show = core_schema.default_show_package_schema()
    data = {"name": "navl-same", "title": "T", "owner_org": "lzsgaj",
            "resources": [{"url": "http://x/1", "name": "r1"}, {"url": "http://x/2", "extra": "e"}],
            "tags": [{"name": "a"}, {"name": "b"}], "extras": [{"key": "a", "value": "1"}],
            "unknown": {"nested": 1}}
    _same(data, create)
    _same(data, show)
    result = _same(dict(data, tags="not a list of dicts"), create)
    assert result == ("DataError", result[1])  # a string placed against a subschema


def test_unflatten_gives_the_same_nested_data_with_gaps_dropped():
    flat = {("a",): 1, ("l", 2, "x"): "third", ("l", 0, "x"): "first", ("m", 1, "n", 0, "k"): "deep",
            ("z",): None}
    original = getattr(df.unflatten, "__wrapped__", df.unflatten)  # CKAN's, installed or not
    assert navl._unflatten(dict(flat)) == original(dict(flat))
    assert navl._unflatten(dict(flat))["l"] == [{"x": "first"}, {"x": "third"}]


@pytest.mark.parametrize("extras", [
    [],
    [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}],
    [{"key": "b", "value": "1"}, {"key": "a", "value": "2"}, {"key": "b", "value": "3"}, {"key": "a", "value": "4"}],
    [{"key": "a", "value": "1"}, {"key": "a", "value": "2", "deleted": "on"}],
    [{"key": "重复", "value": "1"}, {"key": "重复", "value": "2"}, {"key": "重复", "value": "3"}],
])
def test_the_duplicate_extras_check_finds_what_ckans_finds(extras):
    """navl's ``_duplicate_extras_key`` (run in bulk calls instead of CKAN's, which unflattens the
    whole entry): the same error, naming the same key, for extras in any order, with gaps
    between their positions and ``missing`` values."""
    from ckan.logic.validators import duplicate_extras_key
    flat = df.flatten_dict({"name": "x", "resources": [{"url": "u"}], "extras": extras})
    if extras:  # a gap, as a form leaves one, and a missing value navl adds
        flat = {(k[0], k[1] * 2, k[2]) if k[0] == "extras" else k: v for k, v in flat.items()}
        flat[("extras", 0, "deleted")] = df.missing
    found = []
    for check in (duplicate_extras_key, navl._duplicate_extras_key):
        errors: dict = {}
        check(("__before",), dict(flat), errors, {})
        found.append(errors)
    assert found[0] == found[1]
    assert bool(found[0]) == (len(extras) > 2)  # the three lists with a key twice, not deleted


def test_the_duplicate_extras_check_fails_as_ckans_and_hands_other_shapes_to_it(monkeypatch):
    from ckan.logic.validators import duplicate_extras_key
    keyless = {("extras", 0, "value"): "v"}  # an extra without a key: KeyError, as CKAN's
    for check in (duplicate_extras_key, navl._duplicate_extras_key):
        with pytest.raises(KeyError):
            check(("__before",), dict(keyless), {}, {})
    # data of another shape under extras is checked by CKAN's own function
    handed = []
    monkeypatch.setattr(navl, "_CKAN_DUPLICATE_EXTRAS_KEY", lambda *a: handed.append(a[1]))
    nested = {("name",): "x", ("extras", 0, "key", 0, "k"): "deep"}
    navl._duplicate_extras_key(("__before",), nested, {}, {})
    assert handed == [nested]


def test_the_show_schema_refuses_duplicate_extras_alike():
    show = core_schema.default_show_package_schema()
    data = {"name": "navl-dup", "title": "T", "extras": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}]}
    slow = df.validate(copy.deepcopy(data), show, {"model": model, "session": model.Session})
    with navl.once():
        fast = df.validate(copy.deepcopy(data), show, {"model": model, "session": model.Session})
    model.Session.rollback()
    assert fast == slow and list(fast[1]) == list(slow[1])
    assert slow[1]["extras_validation"] == ['Duplicate key "k"']


def _same_value(value):
    return value


def test_only_the_thread_that_holds_it_runs_the_faster_validation(monkeypatch):
    calls = []
    monkeypatch.setattr(navl, "_validate", lambda *a: calls.append(threading.get_ident()) or ({}, {}))
    create = core_schema.default_create_package_schema()
    with navl.once():
        df.validate(entry(title="线程甲"), create, {"model": model, "session": model.Session})
        other = threading.Thread(target=lambda: df.validate({"title": "x"}, {"title": [_same_value]}, {}))
        other.start()
        other.join()
    df.validate({"title": "x"}, {"title": [_same_value]}, {})
    model.Session.rollback()
    assert calls == [threading.get_ident()]


def test_a_bulk_call_validates_with_it(people, monkeypatch):
    seen = []
    original = navl._validate
    monkeypatch.setattr(navl, "_validate", lambda *a: seen.append(1) or original(*a))
    out = bulk.save_many({"user": people.police_editor}, [entry(title="批量校验同一")], dry_run=True)
    assert out[0].action == bulk.CREATE and seen
    assert not navl.active()
