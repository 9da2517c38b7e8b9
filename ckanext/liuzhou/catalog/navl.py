"""CKAN's schema validation (``ckan/lib/navl``) with its bookkeeping done once, for bulk calls.

For each entry it validates, navl's ``_validate`` works out which keys of the schema apply to
the entry's data (the schema flattened, the data's key combinations, the full schema) twice,
once in ``augment_data`` and once for itself, and sorts the full schema four times; for every
key of the data not in the full schema, ``augment_data`` builds a list of the flattened
schema's prefixes; and ``unflatten`` sorts the data's keys with a key function that builds a
list for each key. For a catalog entry of about sixty fields that bookkeeping cost as much CPU
as the validators themselves (py-spy, 柳城县's 3,414 rows: ``_validate``, ``unflatten``,
``flattened_order_key``, ``augment_data`` and ``get_all_key_combinations`` on top of the
helper's samples).

While :func:`once` is active in a thread (a bulk call: ``catalog/bulk.py`` holds it for the
whole call, and its helper process inherits it), navl's ``_validate`` and ``unflatten`` are
replaced by :func:`_validate` and :func:`_unflatten`, which do each of those things once and
give the same result: the same validators run in the same order on the same data, and the
same dicts come out (``tests/catalog/test_navl.py`` compares the validators' calls and the
results of both on catalog entries valid, refused and oddly shaped, with scheming's schemas
and CKAN's own; the dry-run reports of real-catalog workbooks are the same with either,
docs/bulk.md "Seventh pass"). Elsewhere, and in other threads, CKAN's own run.

Two more things are done once there (docs/bulk.md "Ninth pass"): the errors are not unflattened
with an empty list for each of the schema's keys when only top-level keys have messages
(:func:`_unflatten_errors`), and CKAN's ``duplicate_extras_key``, which unflattens the whole
entry to read its extras, is run as :func:`_duplicate_extras_key`, which reads them from their
flattened keys (``_EQUIVALENT``: the same check, the same message).
"""
from __future__ import annotations

import copy
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from ckan.common import _
from ckan.lib.navl import dictization_functions as df
from ckan.logic import validators as core_validators

_local = threading.local()


def active() -> bool:
    return getattr(_local, "on", False)


@contextmanager
def once() -> Iterator[None]:
    """Validation in this thread uses :func:`_validate` and :func:`_unflatten` meanwhile."""
    _install()
    outer = active()
    _local.on = True
    try:
        yield
    finally:
        _local.on = outer


def _install() -> None:
    """Once per process: navl's two functions ask :func:`active` which version to run (the
    module's own functions look them up as globals at each call)."""
    if getattr(df._validate, "_liuzhou_once", False):
        return
    original_validate, original_unflatten = df._validate, df.unflatten

    def validate(data, schema, context):
        if active():
            return _validate(data, schema, context)
        return original_validate(data, schema, context)

    def unflatten(data):
        if active():
            return _unflatten_errors(data) if type(data) is _Errors else _unflatten(data)
        return original_unflatten(data)

    validate._liuzhou_once = unflatten._liuzhou_once = True
    validate.__wrapped__, unflatten.__wrapped__ = original_validate, original_unflatten
    df._validate, df.unflatten = validate, unflatten


def _ordered(keys) -> list:
    """The keys in navl's ``flattened_order_key`` order (the shorter first, then by value),
    without calling a Python function per key: each length's keys are sorted as tuples."""
    by_length: dict[int, list] = {}
    for key in keys:
        by_length.setdefault(len(key), []).append(key)
    ordered: list = []
    for length in sorted(by_length):
        ordered.extend(sorted(by_length[length]))
    return ordered


def _combinations(data: dict, flattened_schema: dict) -> set:
    """navl's ``get_all_key_combinations``: the data's keys (less the last part) the schema
    knows, each only under a known parent; filled in the same order, so the set is the same."""
    prefixes = {key[:-1] for key in flattened_schema}
    combinations: set = {()}
    for key in _ordered(data):
        if key[:-1:2] in prefixes and key[:-3] in combinations:
            combinations.add(key[:-1])
    return combinations


def _full_schema(combinations: set, schema: dict) -> dict:
    """navl's ``make_full_schema``: every field's validators at every combination."""
    full: dict = {}
    for combination in combinations:
        sub = schema
        for part in combination[::2]:
            sub = sub[part]
        for key, value in sub.items():
            if isinstance(value, list):
                full[combination + (key,)] = value
    return full


def _augment(data: dict, flattened_schema: dict, combinations: set, full_schema: dict) -> dict:
    """navl's ``augment_data``: keys the schema does not know go to ``__extras`` (under a
    known parent) or ``__junk``; the schema's keys the data lacks are ``missing``."""
    new_data = copy.copy(data)
    prefixes = None  # every prefix of every schema key, built when a key first needs it
    remove: list = []
    junk: dict = {}
    extras: dict = {}
    for key, value in new_data.items():
        if key in full_schema:
            continue
        if prefixes is None:
            prefixes = {k[:n] for k in flattened_schema for n in range(len(k) + 1)}
        if key[::2] in prefixes and data[key] != []:
            raise df.DataError('Only lists of dicts can be placed against '
                               'subschema %s, not %s' % (key, type(data[key])))
        if key[:-1] in combinations:
            extras.setdefault(key[:-1] + ("__extras",), {})[key[-1]] = value
        else:
            junk[key] = value
        remove.append(key)
    if junk:
        new_data[("__junk",)] = junk
    new_data.update(extras)
    for key in remove:
        new_data.pop(key)
    for key in full_schema:
        if key not in new_data and not key[-1].startswith("__"):
            new_data[key] = df.missing
    return new_data


class _Errors(dict):
    """The errors :func:`_validate` gives (a dict like navl's): marked, so that navl's
    ``validate`` unflattening them takes :func:`_unflatten_errors`."""


def _duplicate_extras_key(key, data: dict, errors: dict, context) -> None:
    """CKAN's ``duplicate_extras_key`` (the package schemas' ``__before``), without unflattening
    the whole entry to find its extras: they are read from their flattened keys, in position
    order as ``unflatten`` would list them; the same message for the same first duplicate. Data
    with any other shape under ``extras`` goes to CKAN's own."""
    extras: dict = {}
    for flat_key, value in data.items():
        if flat_key[0] != "extras":
            continue
        if len(flat_key) != 3 or type(flat_key[1]) is not int:
            return _CKAN_DUPLICATE_EXTRAS_KEY(key, data, errors, context)
        extras.setdefault(flat_key[1], {})[flat_key[2]] = value
    extras_keys = [extra["key"] for _position, extra in sorted(extras.items()) if not extra.get("deleted")]
    for extra_key in set(extras_keys):
        extras_keys.remove(extra_key)
    if extras_keys:
        key_ = ("extras_validation",)
        if key_ in errors:  # CKAN's asserts it is not
            raise AssertionError(key_)
        errors[key_] = [_('Duplicate key "%s"') % extras_keys[0]]


_CKAN_DUPLICATE_EXTRAS_KEY = core_validators.duplicate_extras_key
#: CKAN's validators run by a faster equivalent while :func:`once` is active
_EQUIVALENT = {_CKAN_DUPLICATE_EXTRAS_KEY: _duplicate_extras_key}


def _run(converters, key, converted: dict, errors: dict, context) -> None:
    for converter in converters:
        try:
            df.convert(_EQUIVALENT.get(converter, converter), key, converted, errors, context)
        except df.StopOnError:
            break


def _validate(data: dict, schema: dict, context) -> tuple[dict, dict]:
    """navl's ``_validate``: the before, main, extras and after runs, then the junk."""
    flattened_schema = df.flatten_schema(schema)
    combinations = _combinations(data, flattened_schema)
    full_schema = _full_schema(combinations, schema)
    converted = _augment(data, flattened_schema, combinations, full_schema)
    errors: dict = _Errors({key: [] for key in full_schema})
    order = _ordered(full_schema)
    for key in order:
        if key[-1] == "__before":
            _run(full_schema[key], key, converted, errors, context)
    for key in order:
        if not key[-1].startswith("__"):
            _run(full_schema[key], key, converted, errors, context)
    for key in order:
        if key[-1] == "__extras":
            _run(full_schema[key], key, converted, errors, context)
    for key in reversed(order):
        if key[-1] == "__after":
            _run(full_schema[key], key, converted, errors, context)
    if ("__junk",) in full_schema:
        _run(full_schema[("__junk",)], ("__junk",), converted, errors, context)
    return converted, errors


def _unflatten(data: dict) -> dict[str, Any]:
    """navl's ``unflatten``: tuple keys back to nested dicts and lists, a list's missing
    positions filled with dicts and the empty ones of those dropped at the end."""
    unflattened: dict[str, Any] = {}
    padded: dict[int, list] = {}
    for flat_key in _ordered(data):
        position: Any = unflattened
        for part in flat_key[:-1]:
            try:
                position = position[part]
            except IndexError:
                while True:
                    filler: Any = {}
                    position.append(filler)
                    if part < len(position):
                        break
                    padded[id(position)] = position
                position = filler
            except KeyError:
                position[part] = position = []
        position[flat_key[-1]] = data[flat_key]
    for padded_list in padded.values():
        padded_list[:] = [item for item in padded_list if item]
    return unflattened


def _unflatten_errors(errors: "_Errors") -> dict[str, Any]:
    """navl's ``unflatten`` of the errors of :func:`_validate`. navl's ``validate`` then drops
    every empty list and every list of dicts left with no message, so when only top-level keys
    have messages (an entry's usual errors, and the show validation's set-aside ones) what it
    keeps is those keys, in ``unflatten``'s order, with the same lists: given straight away,
    without unflattening an empty list for each of the schema's keys."""
    found = [key for key, messages in errors.items() if messages]
    if all(len(key) == 1 and not isinstance(errors[key][0], dict) for key in found):
        return {key[0]: errors[key] for key in _ordered(found)}
    return _unflatten(errors)
