"""Resource codes (信息资源代码, Art 13): ``<类 1><项 2><目 3>/<sequence 6>``, assigned by the
platform on create, never changed by an update, never reused, unique under parallel creation.

Decision: a client cannot set or change the code. Sending one on create, or a different one
on update, is refused with a field error on ``resource_code``; sending back the entry's own
code (package_show → edit → package_update) is accepted and changes nothing.
"""
from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.catalog import vocab
from tests.browser.live_server import LiveServer
from tests.conftest import make_user

from .conftest import counts, department_entry, entry

pytestmark = pytest.mark.usefixtures("departments")

CODE_RE = re.compile(r"^(?P<cls>[123])(?P<sub>\d{2})(?P<dept>\d{3})/(?P<seq>\d{6})$")


def _parts(code):
    m = CODE_RE.match(code)
    assert m, code
    return m["cls"] + m["sub"] + m["dept"], int(m["seq"])


def _issued(prefix):
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text(
            "SELECT code FROM liuzhou_resource_code WHERE prefix = :p ORDER BY sequence"), {"p": prefix})]


class TestFormat:
    def test_base_theme_and_department_codes(self, call_as, people):
        population = call_as(people.police_editor, "package_create", **entry())["resource_code"]
        health = call_as(people.hr_editor, "package_create", **entry(
            owner_org="lzsrlzyhshbzj", classification="theme", subclass="health",
            lead_department="lzswsjkwyh", title="健康档案"))["resource_code"]
        own = call_as(people.hr_editor, "package_create", **department_entry("lzsrlzyhshbzj"))["resource_code"]
        for code, cls, sub in [(population, "1", "01"), (health, "2", "02"), (own, "3", "01")]:
            m = CODE_RE.match(code)
            assert m, code
            assert (m["cls"], m["sub"]) == (cls, sub), code
        # 目: the provider department's number, the same for all of its entries
        assert CODE_RE.match(health)["dept"] == CODE_RE.match(own)["dept"] != CODE_RE.match(population)["dept"]

    def test_subclass_numbers_follow_the_vocabulary(self):
        assert vocab.SUBCLASS_NUMBER["population"] == "01"
        assert vocab.SUBCLASS_NUMBER["licences"] == "06"
        assert vocab.SUBCLASS_NUMBER["emergency_stability"] == "12"
        assert vocab.CLASSIFICATION_DIGIT == {"base": "1", "theme": "2", "department": "3"}

    def test_sequence_counts_up_per_prefix(self, call_as, people):
        codes = [call_as(people.market_editor, "package_create", **entry(
            owner_org="lzsscjdglj", subclass="legal_person", lead_department="lzsscjdglj",
            title=f"法人基础信息{i}"))["resource_code"] for i in range(3)]
        prefixes, seqs = zip(*map(_parts, codes))
        assert len(set(prefixes)) == 1
        assert list(seqs) == [seqs[0], seqs[0] + 1, seqs[0] + 2]
        assert _issued(prefixes[0])[-3:] == codes

    def test_the_code_is_shown_and_searchable(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(title="可按代码查找的目录"))
        shown = call_as(people.hr_editor, "package_show", id=created["name"])
        assert shown["resource_code"] == created["resource_code"]


class TestClientCannotSetIt:
    def test_a_code_sent_on_create_is_refused(self, refused, people):
        refused(people.police_editor, "package_create", "resource_code", **entry(resource_code="101001/999999"))

    def test_an_update_keeps_the_code(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry())
        data = dict(entry(title="改了名称"), id=created["id"], name=created["name"])
        updated = call_as(people.police_editor, "package_update", **data)
        assert updated["resource_code"] == created["resource_code"]
        assert updated["title"] == "改了名称"

    def test_sending_back_the_same_code_is_fine(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry())
        shown = call_as(people.police_editor, "package_show", id=created["id"])
        shown["notes"] = "补充了摘要"
        updated = call_as(people.police_editor, "package_update", **shown)
        assert updated["resource_code"] == created["resource_code"]

    def test_a_patch_keeps_the_code(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry())
        patched = call_as(people.police_editor, "package_patch", id=created["id"], update_cycle="weekly")
        assert patched["resource_code"] == created["resource_code"]

    def test_changing_it_is_refused(self, call_as, refused, people):
        created = call_as(people.police_editor, "package_create", **entry())
        refused(people.police_editor, "package_patch", "resource_code", id=created["id"],
                resource_code="101001/999999")
        assert call_as(people.police_editor, "package_show", id=created["id"])["resource_code"] == \
            created["resource_code"]

    def test_a_reclassified_entry_keeps_its_code(self, call_as, people):
        created = call_as(people.hr_editor, "package_create", **department_entry("lzsrlzyhshbzj"))
        patched = call_as(people.hr_editor, "package_patch", id=created["id"], classification="theme",
                          subclass="social_security", lead_department="lzsrlzyhshbzj")
        assert patched["resource_code"] == created["resource_code"]

    def test_extras_cannot_smuggle_one_in(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry())
        with pytest.raises(tk.ValidationError):
            call_as(people.police_editor, "package_patch", id=created["id"],
                    extras=[{"key": "resource_code", "value": "101001/999999"}])


class TestNeverReused:
    def test_not_after_delete_nor_purge(self, call_as, people):
        first = call_as(people.police_editor, "package_create", **entry(title="将被删除的目录"))
        call_as(people.police_editor, "package_delete", id=first["id"])
        second = call_as(people.police_editor, "package_create", **entry(title="删除后新建的目录"))
        call_as(people.sysadmin, "dataset_purge", id=first["id"])
        call_as(people.sysadmin, "dataset_purge", id=second["id"])
        third = call_as(people.police_editor, "package_create", **entry(title="清除后新建的目录"))
        prefix, seq1 = _parts(first["resource_code"])
        assert _parts(second["resource_code"]) == (prefix, seq1 + 1)
        assert _parts(third["resource_code"]) == (prefix, seq1 + 2)
        # the purged entries' codes stay on record as issued
        assert {first["resource_code"], second["resource_code"]} <= set(_issued(prefix))

    def test_a_refused_create_consumes_no_number(self, call_as, people):
        before = call_as(people.police_editor, "package_create", **entry(title="前一条"))
        with pytest.raises(tk.ValidationError):
            call_as(people.police_editor, "package_create", **entry(title="被拒绝的", sharing_type="not_shared"))
        after = call_as(people.police_editor, "package_create", **entry(title="后一条"))
        prefix, seq = _parts(before["resource_code"])
        assert _parts(after["resource_code"]) == (prefix, seq + 1)


# --- parallel creation ---------------------------------------------------------------------

N = 8


def _distinct_consecutive(codes):
    assert len(codes) == N and len(set(codes)) == N, codes
    prefixes, seqs = zip(*map(_parts, codes))
    assert len(set(prefixes)) == 1, codes
    assert sorted(seqs) == list(range(min(seqs), min(seqs) + N)), codes
    assert sorted(_issued(prefixes[0])[-N:]) == sorted(codes)


def test_parallel_threads_each_with_its_own_session(people):
    """N threads, each with its own scoped session and DB connection, create at once."""
    editor = make_user("lzsjyj", "editor")["name"]
    # CKAN builds its table of auth functions on first use: build it before the threads race
    tk.check_access("package_create", {"user": editor}, {"owner_org": "lzsjyj"})
    barrier = threading.Barrier(N)
    codes, failures = [], []

    def create(i):
        try:
            barrier.wait()
            result = tk.get_action("package_create")(
                {"user": editor, "ignore_auth": False},
                department_entry("lzsjyj", title=f"并发目录 线程 {i}", name=f"parallel-thread-{i}"))
            codes.append(result["resource_code"])
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(repr(e))
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures
    _distinct_consecutive(codes)


@pytest.fixture(scope="module")
def live_server(departments, request, tmp_path_factory):
    server = LiveServer(request.config.getoption("--ckan-ini"),
                        tmp_path_factory.mktemp("server") / "gunicorn.log", workers=4).start()
    server.warm_up()
    yield server
    server.stop()


def test_parallel_http_requests_to_several_server_processes(live_server, people):
    """N clients post package_create at once to a gunicorn with four worker processes.

    The department has no entry yet, so its 目 number is also taken under contention.
    """
    editor = make_user("lzsmzj", "editor")["name"]
    token = tk.get_action("api_token_create")({"ignore_auth": True}, {"user": editor, "name": "p"})["token"]
    barrier = threading.Barrier(N)
    codes, failures = [], []

    def create(i):
        body = json.dumps(department_entry("lzsmzj", title=f"并发目录 请求 {i}")).encode()
        request = urllib.request.Request(
            live_server.url + "/api/3/action/package_create", data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": token})
        try:
            barrier.wait()
            with urllib.request.urlopen(request, timeout=120) as response:
                codes.append(json.load(response)["result"]["resource_code"])
        except urllib.error.HTTPError as e:
            failures.append(f"{e.code} {e.read()[:500]!r}")
        except Exception as e:  # noqa: BLE001
            failures.append(repr(e))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not failures, (failures, live_server.log_tail())
    _distinct_consecutive(codes)
    assert counts().packages >= N
