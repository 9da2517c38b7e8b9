"""One Solr update per entry per commit (search/index_once.py): CKAN indexed a new entry with a
resource twice in the same commit (as new, then as the package of its new resource); the
second update sent the same document. The index still follows every commit."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.lib.search import index as search_index
from ckan.model.domain_object import DomainObjectOperation

from ckanext.liuzhou.search import index_once
from tests.catalog.conftest import entry
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("departments")

RESOURCE = {"name": "人口基础信息接口", "url": "https://data.liuzhou.example/api/rk", "format": "API",
            "resource_type": "api"}


@pytest.fixture
def solr_updates(monkeypatch):
    """The ids of the documents sent to Solr, in order (CKAN's own indexing, called through)."""
    sent: list[str] = []
    index_package = search_index.PackageSearchIndex.index_package

    def counted(self, pkg_dict, defer_commit=False):
        sent.append(pkg_dict["id"])
        return index_package(self, pkg_dict, defer_commit)
    monkeypatch.setattr(search_index.PackageSearchIndex, "index_package", counted)
    return sent


def _found(call_as, user, q, **fq):
    result = call_as(user, "package_search", q=q, include_private=True,
                     fq=" ".join(f"+{k}:{v}" for k, v in fq.items()))
    return {r["id"]: r for r in result["results"]}


def test_a_new_entry_with_a_resource_is_indexed_once_and_whole(call_as, solr_updates):
    editor = make_user("lzsgaj", "editor")["name"]
    created = call_as(editor, "package_create", **entry(title="索引一次的人口目录", name="index-once-new",
                                                        resources=[dict(RESOURCE)]))
    assert solr_updates.count(created["id"]) == 1, solr_updates
    found = _found(call_as, editor, "索引一次的人口目录", name="index-once-new")
    assert list(found) == [created["id"]]
    doc = found[created["id"]]
    assert doc["resource_code"] == created["resource_code"]
    assert [r["name"] for r in doc["resources"]] == [RESOURCE["name"]]


def test_each_later_commit_indexes_again(call_as, solr_updates):
    editor = make_user("lzsgaj", "editor")["name"]
    created = call_as(editor, "package_create", **entry(title="改名前的人口目录", name="index-once-update",
                                                        resources=[dict(RESOURCE)]))
    call_as(editor, "package_patch", id=created["id"], title="改名后的人口目录")
    call_as(editor, "resource_create", package_id=created["id"], name="第二个接口",
            url="https://data.liuzhou.example/api/rk2", format="API", resource_type="api")
    assert solr_updates.count(created["id"]) == 3, solr_updates
    doc = _found(call_as, editor, "改名后的人口目录", name="index-once-update")[created["id"]]
    assert doc["title"] == "改名后的人口目录"
    assert [r["name"] for r in doc["resources"]] == [RESOURCE["name"], "第二个接口"]


def test_a_deleted_entry_leaves_the_index(call_as):
    editor = make_user("lzsgaj", "editor")["name"]
    created = call_as(editor, "package_create", **entry(title="将删除的人口目录", name="index-once-delete",
                                                        resources=[dict(RESOURCE)]))
    call_as(editor, "package_delete", id=created["id"])
    assert _found(call_as, editor, "将删除的人口目录", name="index-once-delete") == {}


class TestFirstInPass:
    def _pkg(self):
        return model.Package(id="index-once-probe", name="index-once-probe")

    def test_outside_a_pass_every_update_goes(self):
        pkg = self._pkg()
        assert index_once.first_in_pass(pkg, DomainObjectOperation.new)
        assert index_once.first_in_pass(pkg, DomainObjectOperation.changed)

    def test_in_a_pass_the_same_entry_goes_once_and_a_deletion_always(self):
        pkg, other = self._pkg(), model.Package(id="index-once-other", name="index-once-other")
        with index_once.one_pass():
            assert index_once.first_in_pass(pkg, DomainObjectOperation.new)
            assert not index_once.first_in_pass(pkg, DomainObjectOperation.changed)
            assert index_once.first_in_pass(other, DomainObjectOperation.changed)
            assert index_once.first_in_pass(pkg, DomainObjectOperation.deleted)
            assert index_once.first_in_pass(model.Resource(url="r"), DomainObjectOperation.new)
        with index_once.one_pass():  # the next pass starts afresh
            assert index_once.first_in_pass(pkg, DomainObjectOperation.changed)

    def test_installed_by_the_plugin(self):
        from ckan.lib.search import SynchronousSearchPlugin
        from ckan.model.modification import DomainObjectModificationExtension
        # in the chain of wrappers of the search observer (catalog/bulk.py wraps it once it is used)
        chain, fn = [], SynchronousSearchPlugin.notify
        while fn is not None:
            chain.append(fn.__module__)
            fn = getattr(fn, "__wrapped__", None)
        assert index_once.__name__ in chain, chain
        assert DomainObjectModificationExtension.notify_observers.__module__ == index_once.__name__
