"""URL names: an entry titled only in Chinese gets a readable, unique pinyin slug."""
from __future__ import annotations

import threading

import pytest

import ckan.model as model

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.catalog import slug

from tests.conftest import make_user

from .conftest import department_entry, entry

pytestmark = pytest.mark.usefixtures("departments")


@pytest.mark.parametrize("title, expected", [
    ("柳州市常住人口基础信息", "liu-zhou-shi-chang-zhu-ren-kou-ji-chu-xin-xi"),
    ("PM2.5", "pm2-5"),
    ("柳州市PM2.5浓度监测", "liu-zhou-shi-pm2-5-nong-du-jian-ce"),
    ("GDP 统计", "gdp-tong-ji"),
    ("２０２４年度（全市）", "2024-nian-du-quan-shi"),
    ("重庆", "chong-qing"),
    ("Café 数据", "cafe-shu-ju"),
    ("A", "catalog-a"),
    ("！？", "catalog"),
    ("", "catalog"),
])
def test_slugify(title, expected):
    assert slug.slugify(title) == expected


def test_long_titles_stop_at_a_whole_syllable_and_leave_room_for_a_suffix():
    name = slug.slugify("柳州市" * 40)
    assert len(name) <= slug.MAX_LEN
    assert name.endswith(("liu", "zhou", "shi"))
    assert len(slug.unique(name, lambda n: not n.endswith("-99"))) <= 100


def test_unique_counts_up_from_two():
    taken = {"a-b", "a-b-2"}
    assert slug.unique("a-b", taken.__contains__) == "a-b-3"
    assert slug.unique("c-d", taken.__contains__) == "c-d"


class TestThroughTheApi:
    def test_name_omitted_gives_the_pinyin_of_the_title(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(title="柳州市暂住人口登记信息"))
        assert created["name"] == "liu-zhou-shi-zan-zhu-ren-kou-deng-ji-xin-xi"

    def test_a_taken_name_gets_2_then_3(self, call_as, people):
        names = [call_as(people.police_editor, "package_create", **entry(title="柳州市流动人口信息"))["name"]
                 for _ in range(3)]
        base = "liu-zhou-shi-liu-dong-ren-kou-xin-xi"
        assert names == [base, f"{base}-2", f"{base}-3"]

    def test_a_deleted_entrys_name_still_counts_as_taken(self, call_as, people):
        first = call_as(people.police_editor, "package_create", **entry(title="柳州市人口迁移信息"))
        call_as(people.police_editor, "package_delete", id=first["id"])
        second = call_as(people.police_editor, "package_create", **entry(title="柳州市人口迁移信息"))
        assert second["name"] == first["name"] + "-2"

    def test_latin_is_kept(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(title="PM2.5 人口暴露评估"))
        assert created["name"] == "pm2-5-ren-kou-bao-lu-ping-gu"

    def test_an_explicit_name_wins(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(title="柳州市户籍人口", name="hjrk-2024"))
        assert created["name"] == "hjrk-2024"

    def test_an_explicit_name_that_is_taken_is_refused(self, call_as, refused, people):
        call_as(people.police_editor, "package_create", **entry(title="柳州市户籍人口", name="hjrk-taken"))
        refused(people.police_editor, "package_create", "name", **entry(title="别的目录", name="hjrk-taken"))

    def test_an_explicit_name_must_be_a_valid_ckan_name(self, refused, people):
        refused(people.police_editor, "package_create", "name", **entry(name="户籍人口"))

    def test_an_update_without_name_keeps_it(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(title="柳州市新生儿登记"))
        data = entry(title="柳州市新生儿出生登记信息")
        data["id"] = created["id"]
        assert "name" not in data
        updated = call_as(people.police_editor, "package_update", **data)
        assert updated["name"] == created["name"]
        assert updated["title"] == "柳州市新生儿出生登记信息"

    def test_an_update_may_rename_explicitly(self, call_as, people):
        created = call_as(people.police_editor, "package_create", **entry(title="柳州市死亡登记"))
        patched = call_as(people.police_editor, "package_patch", id=created["id"], name="swdj")
        assert patched["name"] == "swdj"
        assert tk.get_action("package_show")({"ignore_auth": True}, {"id": "swdj"})["id"] == created["id"]


def _at_once(n, create):
    """Run create(i) in n threads released together, each with its own session."""
    barrier = threading.Barrier(n)
    results, failures = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(create(i))
        except tk.ValidationError as e:
            failures.append(e.error_dict)
        except Exception as e:  # noqa: BLE001 - reported by the caller
            failures.append(repr(e))
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a creation hung"
    return results, failures


class TestAtTheSameTime:
    """CKAN saves a new dataset whose name exists by updating that dataset: without the name
    lock, entries created at once under the same name silently collapse into one."""

    @pytest.fixture
    def editor(self, people):
        editor = make_user("lzsjtysj", "editor")["name"]
        # CKAN builds its table of auth functions on first use: build it before threads race
        tk.check_access("package_create", {"user": editor}, {"owner_org": "lzsjtysj"})
        return editor

    def _create(self, editor, **data):
        return lambda i: tk.get_action("package_create")(
            {"user": editor, "ignore_auth": False}, department_entry("lzsjtysj", **data))

    def test_the_same_title_gives_distinct_names_and_entries(self, editor):
        n = 5
        results, failures = _at_once(n, self._create(editor, title="柳州市公交线路信息"))
        assert not failures, failures
        base = "liu-zhou-shi-gong-jiao-xian-lu-xin-xi"
        assert sorted(r["name"] for r in results) == sorted([base] + [f"{base}-{i}" for i in range(2, n + 1)])
        assert len({r["id"] for r in results}) == n
        assert len({r["resource_code"] for r in results}) == n

    def test_the_same_explicit_name_is_refused_to_all_but_one(self, editor):
        n = 4
        results, failures = _at_once(n, self._create(editor, title="公交站点", name="gjzd"))
        assert len(results) == 1, (results, failures)
        assert len(failures) == n - 1 and all("name" in f for f in failures), failures
