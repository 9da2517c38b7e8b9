"""One Solr update per entry per commit.

CKAN indexes on commit (``DomainObjectModificationExtension.notify_observers``, from the
session's ``before_commit``): every new or changed ``Package`` is indexed, and then every
package *related* to a new or changed object is indexed again as "changed" — a new entry with
one resource is indexed twice in the same commit (as "new", then as the package of its new
resource), each time with a full ``package_show``, every plugin's ``before_dataset_index`` and
a Solr POST. Both updates are made from the same flushed state (the pass flushes once, first,
and CKAN's search plugin is the only observer), so the second one sends the same document.

:func:`install` makes each pass index an entry at most once: the first update of a package in a
pass goes to Solr, a later one of the same package in the same pass is skipped. A deletion is
never skipped, and the next commit (another pass) indexes again. Nothing else changes: what is
indexed, when, and the errors raised (or, with the index guard of ``ops/services.py``, logged).
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Optional

import ckan.model as model
from ckan.model.domain_object import DomainObjectOperation
from ckan.model.modification import DomainObjectModificationExtension

#: the ids of the packages indexed in the current pass (None outside a pass)
_PASS: contextvars.ContextVar[Optional[set]] = contextvars.ContextVar("liuzhou_index_pass", default=None)


def first_in_pass(entity: Any, operation: str) -> bool:
    """Whether this index update is the first of ``entity`` in the current pass (always True
    for a deletion, for what is not a package and outside a pass); remembers it."""
    done = _PASS.get()
    if done is None or operation == DomainObjectOperation.deleted or not isinstance(entity, model.Package):
        return True
    if entity.id in done:
        return False
    done.add(entity.id)
    return True


@contextlib.contextmanager
def one_pass():
    """The scope of one pass: an entry is indexed at most once inside it."""
    token = _PASS.set(set())
    try:
        yield
    finally:
        _PASS.reset(token)


_installed = False


def install() -> None:
    """Wrap CKAN's pass (``notify_observers``) and its search observer (``notify``), once a
    process (after the index guard of ``ops/services.py``, which wraps the same observer)."""
    global _installed
    if _installed:
        return
    from ckan.lib.search import SynchronousSearchPlugin

    observe = DomainObjectModificationExtension.notify_observers

    def notify_observers(self, session: Any, method: Any) -> None:
        with one_pass():
            observe(self, session, method)

    index = SynchronousSearchPlugin.notify

    def notify(self, entity: Any, operation: str) -> None:
        if first_in_pass(entity, operation):
            index(self, entity, operation)
    notify._liuzhou_guard = getattr(index, "_liuzhou_guard", False)  # the guard stays installed once
    notify.__wrapped__ = index

    DomainObjectModificationExtension.notify_observers = notify_observers
    SynchronousSearchPlugin.notify = notify
    _installed = True
