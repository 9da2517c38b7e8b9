"""Many catalog entries validated and saved at once: the path of imports and harvests.

:func:`save_many` is the one entry point. Each entry is a ``package_create`` data dict (type
``catalog``, ``owner_org``) or, with the ``id`` of an existing entry, a ``package_update`` one
(an ``id`` nobody holds yet is a create under that id, as ``package_create`` allows the site
user). Every entry is checked by the auth function of its action and validated by the schema
and the rules of the form (scheming's catalog schema: Art 13, 15, 17, 22, credit codes); a
refused entry comes back with CKAN's field errors and is not saved. An update whose validated
data equals the stored entry is UNCHANGED and not written. With ``dry_run`` nothing is written
and no resource code is taken.

The writes of one call are ONE database transaction: every valid entry is saved, or none.
Within it a create does what ``package_create`` does, without its per-entry costs:

- each entry is validated once (``package_create`` would validate it a second time), with
  navl's bookkeeping done once an entry (``navl.py``); a call with ``NAMES_READ_MIN`` creates
  or more reads the stored names once for its URL names (:func:`_judged`);
- the resource codes (Art 13) are taken per classification code in one statement for the whole
  call (``resource_code.next_codes``), in a short transaction of their own like single creates:
  a failed call leaves a gap in the sequence, never a reuse;
- the creates are written as a batch (:func:`_create_many`): the rows CKAN's
  ``package_dict_save`` would write (package, extras, resources, tags, package tags,
  organization membership) built from the validated data and written one multi-row statement
  per table; then each entry's ``IPackageController`` hooks and default resource views; then
  Art 17 for the batch (``lifecycle.hooks.after_create_many``): two queries for the whole
  batch, each entry compared with the stored entries and, in Python, with the entries before
  it in the call, so it gets the warnings and audit row one ``package_create`` after another
  would give it. A create with groups, relationships, vocabulary tags or a sysadmin's plugin
  data keeps ``package_dict_save`` (:func:`_create`);
- the Solr documents are built in the transaction as CKAN's synchronous indexer builds them
  (``package_show`` unvalidated, then ``index_package``, so every ``before_dataset_index`` of
  the registered plugins runs in order), the entries' rows read for the batch in one query per
  kind (:func:`dictize_many`, the same dict as ``package_dictize``), and sent ``INDEX_BATCH``
  at a time after the commit, with one Solr commit; in a large call the helper process that
  judged half of the entries then validates the documents' entries by the show schema, one
  batch ahead of this process (:class:`_Helper`, :func:`_documents`);
- the activity plugin's "new package" activity holds the validated copy of the entry that its
  Solr document holds (what ``package_show`` returns from Solr's copy; for a harvested entry it
  carries the harvest source's extras, which ckanext-harvest adds to that copy);
- users and departments are looked up once per call (``User.get``, ``Group.get``), not several
  times per entry by CKAN's validators and auth functions; so are the department tree
  (``tree.held``), each classification code's department number, the creates' free tags
  (``_Tags``) and the documents' Art 20 offline flags (``visibility.remember``).

The equality with ``package_create`` (entry, Solr document, activity, Art 17 row, audit chain)
is tested in tests/catalog/test_bulk.py. A caller may pass ``BEFORE_COMMIT`` in the context: a
function of the outcomes run in the transaction before its commit (the cascade harvester
records its harvest objects there, so the documents carry the harvest source).

Updates go through ``package_update`` in the same transaction (``defer_commit``), before the
creates of the call.

If Solr fails after the commit, the entries stay saved (as single creates do when Solr is
unreachable, ``ops/services.py``): the failure is logged and ``ckan search-index rebuild`` (or
``ckan liuzhou reindex``) indexes them; the outcomes report what was saved.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import logging
import operator
import pickle  # only between save_many and the helper process it forks (_Helper; tests/hardening/bandit_baseline.json)
import threading
import uuid
from collections import ChainMap, defaultdict
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

import ckan.lib.plugins as lib_plugins
import ckan.lib.search as search
import ckan.lib.search.index as search_index
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import ckan.lib.datapreview as datapreview
import ckan.lib.dictization as dictization
import ckan.lib.dictization.model_dictize as model_dictize
from ckan.lib.dictization import model_save
import psycopg2.extras
from psycopg2 import sql as pg_sql
import sqlalchemy as sa
from sqlalchemy import select

from .. import tree
from ..lifecycle import hooks as lifecycle_hooks
from ..lifecycle import visibility
from ..search import indexing as search_indexing
from ..search import segment
from ..security import validators as security_validators
from . import navl, resource_code, slug, validators

log = logging.getLogger(__name__)

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"

#: context flag: validation only (``assign_resource_code`` takes no number)
DRY_RUN = "liuzhou_dry_run"
#: context key: the names this call has already given out (``liuzhou_slug_from_title``)
NAMES_TAKEN = validators.NAMES_TAKEN
#: Solr documents sent per request
INDEX_BATCH = 250
#: with a helper process, the first batch of documents and how each next one grows (up to
#: INDEX_BATCH): the helper validates a batch while this process indexes the one before, so a
#: batch may only be a little larger than the one before it without this process waiting
FIRST_BATCH, BATCH_GROWTH = 20, 1.2
#: the part of each batch's show validation that the helper does (the rest is done here), at
#: first, and how it moves (:func:`_documents`) between its bounds
HELPER_SHARE, HELPER_SHARE_STEP, HELPER_SHARE_RANGE = 0.8, 0.05, (0.3, 1.0)
#: context key: a function called with the outcomes once every entry is written, in the
#: call's transaction before its commit (the harvester records its harvest objects there)
BEFORE_COMMIT = "liuzhou_bulk_before_commit"

# what a stored entry and its new version may differ in without the entry having changed
_VOLATILE = {"metadata_modified", "metadata_created", "revision_id", "creator_user_id",
             "duplicate_warnings", "num_tags", "num_resources", "organization",
             "relationships_as_object", "relationships_as_subject", "tracking_summary", "isopen",
             "license_title", "license_url"}
_RESOURCE_VOLATILE = {"id", "package_id", "created", "metadata_modified", "last_modified",
                      "position", "state", "revision_id", "cache_last_updated", "cache_url",
                      "datastore_active", "datastore_contains_all_records_of_source", "size",
                      "mimetype", "mimetype_inner", "hash", "url_type"}


@dataclasses.dataclass
class Outcome:
    """What happened (or, in a dry run, would happen) to one entry of the input."""
    index: int                      # its position in the input list
    action: str                     # CREATE, UPDATE, UNCHANGED or REFUSED
    id: Optional[str] = None        # the entry's id (None for a create in a dry run)
    name: Optional[str] = None
    resource_code: Optional[str] = None
    errors: dict = dataclasses.field(default_factory=dict)   # CKAN's error dict when REFUSED
    duplicate_warnings: list = dataclasses.field(default_factory=list)  # Art 17


@dataclasses.dataclass
class _Plan:
    index: int
    entry: dict
    data: dict
    pkg: Optional[model.Package]
    code: Optional[str] = None


def _context(context: dict, **extra) -> dict:
    base = {"model": model, "session": model.Session, "user": context.get("user"),
            "auth_user_obj": context.get("auth_user_obj")}
    base.update(extra)
    return base


def _existing(entry: dict) -> Optional[model.Package]:
    ref = entry.get("id")
    return model.Package.get(ref) if isinstance(ref, str) and ref else None


def validate(context: dict, entry: dict, names_taken: Optional[set] = None) -> tuple[dict, dict]:
    """The entry as the form's schema leaves it, and its errors (empty when valid).

    ``names_taken``: names given out earlier in the same call, which a generated URL name
    avoids as it avoids the stored ones."""
    security_validators.require_text(entry, "id", "owner_org")  # docs/security.md, hostile input
    entry = validators.information_items_from_text(dict(entry, type="catalog"))
    plugin = lib_plugins.lookup_package_plugin("catalog")
    pkg = _existing(entry)
    ctx = _context(context, **{DRY_RUN: True, NAMES_TAKEN: names_taken if names_taken is not None else set()})
    if pkg is not None:
        ctx["package"] = pkg
        schema, action = plugin.update_package_schema(), "package_update"
    else:
        schema, action = plugin.create_package_schema(), "package_create"
        stored = getattr(_local, "stored_names", None)
        if stored is not None:
            ctx[validators.NAMES_STORED] = stored
    return lib_plugins.plugin_validate(plugin, ctx, entry, schema, action)


#: a call with at least this many new entries reads every stored name once (:func:`_stored_names`)
NAMES_READ_MIN = 50


def _stored_names(session) -> dict[str, tuple[str, str]]:
    """Every stored entry's name → (id, state), in one query: a large call's creates check
    their URL names here (``liuzhou_slug_from_title``, ``liuzhou_package_name_validator``)
    instead of two queries each (about 1 ms an entry of each process's judgement). What a
    concurrent create saves meanwhile is found by :func:`_clashes` at the end."""
    return {name: (package_id, state) for name, package_id, state in
            session.execute(select(model.package_table.c.name, model.package_table.c.id,
                                   model.package_table.c.state))}


def _clashes(session, plans: list["_Plan"]) -> set[str]:
    """The names the call's creates were given that a concurrent create has saved since the
    call read the stored names. The validator holds each name's lock by now, so nothing else
    can take them from here on."""
    names = [p.data.get("name") for p in plans if p.pkg is None and p.data.get("name")]
    if not names:
        return set()
    return {row[0] for row in session.execute(select(model.package_table.c.name)
                                              .where(model.package_table.c.name.in_(names)))}


_local = threading.local()


# --- UNCHANGED: the validated data against the stored entry ------------------------------

def _resources_comparable(resources) -> list:
    return [{k: v for k, v in (r or {}).items() if k not in _RESOURCE_VOLATILE and v not in (None, "")}
            for r in resources or []]


def _comparable(key: str, value: Any) -> Any:
    if key == "tags":
        return sorted(t.get("name") for t in value or [])
    if key == "resources":
        return _resources_comparable(value)
    if key == "extras":
        return sorted((e.get("key"), e.get("value")) for e in value or [])
    return value


def _unchanged(context: dict, pkg: model.Package, data: dict) -> bool:
    """Does saving ``data`` (validated for update) leave ``pkg`` as it is?"""
    stored = tk.get_action("package_show")(_context(context, ignore_auth=True, for_view=False),
                                          {"id": pkg.id, "include_tracking": False})
    stored_data, errors = validate(context, stored)
    if errors:
        return False
    for key, value in data.items():
        if key in _VOLATILE or key == "id":
            continue
        if key == "resources" and "resources" not in stored_data and not value:
            continue
        if _comparable(key, value) != _comparable(key, stored_data.get(key)):
            return False
    return True


# --- users and departments: looked up once a call ---------------------------------------

def _install_memo() -> None:
    """Once per process: ``User.get`` and ``Group.get`` answer from the bulk call's memo (per
    thread) while one runs. CKAN's validators and auth functions look the same user and
    department up several times per entry; within the call's transaction they do not change.
    ``Package.get`` too, for a package found by its id (the indexer and ``package_show`` look
    each new entry up: the session's own object, found without building a query each time)."""
    for cls in (model.User, model.Group, model.Package):
        original = cls.__dict__["get"].__func__
        if getattr(original, "_liuzhou_bulk", False):
            continue

        def get(klass, reference, *args, _original=original, **kwargs):
            memo = getattr(_local, "memo", None)
            if memo is None or args or kwargs or not isinstance(reference, str):
                return _original(klass, reference, *args, **kwargs)
            key = (klass, reference)
            found = memo.get(key)
            if found is None:
                found = _original(klass, reference)
                if found is not None and (klass is not model.Package or found.id == reference):
                    memo[key] = found
            return found
        get._liuzhou_bulk = True
        cls.get = classmethod(get)
    _install_schema_memo()
    _install_show_schema_memo()
    _install_message_memo()


def _memoized(kind: str, original: Callable) -> Callable:
    """``original``, a function of one text argument (or none), answering from the bulk call's
    memo (per thread, under ``kind`` and the argument) while a call runs; called each time
    elsewhere, and for any other arguments."""
    def memoized(*args, **kwargs):
        memo = getattr(_local, "memo", None)
        if memo is None or kwargs or len(args) > 1 or not all(isinstance(a, str) for a in args):
            return original(*args, **kwargs)
        key = (kind, *args)
        if key not in memo:
            memo[key] = original(*args)
        return memo[key]
    memoized._liuzhou_bulk = True
    return memoized


def _install_schema_memo() -> None:
    """Once per process: ckanext-dcat's ``after_dataset_show`` and ``before_dataset_index``
    ask for the dataset type's scheming schema through the ``scheming_dataset_schema_show``
    action at every call (three times an entry in a bulk call: its document and its activity;
    0.4 ms each, as much as the rest of those hooks). In a bulk call the answer is kept per
    type: scheming's schemas are loaded once per process and the action hands out that same
    object each time."""
    try:
        from ckanext.dcat import plugins as dcat_plugins
    except ImportError:  # ckanext-dcat not installed: nothing to keep
        return
    original = dcat_plugins._get_dataset_schema
    if getattr(original, "_liuzhou_bulk", False):
        return

    dcat_plugins._get_dataset_schema = _memoized("scheming-schema", original)


def _schema_copy(schema: dict) -> dict:
    """A schema's dicts copied, its validator lists shared: scheming's ``validate`` writes its
    fields' validators into the schema it is given (and into its resources' schema), and a
    second validation with the same dict would take those for CKAN's own fields."""
    return {key: _schema_copy(value) if isinstance(value, dict) else value for key, value in schema.items()}


def _install_show_schema_memo() -> None:
    """Once per process: CKAN's ``show_package_schema`` looks up its sixty validators at each
    call, and ``package_show`` and the indexer call it for every document (0.1 ms each).
    In a bulk call the schema is made once and each caller gets a copy of it
    (:func:`_schema_copy`); elsewhere, and in other threads, CKAN's method runs."""
    original = lib_plugins.DefaultDatasetForm.show_package_schema
    if getattr(original, "_liuzhou_bulk", False):
        return

    def show_package_schema(self, _original=original):
        memo = getattr(_local, "memo", None)
        if memo is None:
            return _original(self)
        made = memo.get("show-package-schema")
        if made is None:
            made = memo["show-package-schema"] = _original(self)
        return _schema_copy(made)
    show_package_schema._liuzhou_bulk = True
    lib_plugins.DefaultDatasetForm.show_package_schema = show_package_schema


def _install_message_memo() -> None:
    """Once per process: navl's validators translate their message at each failure, and the
    show validation of every new entry fails once for each catalog field kept in the extras
    (``package_show``'s schema wants a key for each extra, and scheming's
    ``convert_from_extras`` has taken those out; ``index_package`` and ``package_show`` set
    the errors aside, in stock CKAN too). flask-babel's lookups were 18.9 of the 183 s that
    py-spy sampled in the validation of the real catalog. In a bulk call (one request or job,
    one language) each message is translated once; elsewhere, and in other threads, each time
    as CKAN does."""
    from ckan.lib.navl import validators as navl_validators
    original = navl_validators._
    if getattr(original, "_liuzhou_bulk", False):
        return

    navl_validators._ = _memoized("message", original)


@contextmanager
def _memo() -> Iterator[None]:
    _install_memo()
    outer = getattr(_local, "memo", None)
    _local.memo = outer if outer is not None else {}
    try:
        # the department tree, read once a call (each Solr document reads it); navl's
        # bookkeeping done once an entry (navl.py)
        with tree.held(), navl.once():
            yield
    finally:
        _local.memo = outer


# --- Solr: the synchronous indexer deferred to the end of the call ------------------------

_DEFER = "liuzhou_bulk_index"


class _Collector:
    """Stands for the Solr connection while ``index_package`` builds documents."""

    def __init__(self):
        self.docs: list[dict] = []

    def add(self, docs, commit=False, **kwargs):
        self.docs.extend(docs)


def _install() -> None:
    """Once per process: the indexer's connection may be a collector (per thread), and the
    synchronous indexer leaves the packages of a bulk call's session to the call."""
    if getattr(search_index.make_connection, "_liuzhou_bulk", False):
        return
    original_connection = search_index.make_connection

    def make_connection(*args, **kwargs):
        collector = getattr(_local, "collector", None)
        return collector if collector is not None else original_connection(*args, **kwargs)
    make_connection._liuzhou_bulk = True
    make_connection.original = original_connection
    search_index.make_connection = make_connection

    original_dictize = model_dictize.package_dictize

    def package_dictize(pkg, context, include_plugin_data=False):
        ready = getattr(_local, "dictized", None)
        if ready is not None and not include_plugin_data and pkg.id in ready:
            return ready.pop(pkg.id)  # dictized with its batch (dictize_many), used once
        return original_dictize(pkg, context, include_plugin_data)
    package_dictize._liuzhou_bulk = True
    model_dictize.package_dictize = package_dictize

    original_validate = lib_plugins.plugin_validate

    def plugin_validate(plugin, context, data_dict, schema, action):
        ready = getattr(_local, "validated", None)
        if ready and action == "package_show" and isinstance(data_dict, dict):
            found = ready.pop(data_dict.get("id"), None)
            if found is not None and found[0] is data_dict:  # the very dict the helper validated
                validated, errors, after = found[1]
                data_dict.clear()  # as the validation leaves it (it changes what it is given)
                data_dict.update(after)
                return validated, errors
        return original_validate(plugin, context, data_dict, schema, action)
    plugin_validate._liuzhou_bulk = True
    lib_plugins.plugin_validate = plugin_validate

    original_notify = search.SynchronousSearchPlugin.notify

    def notify(self, entity, operation):
        deferred = model.Session().info.get(_DEFER)
        if deferred is not None and isinstance(entity, model.Package):
            deferred[entity.id] = operation
            return
        original_notify(self, entity, operation)
    # the wrappers it wraps (the index guard, index-once) stay findable and installed once
    notify.__wrapped__ = original_notify
    notify._liuzhou_guard = getattr(original_notify, "_liuzhou_guard", False)
    search.SynchronousSearchPlugin.notify = notify


@contextmanager
def _deferred_index() -> Iterator[dict]:
    """Packages the session saves are collected (id → operation), not indexed one by one."""
    _install()
    info = model.Session().info
    deferred = info[_DEFER] = {}
    try:
        yield deferred
    finally:
        info.pop(_DEFER, None)


def _show_unvalidated(package_id: str) -> dict:
    # what CKAN's synchronous indexer reads (ckan/lib/search/__init__.py)
    return tk.get_action("package_show")({"ignore_auth": True, "validate": False, "use_cache": False},
                                         {"id": package_id})


def build_documents(package_ids: list[str]) -> list[dict]:
    """The Solr documents of the given packages as CKAN's ``index_package`` builds them (the
    project's ``before_dataset_index`` hooks included), without sending them. The packages
    are read in one query and dictized together (:func:`dictize_many`); each then goes through
    ``package_show`` as the synchronous indexer calls it (its ``read`` and ``after_dataset_show``
    hooks, every ``IResourceController.before_resource_show``), then ``index_package``."""
    return _index(_shown(package_ids))


def _shown(package_ids: list[str]) -> list[dict]:
    """What the synchronous indexer hands ``index_package``: each package's unvalidated
    ``package_show`` (its rows read for the batch by :func:`dictize_many`)."""
    _install()
    visibility.remember(package_ids)  # Art 20's offline flag of each document, one query
    pkgs = model.Session.query(model.Package).filter(model.Package.id.in_(package_ids)).all() if package_ids else []
    _local.dictized = dictize_many(pkgs)
    try:
        return [_show_unvalidated(package_id) for package_id in package_ids]
    finally:
        _local.dictized = None


def _show_validate(shown: dict) -> tuple[dict, dict]:
    """``index_package``'s validation of a ``package_show`` dict by the show schema."""
    plugin = lib_plugins.lookup_package_plugin(shown.get("type"))
    return lib_plugins.plugin_validate(plugin, {"model": model, "session": model.Session}, shown,
                                       plugin.show_package_schema(), "package_show")


def _harvest_plugins() -> list:
    """ckanext-harvest's ``before_dataset_index`` hook, each loaded instance's wrapped once: for a
    package the current call found no current harvest object for (``_local.unharvested``,
    :func:`_unharvested`), it does what that hook does for such a package, without the query
    it sends for each package; for any other package it is the hook itself."""
    found = []
    for plugin in plugins.PluginImplementations(plugins.IPackageController):
        if type(plugin).__module__ != "ckanext.harvest.plugin":
            continue
        found.append(plugin)
        original = plugin.before_dataset_index
        if getattr(original, "_liuzhou_bulk", False):
            continue

        def before_dataset_index(pkg_dict, _original=original):
            if pkg_dict.get("id") not in (getattr(_local, "unharvested", None) or ()):
                return _original(pkg_dict)
            # the hook, for a package no current harvest object names: Solr takes no dict
            # as the status (its "Solr8" fix), and nothing else changes
            if isinstance(pkg_dict.get("status"), dict):
                try:
                    pkg_dict["status"] = json.dumps(pkg_dict["status"])
                except ValueError:
                    pkg_dict.pop("status", None)
            return pkg_dict
        before_dataset_index._liuzhou_bulk = True
        plugin.before_dataset_index = before_dataset_index
    return found


def _unharvested(package_ids: list[str]) -> set[str]:
    """Those of the packages that no current harvest object names (one query for the batch)."""
    if not package_ids or not _harvest_plugins():
        return set()
    from ckanext.harvest.model import HarvestObject
    harvested = {row[0] for row in model.Session.execute(
        select(HarvestObject.package_id).where(HarvestObject.package_id.in_(package_ids),
                                               HarvestObject.current == True))}  # noqa: E712
    return set(package_ids) - harvested


def _index_fields(shown: list[dict], known: Optional[dict] = None) -> dict:
    """The project's pinyin and vocabulary fields (:func:`search.indexing.fields_of`) of each
    ``package_show`` dict, by :func:`search.indexing.key`: its title and keywords as
    ``index_package`` hands them to the ``before_dataset_index`` hooks (the title cleaned of
    characters XML forbids and stripped on the left; the free keywords' names). Those whose key
    is in ``known`` (worked out already) are left out."""
    out = {}
    for pkg_dict in shown:
        title = pkg_dict.get("title")
        if title:
            title = search_index.escape_xml_illegal_chars(title).lstrip()
        tags = [t["name"] for t in pkg_dict.get("tags") or [] if not t.get("vocabulary_id")]
        key = search_indexing.key(title or "", tags)
        if not known or key not in known:
            out[key] = search_indexing.fields_of(title or "", tags)
    return out


def _as_shown(data: dict) -> dict:
    """What :func:`_index_fields` reads of a new entry's ``package_show``, from its validated
    data: the title as saved, the free keywords in ``package_show``'s order (by name)."""
    tags = sorted((t for t in data.get("tags") or [] if not t.get("vocabulary_id")), key=lambda t: t.get("name", ""))
    return {"title": data.get("title"), "tags": [{"name": t.get("name", "")} for t in tags]}


def _index(shown: list[dict], validated: Optional[list[tuple[dict, dict, dict]]] = None,
           fields: Optional[dict] = None) -> list[dict]:
    """``index_package`` of each dict, collecting the documents instead of sending them. With
    ``validated`` (the helper's show validation of the same dicts, in order: validated data,
    errors, the dict as the validation left it), ``index_package``'s own validation of each
    returns that, and leaves the dict as it would have. With ``fields`` (the helper's pinyin
    and vocabulary fields, :func:`search.indexing.known`), the project's hook takes those of
    a document whose title and keywords they were computed from."""
    index = search.index_for(model.Package)
    _install()
    collector = _local.collector = _Collector()
    if validated is not None and len(validated) <= len(shown):
        # the helper's part of the batch: its first len(validated) dicts; the others are
        # validated here, by index_package itself
        _local.validated = {d["id"]: (d, v) for d, v in zip(shown, validated)}
    _local.unharvested = _unharvested([d["id"] for d in shown])
    try:
        with search_indexing.known(fields or {}):
            for pkg_dict in shown:
                index.index_package(pkg_dict, defer_commit=True)
    finally:
        _local.collector = None
        _local.validated = None
        _local.unharvested = None
    return collector.docs


def _batches(ids: list[str], ramp: bool) -> list[list[str]]:
    """``ids`` in batches of ``INDEX_BATCH``; with ``ramp`` (a helper validates the documents
    a batch ahead), the first ``FIRST_BATCH`` long and each next ``BATCH_GROWTH`` times the
    one before: the helper's first answer then comes soon, and each next one is ready by the
    time this process has indexed the batch before it."""
    out, start, size = [], 0, (min(FIRST_BATCH, INDEX_BATCH) if ramp else INDEX_BATCH)
    while start < len(ids):
        out.append(ids[start:start + int(size)])
        start += int(size)
        size = min(INDEX_BATCH, size * BATCH_GROWTH)
    return out


def _documents(batches: list[list[str]], helper: Optional["_Helper"]) -> Iterator[list[dict]]:
    """The Solr documents of each batch of new packages, in order. With a helper, its show
    validation of one batch (and the pinyin and vocabulary fields of its documents) runs while
    this process indexes the batch before and reads the next: read batch 1, hand it over; then
    for each batch, read the next, take the helper's answer, hand the next over, index this
    one. The helper gets a share of each batch (its first dicts; this process validates the
    others as it indexes them), moved after each answer so that neither process waits long
    for the other: down a step when the answer was not ready yet, up a step when it was."""
    if helper is None or not helper.alive:
        for batch in batches:
            yield build_documents(batch)
        return
    share = HELPER_SHARE  # of each batch's validation, handed to the helper
    shown = _shown(batches[0]) if batches else []
    if batches:
        helper.show(shown[:round(share * len(shown))])
    for k in range(len(batches)):
        following = _shown(batches[k + 1]) if k + 1 < len(batches) else None
        # the helper's share follows who waits for whom: its answer not ready yet, less of the
        # next batch goes to it; ready before it was asked for, more
        share = max(HELPER_SHARE_RANGE[0], min(HELPER_SHARE_RANGE[1],
                                               share + (HELPER_SHARE_STEP if helper.ready() else -HELPER_SHARE_STEP)))
        validated = helper.shown()
        if following is not None:
            helper.show(following[:round(share * len(following))])
        yield _index(shown, validated, helper.fields())
        shown = following


class _Sender:
    """Sends the documents of a call to Solr from a thread of its own while the call goes on
    (the next documents built, the activities written, the commit): Solr analyses them on the
    other core meanwhile. The documents are added without a Solr commit; :meth:`finish` waits
    for the thread and commits once the database has; :meth:`withdraw` removes every document
    sent when the transaction is rolled back instead, so the index never keeps an entry the
    database does not hold (Solr's soft commit may show one for up to a second before)."""

    def __init__(self, batch: int = INDEX_BATCH):
        import queue
        _install()
        self.batch = batch
        self.conn = search_index.make_connection.original()
        self.sent: list[str] = []
        self.error: Optional[Exception] = None
        self._queue: "queue.Queue[Optional[list[dict]]]" = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="liuzhou-bulk-solr", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            docs = self._queue.get()
            if docs is None:
                return
            if self.error is not None:
                continue  # Solr failed: the rest waits for `ckan liuzhou reindex`, as single creates do
            for start in range(0, len(docs), self.batch):
                chunk = docs[start:start + self.batch]
                try:
                    self.conn.add(docs=chunk, commit=False)
                except Exception as e:  # pysolr's errors, the network's
                    self.error = search.SearchIndexError(f"Solr refused or missed {len(chunk)} documents: {e}")
                    break
                self.sent.extend(d["id"] for d in chunk)

    def put(self, docs: list[dict]) -> None:
        if docs:
            self._queue.put(docs)

    def join(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def finish(self) -> None:
        """After the database commit: wait for the sends, then commit Solr (when
        ``ckan.search.solr_commit``, as CKAN's indexer does) with a soft commit
        (:func:`_commit`). Raises what Solr raised."""
        self.join()
        if self.error is not None:
            raise self.error
        if self.sent and tk.config.get("ckan.search.solr_commit"):
            try:
                _commit(self.conn)
            except Exception as e:
                raise search.SearchIndexError(f"Solr did not commit: {e}")

    def withdraw(self) -> None:
        """After a rollback: remove the documents already sent, and commit Solr."""
        self.join()
        if not self.sent:
            return
        site = tk.config.get("ckan.site_id")
        for start in range(0, len(self.sent), self.batch):
            ids = " OR ".join(f'"{i}"' for i in self.sent[start:start + self.batch])
            self.conn.delete(q=f'+site_id:"{site}" +entity_type:package +id:({ids})', commit=False)
        self.conn.commit()
        log.warning("rolled back: %d Solr documents sent before the rollback removed", len(self.sent))


def _commit(conn) -> None:
    """The commit that ends a bulk call's sends: a soft commit. It makes the documents
    searchable before it returns, as CKAN's commit does, without writing the index files to
    disk first (0.1–0.3 s a call on the real catalog's index). Solr's transaction log keeps
    the documents meanwhile, and its hard commit every 15 s (``autoCommit`` in
    ``solr/configsets``) writes them."""
    conn.commit(softCommit=True)


def send_documents(docs: list[dict], deleted: list[str] = (), batch: int = INDEX_BATCH) -> None:
    """Send documents to Solr ``batch`` a request, remove the deleted packages', commit once
    (when ``ckan.search.solr_commit``, as CKAN's indexer does; :func:`_commit`)."""
    if not docs and not deleted:
        return
    _install()
    index = search.index_for(model.Package)
    for package_id in deleted:
        index.remove_dict({"id": package_id})
    conn = search_index.make_connection.original()
    for start in range(0, len(docs), batch):
        chunk = docs[start:start + batch]
        try:
            conn.add(docs=chunk, commit=False)
        except Exception as e:  # pysolr's errors, the network's
            raise search.SearchIndexError(f"Solr refused or missed {len(chunk)} documents: {e}")
    if tk.config.get("ckan.search.solr_commit"):
        _commit(conn)


def index_many(package_ids: dict, docs: Optional[list[dict]] = None, batch: int = INDEX_BATCH) -> None:
    """Index the given packages (id → CKAN's DomainObjectOperation): ``docs`` already built
    are sent as they are, the others built now."""
    docs = list(docs or [])
    built = {d["id"] for d in docs}
    deleted = [i for i, op in package_ids.items() if op == model.DomainObjectOperation.deleted]
    rest = [i for i in package_ids if i not in built and i not in deleted]
    for start in range(0, len(rest), batch):
        docs.extend(build_documents(rest[start:start + batch]))
    send_documents(docs, deleted, batch)


# --- the writes -----------------------------------------------------------------------

def _take_codes(session, plans: list[_Plan]) -> None:
    """Art 13: the creates' resource codes, one statement per classification code."""
    by_prefix: dict[str, list[_Plan]] = defaultdict(list)
    prefixes: dict[tuple, str] = {}  # one department number look-up per department in a call
    for plan in plans:
        if plan.pkg is None:
            org = model.Group.get(plan.data["owner_org"])
            key = (plan.data["classification"], plan.data["subclass"], org.id)
            if key not in prefixes:
                prefixes[key] = resource_code.classification_code(session, *key)
            by_prefix[prefixes[key]].append(plan)
    for prefix, group in by_prefix.items():
        codes = resource_code.next_codes(session, prefix, [p.data.get("name") or "" for p in group])
        for plan, code in zip(group, codes):
            plan.code = code


class _Tags:
    """The free tags of a call's creates, looked up in one query and remembered as entries
    create them: ``package_dict_save`` then finds each tag in the session by its id instead
    of querying it by name for every entry (one statement per tag and entry)."""

    def __init__(self, session, plans: list[_Plan]):
        names = {t.get("name") for p in plans if p.pkg is None for t in p.data.get("tags") or []
                 if not t.get("vocabulary_id") and t.get("name")}
        self.known = {(t.name, None): t for t in session.query(model.Tag).filter(
            model.Tag.name.in_(names), model.Tag.vocabulary_id.is_(None))} if names else {}
        self.ids = {key: t.id for key, t in self.known.items()}  # (name, None) → id, for _create_many

    def name(self, tags: list[dict]) -> list[dict]:
        """Give each known tag its id; the dicts given one."""
        given = []
        for tag in tags or []:
            found = self.known.get((tag.get("name"), tag.get("vocabulary_id")))
            if found is not None and not tag.get("id"):
                tag["id"] = found.id
                given.append(tag)
        return given

    def learn(self, pkg: model.Package) -> None:
        for package_tag in pkg.package_tags:
            tag = package_tag.tag
            self.known.setdefault((tag.name, tag.vocabulary_id), tag)
            self.ids.setdefault((tag.name, tag.vocabulary_id), tag.id)


def _create(context: dict, plan: _Plan, user_obj: Optional[model.User], tags: Optional[_Tags] = None) -> dict:
    """What ``package_create`` does once its data is valid (ckan/logic/action/create.py)."""
    data = plan.data
    include_plugin_data = False
    if user_obj is not None:
        data["creator_user_id"] = user_obj.id
        include_plugin_data = bool(user_obj.sysadmin and data.get("plugin_data"))
    if plan.code:
        data.setdefault("extras", []).append({"key": "resource_code", "value": plan.code})
    named = tags.name(data.get("tags")) if tags is not None else []
    pkg = model_save.package_dict_save(data, context, include_plugin_data)
    for tag in named:
        tag.pop("id")  # the data as package_create leaves it
    if tags is not None:
        tags.learn(pkg)
    model.Session.flush()
    data["id"] = pkg.id
    for index, resource in enumerate(data.get("resources") or []):
        resource["id"] = pkg.resources[index].id
    if pkg.owner_org:
        org = model.Group.get(pkg.owner_org)
        model.Session.add(model.Member(table_id=pkg.id, table_name="package", group=org,
                                       capacity="organization", group_id=org.id, state="active"))
    for item in plugins.PluginImplementations(plugins.IPackageController):
        item.create(pkg)
        item.after_dataset_create(context, data)
    if data.get("resources"):
        tk.get_action("package_create_default_resource_views")(
            {"model": model, "user": context["user"], "ignore_auth": True, "defer_commit": True},
            {"package": data})
    # Art 17 (not committed); an id generated by package_dict_save has no stored names or warnings
    result = lifecycle_hooks.after_create(context, {"id": pkg.id}, fresh=not plan.entry.get("id"))
    return dict(result, name=pkg.name)


# --- creates: one multi-row statement per table for a batch --------------------------

def _fast(plan: _Plan, user_obj: Optional[model.User]) -> bool:
    """Can the create be written by :func:`_create_many`? Entries with groups, relationships,
    vocabulary tags or the sysadmin's plugin data take ``package_dict_save``."""
    data = plan.data
    return (not data.get("groups") and "relationships_as_subject" not in data
            and "relationships_as_object" not in data
            and not any(t.get("vocabulary_id") or t.get("id") for t in data.get("tags") or [])
            and not (user_obj is not None and user_obj.sysadmin and data.get("plugin_data")))


def _row(table, values: dict, now: datetime.datetime) -> dict:
    """A full row of ``table`` as the ORM would insert a new object given ``values``
    (``DomainObject.from_dict``: a value None leaves the column to its default)."""
    row = {}
    for col in table.c:
        value = values.get(col.name)
        if value is None and col.default is not None:
            arg = col.default.arg
            value = arg(None) if callable(arg) else arg  # SQLAlchemy's wrapped callable takes a context
        row[col.name] = value
    return row


class _Rows:
    """The rows of a batch of creates, table by table, written in foreign-key order."""

    def __init__(self):
        self.tag, self.package, self.extra, self.resource, self.package_tag, self.member = ([] for _ in range(6))

    def write(self, session) -> None:
        cursor = session.connection().connection.cursor()
        try:
            for table, rows in ((model.tag_table, self.tag), (model.package_table, self.package),
                                (model.package_extra_table, self.extra), (model.resource_table, self.resource),
                                (model.package_tag_table, self.package_tag), (model.member_table, self.member)):
                if rows:
                    _insert(cursor, session.bind.dialect, table, rows)
        finally:
            cursor.close()


def _insert(cursor, dialect, table, rows: list[dict]) -> None:
    """One multi-row INSERT of ``rows`` (full rows, :func:`_row`) into ``table`` through the
    driver's cursor, in the session's transaction: each value through its column type's bind
    processor (the JSON of a resource's extras and of a package's plugin data, the check of a
    boolean) as SQLAlchemy's executemany would send it, without SQLAlchemy's handling of each
    row's parameters (the paged ``VALUES`` lists are psycopg2's ``execute_values``, as
    SQLAlchemy's executemany uses it). The driver's errors are raised as SQLAlchemy's."""
    columns = list(table.c)
    # a text column's processor only warns of a bytes value (there is none): left out
    processors = [None if type(col.type) in (sa.Unicode, sa.UnicodeText) else col.type._cached_bind_processor(dialect)
                  for col in columns]
    names = [col.name for col in columns]
    if any(processors):
        values = [tuple(p(row[n]) if p is not None else row[n] for n, p in zip(names, processors)) for row in rows]
    else:
        getter = operator.itemgetter(*names)
        values = [getter(row) for row in rows]
    statement = pg_sql.SQL("INSERT INTO {} ({}) VALUES %s").format(
        pg_sql.Identifier(table.name), pg_sql.SQL(", ").join(pg_sql.Identifier(n) for n in names))
    try:
        psycopg2.extras.execute_values(cursor, statement, values, page_size=1000)
    except psycopg2.Error as e:  # raised as SQLAlchemy raises the driver's errors
        raise sa.exc.DBAPIError.instance(f"INSERT INTO {table.name}", None, e, psycopg2.Error) from e


def _package_rows(plan: _Plan, rows: _Rows, tags: "_Tags", now: datetime.datetime) -> tuple[str, dict]:
    """The rows ``package_dict_save`` would write for a new entry (ckan/lib/dictization/
    model_save.py), added to ``rows``; the entry's id and its extras (key → value)."""
    data = plan.data
    data.pop("metadata_created", None)
    data.pop("metadata_modified", None)
    data.pop("plugin_data", None)
    package_id = data.get("id") or str(uuid.uuid4())
    rows.package.append(_row(model.package_table, dict(data, id=package_id, metadata_created=now,
                                                         metadata_modified=now), now))
    extras: dict[str, Any] = {}
    for extra in data.get("extras") or []:
        if not extra.get("deleted") and extra["value"] is not None:
            extras[str(extra["key"])] = extra["value"]
    rows.extra.extend({"id": str(uuid.uuid4()), "package_id": package_id, "key": k, "value": v, "state": "active"}
                      for k, v in extras.items())
    columns = {c.name for c in model.resource_table.c}
    for position, resource in enumerate(data.get("resources") or []):
        resource["package_id"] = package_id
        if resource.get("url") and resource.get("url_type") == "upload":
            resource["url"] = resource["url"].rsplit("/")[-1]
        for key in ("extras", "revision_timestamp", "tracking_summary"):
            resource.pop(key, None)
        resource_id = resource.get("id") or str(uuid.uuid4())
        # Resource() starts url, format, description and hash as ""; from_dict then blanks the
        # description when it is not given (doc="remove_if_not_provided", nullable)
        values = {k: resource.get(k, "") for k in ("url", "format", "hash")}
        values.update((k, v) for k, v in resource.items() if k in columns)
        values.update(id=resource_id, position=position, state="active", metadata_modified=now,
                      extras={k: v for k, v in resource.items() if k not in columns})
        rows.resource.append(_row(model.resource_table, values, now))
        resource["id"] = resource_id
    seen = set()
    for tag in data.get("tags") or []:
        key = (tag.get("name"), None)
        if key in seen:
            continue
        seen.add(key)
        tag_id = tags.ids.get(key)
        if tag_id is None:
            tag_id = tags.ids[key] = str(uuid.uuid4())
            rows.tag.append({"id": tag_id, "name": tag.get("name"), "vocabulary_id": None})
        rows.package_tag.append({"id": str(uuid.uuid4()), "package_id": package_id, "tag_id": tag_id,
                                 "state": "active"})
    if data.get("owner_org"):
        org = model.Group.get(data["owner_org"])
        rows.member.append({"id": str(uuid.uuid4()), "table_name": "package", "table_id": package_id,
                            "capacity": "organization", "group_id": org.id, "state": "active"})
    data["id"] = package_id
    return package_id, extras


def _create_many(context: dict, plans: list[_Plan], user_obj: Optional[model.User], tags: "_Tags",
                 ahead: bool = False) -> list[dict]:
    """What ``package_create`` does for each valid new entry (ckan/logic/action/create.py),
    the writes of the batch made table by table in one multi-row statement each, in the
    call's transaction: the package, extras, resource, tag, package-tag and membership rows;
    then each entry's ``IPackageController`` hooks; then Art 17 for the batch
    (``lifecycle.hooks.after_create_many``: each entry compared with the stored entries and
    those before it, as one create after another). One result per plan, in order.

    With ``ahead`` (a large call that changes no stored entry before), the stored providers of
    the entries' item names, Art 17's first query, are read by a thread on a connection of its
    own while the rows are written (``lifecycle.hooks.providers_ahead``)."""
    session = model.Session
    now = datetime.datetime.utcnow()
    rows = _Rows()
    ids, extras = [], []
    for plan in plans:
        data = plan.data
        if user_obj is not None:
            data["creator_user_id"] = user_obj.id
        if plan.code:
            data.setdefault("extras", []).append({"key": "resource_code", "value": plan.code})
        package_id, pkg_extras = _package_rows(plan, rows, tags, now)
        ids.append(package_id)
        extras.append(pkg_extras)
    providers = None
    if ahead:
        providers = lifecycle_hooks.providers_ahead([e.get("information_items") for p, e in zip(plans, extras)
                                                     if p.data.get("type") == "catalog"])
    # a deleted entry keeps its name until another takes it (``table_dict_save``: renamed to its id)
    names = [p.data["name"] for p in plans if p.data.get("name")]
    if names:
        session.execute(model.package_table.update()
                        .where(model.package_table.c.name.in_(names), model.package_table.c.state == "deleted")
                        .values(name=model.package_table.c.id))
    rows.write(session)
    loaded = {p.id: p for p in session.query(model.Package).filter(model.Package.id.in_(ids))}
    pkgs = [loaded[i] for i in ids]
    views = bool(datapreview.get_default_view_plugins(False))
    for plan, pkg in zip(plans, pkgs):
        for item in plugins.PluginImplementations(plugins.IPackageController):
            item.create(pkg)
            item.after_dataset_create(dict(context), plan.data)
        if views and plan.data.get("resources"):
            tk.get_action("package_create_default_resource_views")(
                {"model": model, "user": context["user"], "ignore_auth": True, "defer_commit": True},
                {"package": plan.data})
    warnings = lifecycle_hooks.after_create_many(context, pkgs, [e.get("information_items") for e in extras],
                                                 providers)
    _local.loaded = pkgs  # the session holds its objects weakly: kept until the documents are built
    return [{"id": pkg.id, "name": pkg.name, "duplicate_warnings": w} for pkg, w in zip(pkgs, warnings)]


# --- the Solr documents: CKAN's package_dictize for a batch, in a few queries -------------

def _group_rows(rows, key: str) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for row in rows:
        out[row._mapping[key]].append(row)
    return out


_EXTRAS = "SELECT id, package_id, key, value, state FROM package_extra WHERE package_id = ANY(%s) AND state = 'active'"


def _extras_of(session, ids: list[str]) -> dict[str, list[dict]]:
    """Package id → ``model_dictize.extras_list_dictize`` of its package_extra rows: the
    active ones, sorted by key, each as ``table_dictize`` gives it (every column of the table
    is text, kept as it is). Read through the database driver's cursor, in the session's
    transaction: for the thirteen extras of a catalog entry, SQLAlchemy's result rows cost
    more than the dicts made of them."""
    out: dict[str, list[dict]] = defaultdict(list)
    if not ids:
        return out
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(_EXTRAS, (list(ids),))
        for extra_id, package_id, key, value, state in cursor:
            out[package_id].append({"id": extra_id, "package_id": package_id, "key": key, "value": value,
                                    "state": state})
    finally:
        cursor.close()
    for dicts in out.values():
        dicts.sort(key=operator.itemgetter("key"))
    return out


def dictize_many(pkgs: list[model.Package]) -> dict[str, dict]:
    """``model_dictize.package_dictize(pkg, context)`` of each package (without plugin data),
    its resources, tags, extras, groups, organization and relationships read in one query per
    kind for all the packages instead of seven per package (the same rows, dictized by CKAN's
    own functions, the extras as they do it: :func:`_extras_of`). The result of each is tested
    equal to package_dictize's."""
    ctx = {"model": model, "session": model.Session}
    ids = [p.id for p in pkgs]
    res, tag, pkg_tag = model.resource_table, model.tag_table, model.package_tag_table
    member, group, rel = model.member_table, model.group_table, model.package_relationship_table
    session = model.Session
    resources = _group_rows(session.execute(select(res).where(res.c.package_id.in_(ids))), "package_id")
    tag_rows = session.execute(select(tag, pkg_tag.c.state, pkg_tag.c.package_id.label("_package_id"))
                               .join(pkg_tag, tag.c.id == pkg_tag.c.tag_id).where(pkg_tag.c.package_id.in_(ids)))
    tags = _group_rows(tag_rows, "_package_id")
    extras = _extras_of(session, ids)
    grouped = _group_rows(session.execute(
        select(group, member.c.capacity, member.c.table_id.label("_table_id"))
        .join(member, group.c.id == member.c.group_id)
        .where(member.c.table_id.in_(ids), member.c.state == "active", group.c.is_organization == False)),  # noqa: E712
        "_table_id")
    orgs = {row.id: row for row in session.execute(
        select(group).where(group.c.id.in_({p.owner_org for p in pkgs if p.owner_org}), group.c.state == "active"))}
    related = {row.subject_package_id for row in session.execute(
        select(rel.c.subject_package_id).where(rel.c.subject_package_id.in_(ids)))} | \
        {row.object_package_id for row in session.execute(
            select(rel.c.object_package_id).where(rel.c.object_package_id.in_(ids)))}
    out = {}
    for pkg in pkgs:
        if pkg.id in grouped or pkg.id in related:  # groups or relationships: CKAN's own, one by one
            out[pkg.id] = model_dictize.package_dictize(pkg, dict(ctx))
            continue
        result = dictization.table_dictize(pkg, ctx)
        if result.get("title"):
            result["title"] = result["title"].strip()
        result.pop("plugin_data", None)
        result["resources"] = model_dictize.resource_list_dictize(resources.get(pkg.id, []), ctx)
        result["num_resources"] = len(result["resources"])
        tag_dicts = []
        for row in tags.get(pkg.id, []):
            dictized = dictization.table_dictize(row, ctx)
            dictized.pop("_package_id")
            if row.state == "active":
                tag_dicts.append(dictized)
        result["tags"] = sorted(tag_dicts, key=lambda x: x["name"])
        result["num_tags"] = len(result["tags"])
        for tag_dict in result["tags"]:
            tag_dict["display_name"] = tag_dict["name"]
        result["extras"] = extras.get(pkg.id, [])
        result["groups"] = []
        org = orgs.get(pkg.owner_org)
        result["organization"] = dictization.table_dictize(org, ctx) if org is not None else None
        result["relationships_as_subject"] = []
        result["relationships_as_object"] = []
        result["isopen"] = pkg.isopen if isinstance(pkg.isopen, bool) else pkg.isopen()
        result["type"] = pkg.type or "dataset"
        if pkg.license and pkg.license.url:
            result["license_url"] = pkg.license.url
            result["license_title"] = pkg.license.title.split("::")[-1]
        elif pkg.license:
            result["license_title"] = pkg.license.title
        else:
            result["license_title"] = pkg.license_id
        result["metadata_modified"] = pkg.metadata_modified.isoformat()
        result["metadata_created"] = pkg.metadata_created.isoformat() if pkg.metadata_created else None
        out[pkg.id] = result
    return out


def _new_package_activities(context: dict, docs: list[dict], user_obj: Optional[model.User]) -> None:
    """The activity plugin's "new package" activity of each new entry, as its
    ``action_succeeded`` subscriber makes it after ``package_create``
    (ckanext/activity/subscriptions.py), in the call's transaction. The copy of the entry is
    the validated ``package_show`` that the entry's Solr document holds, with the
    ``after_dataset_show`` hooks applied: what ``package_show`` returns from Solr's copy.

    Each activity is made as ``activity_dict_save`` makes it and goes through what the
    session's flush would run before inserting it (the ``before_insert`` listeners on the
    model: the project's removal of resource locations and harvest credentials); then the
    batch's rows are written in one statement, the copies encoded by the standard library's
    JSON encoder (the column type's simplejson encodes non-ASCII text in Python: the largest
    part of the flush)."""
    if not plugins.plugin_loaded("activity") or user_obj is None \
            or not tk.config.get("ckan.activity_streams_enabled") or not docs:
        return
    from ckanext.activity.model.activity import Activity
    labels = lib_plugins.get_permission_labels()
    session_ctx = _context(context, ignore_auth=True, for_view=False)
    hooks = list(plugins.PluginImplementations(plugins.IPackageController))
    loaded = {pkg.id: pkg for pkg in getattr(_local, "loaded", None) or ()}
    mapper, connection = sa.inspect(Activity), model.Session.connection()
    rows = []
    for doc in docs:
        pkg = loaded.get(doc["id"]) or model.Package.get(doc["id"])
        shown = json.loads(doc["validated_data_dict"])
        ctx = dict(session_ctx, package=pkg)
        for item in hooks:
            item.after_dataset_show(ctx, shown)
        activity = Activity(user_obj.id, pkg.id, "new package", {"package": shown, "actor": user_obj.name},
                            labels.get_dataset_labels(pkg))
        mapper.dispatch.before_insert(mapper, connection, sa.inspect(activity))
        data = activity.data
        rows.append({"id": activity.id, "timestamp": activity.timestamp, "user_id": activity.user_id,
                     "object_id": activity.object_id, "revision_id": None, "activity_type": activity.activity_type,
                     # the column type's rule: an empty copy is stored as NULL, text as it is
                     "data": None if data is None or data == {} else
                     data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
                     "permission_labels": activity.permission_labels})
    model.Session.execute(Activity.__table__.insert(), rows)


def _update(context: dict, plan: _Plan) -> dict:
    ctx = dict(context)
    ctx.pop("package", None)
    return tk.get_action("package_update")(ctx, dict(plan.entry, type="catalog"))


def _write(context: dict, plans: list[_Plan], outcomes: list, step: Callable[[], None],
           sender: _Sender, helper: Optional["_Helper"] = None) -> dict:
    """Save every plan in one transaction. Returns the saved packages (id → operation). The
    Solr documents of the new ones are built in the transaction, ``INDEX_BATCH`` at a time,
    each batch handed to ``sender`` as soon as it is built (Solr analyses it on the other core
    while the next is built); the caller commits Solr after the transaction, or withdraws them.

    The updates are saved first, one ``package_update`` each in input order; then the creates
    that :func:`_fast` admits, as one batch (:func:`_create_many`); then any other create,
    one by one. A create is thus compared (Art 17) with the entries as the call's updates
    leave them.

    With a ``helper`` process (a large call), the documents' show validation is its work
    (:func:`_documents`)."""
    session = model.Session
    user_obj = model.User.get(context["user"]) if context.get("user") else None
    ctx = _context(context, defer_commit=True)
    _take_codes(session, plans)
    tags = _Tags(session, plans)
    created = []
    with _deferred_index() as deferred:
        for plan in plans:
            if plan.pkg is not None:
                result = _update(dict(ctx), plan)
                outcomes[plan.index] = Outcome(plan.index, UPDATE, id=result["id"], name=result["name"],
                                               resource_code=result.get("resource_code"),
                                               duplicate_warnings=result.get("duplicate_warnings") or [])
                step()
        fast = [p for p in plans if p.pkg is None and _fast(p, user_obj)]
        slow = [p for p in plans if p.pkg is None and not _fast(p, user_obj)]
        if helper is not None and helper.alive and (fast or slow):
            helper.ahead([_as_shown(p.data) for p in fast + slow])  # worked out while the rows are written
        # a large call without updates: the stored entries' item names are what is committed
        ahead = helper is not None and all(p.pkg is None for p in plans)
        results = _create_many(dict(ctx), fast, user_obj, tags, ahead) if fast else []
        for plan in slow:
            if slow and plan is slow[0] and fast:
                session.flush()
            results.append(_create(dict(ctx), plan, user_obj, tags))
        for plan, result in zip(fast + slow, results):
            created.append(result["id"])
            outcomes[plan.index] = Outcome(plan.index, CREATE, id=result["id"], name=result["name"],
                                           resource_code=plan.code,
                                           duplicate_warnings=result.get("duplicate_warnings") or [])
            step()
        if context.get(BEFORE_COMMIT) is not None:
            context[BEFORE_COMMIT](outcomes)
        session.flush()
        try:
            for docs in _documents(_batches(created, helper is not None and helper.alive), helper):
                sender.put(docs)
                _new_package_activities(ctx, docs, user_obj)
        finally:
            _local.loaded = None
        session.commit()  # CKAN's before_commit hands the packages to ``deferred``
        return dict(deferred)


def save_many(context: dict, entries: list[dict], *, dry_run: bool = False,
              progress: Optional[Callable[[int, int], Any]] = None) -> list[Outcome]:
    """Validate every entry; unless ``dry_run``, save the valid ones, all in one transaction.
    One Outcome per entry, in input order. ``progress(done, total)`` is called as entries are
    handled; ``(total, total)`` comes once everything is saved and indexed.

    An entry the user may not create or update is REFUSED with the refusal on ``owner_org``.
    """
    total = len(entries)
    outcomes: list[Optional[Outcome]] = [None] * total
    done = 0

    def step():
        nonlocal done
        done += 1
        if progress is not None and done < total:
            progress(done, total)

    with _memo():
        plans, helper = _judged(context, entries, outcomes, dry_run, step)
        try:
            if plans:
                sender = _Sender()
                try:
                    indexed = _write(context, plans, outcomes, step, sender, helper)
                except Exception:
                    model.Session.rollback()
                    try:
                        sender.withdraw()
                    except Exception as e:  # Solr unreachable: what it holds is reconciled by a reindex
                        log.error("rolled back, but the documents sent could not be removed (%s): "
                                  "run `ckan liuzhou reindex`", e)
                    raise
        finally:
            if helper is not None:
                helper.close()
    if plans:
        try:
            sender.join()
            sent = set(sender.sent)
            index_many({i: op for i, op in indexed.items() if i not in sent})  # updates, removals
            sender.finish()
        except search.SearchIndexError as e:
            log.error("%d entries saved but not indexed (%s): `ckan liuzhou reindex` indexes them", len(indexed), e)
    if progress is not None and total:
        progress(total, total)
    return outcomes  # type: ignore[return-value]


def _judge(context: dict, entry: dict, pkg: Optional[model.Package], names: set) -> tuple[dict, dict]:
    """The auth function of the entry's action, then the form's schema: (data, errors)."""
    action = "package_update" if pkg is not None else "package_create"
    try:
        tk.check_access(action, _context(context), dict(entry, type="catalog"))
        return validate(context, entry, names)
    except tk.NotAuthorized as e:
        return {}, {"owner_org": [str(e) or tk._("Not authorized")]}
    except tk.ValidationError as e:
        return {}, e.error_dict


#: a call with at least this many new entries has the later half of them validated by a
#: second process (the other core) while this one validates the first half
PARALLEL_MIN = 200


def _may_fork() -> bool:
    """Only a single-threaded process forks the helper: the command line, a job worker's job, the
    harvest. A web server's threaded worker does not (a browser import of up to
    ``import.job_rows`` rows runs in the request): a lock another thread held at the fork (the
    logging module's, a connection pool's) would stay held in the helper forever.

    The one thread a command may still have is the one loading the word segmenter's dictionary
    (``segment.warm``, started as CKAN makes its app): it is waited for (a second or two at
    most, and the helper then has the dictionary too). Without that wait, a command that read
    its workbook sooner than the dictionary loaded judged and indexed every entry alone."""
    import threading
    loading = segment.warming()
    if loading is not None and threading.active_count() == 2:
        loading.join()
    if threading.active_count() == 1:
        return True
    log.info("saved by one process: %d other threads run", threading.active_count() - 1)
    return False


class _Helper:
    """A forked process working beside this one on the second core, with two tasks.

    First it judges (:func:`_judge`) the given new entries while the parent judges the others:
    the form's schema and rules are CPU work in Python. It reads the database through a
    connection of its own (what is committed: nothing is written before the call's judgement
    ends) and takes no advisory lock on the names it gives (the parent takes them when it
    adopts its results, :func:`_check`: a lock taken by the helper could wait for one the
    parent holds, and neither would end). It sends (index, data, errors) of each entry.

    Then, while the parent writes the call and builds its Solr documents, it validates the
    documents' entries with the show schema, as ``index_package`` would (:func:`_show_validate`,
    CPU only: the output validators read no table), a batch at a time (:meth:`show`,
    :meth:`shown`). It ends when the parent closes its end (:meth:`close`).

    Messages are pickles on two pipes, and neither side writes while the other may be writing
    (the parent sends a batch only after it has read the previous answer), so no pipe fills
    up with both sides waiting. If the helper fails, the parent does its work itself."""

    def __init__(self, context: dict, entries: list[dict], indexes: list[int]):
        import os
        self.indexes = indexes
        answers_r, answers_w = os.pipe()    # helper → parent
        requests_r, requests_w = os.pipe()  # parent → helper
        self.pid = os.fork()
        if self.pid == 0:  # the helper
            os.close(answers_r)
            os.close(requests_w)
            self._serve(context, entries, indexes, answers_w, requests_r)
        os.close(answers_w)
        os.close(requests_r)
        self.answers = os.fdopen(answers_r, "rb")
        self.requests = os.fdopen(requests_w, "wb")
        self.alive = True
        self.outstanding = False  # a batch handed over whose answer is not read yet
        self.words = segment.state()  # the segmenter's words at the fork
        self._fields: dict = {}
        self._ahead: dict = {}  # the index fields of the call's new entries (:meth:`ahead`)
        self._ahead_asked = False
        self.keys: dict[int, list[str]] = {}  # the lock keys of the entries it judged (results)

    @staticmethod
    def _serve(context: dict, entries: list[dict], indexes: list[int], answers_fd: int, requests_fd: int) -> None:
        import os
        import traceback
        code = 1
        try:
            # the parent's session and connection are the parent's: kept (never closed here,
            # which would end the parent's transaction), and replaced by a pool of our own
            inherited = [model.Session()]
            model.Session.registry.clear()
            model.meta.engine.dispose(close=False)
            _local.memo = {}  # users and departments of the parent's session
            validators._lock_name = lambda session, name: None
            names: set = set()
            results = []
            for index in indexes:
                data, errors = _judge(context, entries[index], None, names)
                if not errors:
                    names.add(data.get("name"))
                results.append((index, data, errors, _name_keys(entries[index], data, errors)))
            with os.fdopen(answers_fd, "wb") as answers, os.fdopen(requests_fd, "rb") as requests:
                pickle.dump(results, answers, protocol=pickle.HIGHEST_PROTOCOL)
                answers.flush()
                segment.tokenizer()  # loaded now, while the parent writes the call's rows
                ahead: dict = {}  # the index fields sent ahead (:meth:`ahead`)
                while True:
                    try:
                        kind, batch = pickle.load(requests)
                    except EOFError:  # the parent is done
                        break
                    if kind == "ahead":
                        ahead = _index_fields(batch)
                        answer = (ahead, segment.state())
                    else:
                        # each dict as the validation leaves it too: CKAN's show validation
                        # changes the dict it is given, and index_package keeps that dict
                        validated = [(*_show_validate(shown), shown) for shown in batch]
                        fields = _index_fields([shown for _v, _e, shown in validated], known=ahead)
                        answer = (validated, fields, segment.state())
                    pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
                    answers.flush()
            code = 0 if inherited else 1
        except BaseException:  # noqa: B036 - reported, and the parent does this work itself
            traceback.print_exc()
        finally:
            os._exit(code)

    def _read(self):
        try:
            return pickle.load(self.answers)
        except Exception as e:  # EOF: the helper died; or an answer cut short
            log.error("the helper process failed (%s): its work done here", e)
            self.stop()
            return None

    def results(self) -> dict[int, tuple[dict, dict]]:
        """index → (data, errors); empty if the helper failed. The names' lock keys of each
        entry (:func:`_name_keys`, worked out there): :attr:`keys`."""
        judged = self._read() or []
        self.keys = {index: keys for index, _data, _errors, keys in judged}
        return {index: (data, errors) for index, data, errors, _keys in judged}

    def ahead(self, shown: list[dict]) -> bool:
        """Hand over what :func:`_index_fields` reads of the call's new entries
        (:func:`_as_shown`), before their rows are written: the helper works out their pinyin
        and vocabulary fields while this process writes (the helper has nothing else to do
        then), instead of with each batch of documents, when both processes are busy. The
        answer is read at the first :meth:`show`."""
        if self._send("ahead", shown):
            self._ahead_asked = True
            return True
        return False

    def _take_ahead(self) -> None:
        if not self._ahead_asked:
            return
        self._ahead_asked = self.outstanding = False
        answer = self._read() if self.alive else None
        if answer is not None:
            self._ahead, words = answer
            if not words == self.words == segment.state():
                self._ahead = {}  # a process added words since the fork: they may cut otherwise

    def show(self, batch: list[dict]) -> bool:
        """Hand a batch of unvalidated ``package_show`` dicts over for show validation."""
        self._take_ahead()
        return self._send("show", batch)

    def _send(self, kind: str, batch: list[dict]) -> bool:
        if not self.alive:
            return False
        try:
            pickle.dump((kind, batch), self.requests, protocol=pickle.HIGHEST_PROTOCOL)
            self.requests.flush()
            self.outstanding = True
            return True
        except Exception as e:  # the pipe, or a value pickle cannot send: the helper stops here
            log.error("the helper process failed (%s): its work done here", e)
            self.stop()
            return False

    def shown(self) -> Optional[list[tuple[dict, dict, dict]]]:
        """The answer to the last :meth:`show`: (validated, errors, the dict as the validation
        left it) of each dict; None if the helper failed. Its index fields: :meth:`fields`."""
        self.outstanding = False
        answer = self._read() if self.alive else None
        if answer is None:
            self._fields = {}
            return None
        validated, self._fields, words = answer
        if not words == self.words == segment.state():
            # a process added words since the fork: they may cut otherwise
            self._fields = self._ahead = {}
        return validated

    def ready(self) -> bool:
        """Whether the answer to the last :meth:`show` can be read without waiting."""
        import select
        if not self.alive:
            return True
        return bool(select.select([self.answers], [], [], 0)[0])

    def fields(self) -> Mapping:
        """The pinyin and vocabulary fields of the last answer's documents and of those sent
        ahead (:func:`_index_fields`), if both processes' segmenters still know the same words."""
        if not self._ahead:
            return self._fields
        if segment.state() != self.words:
            return {}
        return ChainMap(self._fields, self._ahead)

    def close(self) -> None:
        """No more work: the helper ends (its exit status is collected)."""
        import os
        if not self.alive:
            return
        if self.outstanding:  # a batch handed over and not taken back (the call failed)
            self.stop()
            return
        self.alive = False
        for f in (self.requests, self.answers):
            try:
                f.close()
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass

    def stop(self) -> None:
        import os
        import signal
        self.alive = False
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        for f in (self.requests, self.answers):
            try:
                f.close()
            except OSError:
                pass


def _name_keys(entry: dict, data: dict, errors: dict) -> list[str]:
    """What the validator's advisory locks (``_lock_name``) hold for an entry judged valid: the
    name given, and the title's base name when the name was made from the title."""
    if errors or not data.get("name"):
        return []
    keys = [data["name"]]
    if not entry.get("name") and data.get("title"):
        keys.append(slug.slugify(data["title"]))
    return keys


def _adopt(session, judged: dict[int, tuple[dict, dict]], keys_of: dict[int, list[str]],
           held: Iterable[str] = ()) -> set[int]:
    """The advisory locks on the names the helper gave (``keys_of``: :func:`_name_keys` of each
    entry, worked out by the helper) and on ``held`` (those this process's judgement noted
    meanwhile, :func:`validators.locks_deferred`), taken in the call's transaction in one
    statement; then the helper's names a concurrent create saved meanwhile (this process's
    are looked for at the end of the call's judgement, :func:`_clashes`). Returns the indexes
    whose name must be judged again."""
    validators.lock_names(session, [key for index in judged for key in keys_of.get(index, ())] + list(held))
    given = {data["name"]: index for index, (data, errors) in judged.items() if not errors and data.get("name")}
    if not given:
        return set()
    taken = {row[0] for row in session.execute(select(model.package_table.c.name)
                                               .where(model.package_table.c.name.in_(list(given))))}
    return {given[name] for name in taken}


def _judged(context: dict, entries: list[dict], outcomes: list, dry_run: bool,
            step: Callable[[], None]) -> tuple[list[_Plan], Optional[_Helper]]:
    """:func:`_check`, with the stored names read once for a large call. If a concurrent create
    saved one of the names the call gave meanwhile (:func:`_clashes`), the call is judged
    again, each name looked up in the table as a single create does."""
    new = sum(1 for entry in entries if _existing(entry) is None)
    if new < NAMES_READ_MIN:
        return _check(context, entries, outcomes, dry_run, step)
    stored = _local.stored_names = _stored_names(model.Session)
    try:
        plans, helper = _check(context, entries, outcomes, dry_run, step, defer_locks=True)
    finally:
        _local.stored_names = None
    # a name held already when the names were read was judged with it (an explicit name a
    # deleted entry holds, which CKAN's rule allows): not a concurrent create's
    clashes = _clashes(model.Session, plans) - stored.keys()
    if not clashes:
        return plans, helper
    log.warning("names saved meanwhile by another create (%s): the call is judged again", ", ".join(sorted(clashes)))
    if helper is not None:
        helper.stop()
    outcomes[:] = [None] * len(outcomes)
    return _check(context, entries, outcomes, dry_run, lambda: None, parallel=False)


def _check(context: dict, entries: list[dict], outcomes: list, dry_run: bool,
           step: Callable[[], None], parallel: bool = True,
           defer_locks: bool = False) -> tuple[list[_Plan], Optional[_Helper]]:
    """Check and validate every entry; fill the outcomes of those not to be written; the
    plans of the others (none in a dry run), and the helper process if one judged entries and
    is still alive (the caller closes it: it validates the call's documents meanwhile).

    With ``PARALLEL_MIN`` new entries or more, the later half of the new entries is judged by
    a :class:`_Helper` process meanwhile. Its judgement is adopted as this process would have
    made it in input order: an entry whose generated name an earlier entry of the call took
    (the helper did not know the names this process gave), or a concurrent create saved since,
    is judged again here; the helper's names are locked here as the validator locks them.

    With ``defer_locks`` (a call that read the stored names: :func:`_judged` looks for the
    names saved meanwhile at its end), the names this process's judgement locks are locked
    together with the helper's when its judgement is adopted, and any after that at the end,
    one statement each time instead of one an entry."""
    names: set[str] = set()
    ids: set[str] = set()
    plans: list[_Plan] = []
    existing = [_existing(entry) for entry in entries]
    new = [i for i, pkg in enumerate(existing) if pkg is None]
    helper = _Helper(context, entries, new[len(new) // 2:]) \
        if parallel and len(new) >= PARALLEL_MIN and _may_fork() else None
    pending = helper  # its judgement not yet read
    judged: dict[int, tuple[dict, dict]] = {}
    again: set[int] = set()
    done = False
    # noted: the names this process's judgement locks, when they are locked together
    with validators.locks_deferred() if defer_locks else nullcontext([]) as noted:
        try:
            for index, entry in enumerate(entries):
                pkg = existing[index]
                if pending is not None and index == pending.indexes[0]:
                    judged = pending.results()
                    again = _adopt(model.Session, judged, pending.keys, noted)
                    del noted[:]
                    pending = None
                adopted = index in judged and index not in again
                if adopted:
                    data, errors = judged[index]
                    if not errors and not entry.get("name") and data.get("name") in names:
                        data, errors = _judge(context, entry, pkg, names)  # a name this process gave
                else:
                    data, errors = _judge(context, entry, pkg, names)
                if not errors and pkg is None and data.get("name") in names:
                    errors = {"name": [tk._("That URL is already in use.")]}  # a name given twice in the call
                if not errors and entry.get("id") and entry["id"] in ids:
                    errors = {"id": [tk._("Dataset id already exists")]}  # an entry given twice in the call
                    if adopted:  # the helper counted its name as given: judge the rest here
                        again.update(judged)
                if errors:
                    outcomes[index] = Outcome(index, REFUSED, id=pkg.id if pkg else None, errors=errors)
                elif pkg is not None and _unchanged(context, pkg, data):
                    outcomes[index] = Outcome(index, UNCHANGED, id=pkg.id, name=pkg.name,
                                              resource_code=resource_code.stored_code(pkg))
                else:
                    names.add(data.get("name"))
                    if entry.get("id"):
                        ids.add(entry["id"])
                    if dry_run:
                        outcomes[index] = Outcome(index, UPDATE if pkg else CREATE, id=pkg.id if pkg else None,
                                                  name=data.get("name"), resource_code=data.get("resource_code"))
                    else:
                        plans.append(_Plan(index, entry, data, pkg))
                        continue
                step()
            validators.lock_names(model.Session, noted)  # those noted since the adoption
            done = True
        finally:
            if helper is not None and (not done or pending is not None):
                helper.stop()
    return plans, (helper if helper is not None and helper.alive else None)
