"""catalog/bulk.py: many entries validated by the form's schema and saved at once (the path of
imports and harvests). The contract: one Outcome per entry in input order; a refused entry has
field errors and saves nothing; a dry run writes nothing and takes no resource code."""
from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from ckanext.liuzhou.catalog import bulk
from ckanext.liuzhou.search import indexing as search_indexing

from .conftest import counts, department_entry, entry

pytestmark = pytest.mark.usefixtures("departments")


def _ctx(user):
    return {"user": user}


def test_dry_run_validates_every_entry_and_writes_nothing(people):
    before = counts()
    rows = [entry(title="批量甲"), entry(title="批量乙", sharing_type="conditional"),
            department_entry("lzsgaj", title="部门批量丙", update_cycle="sometimes")]
    out = bulk.save_many(_ctx(people.police_editor), rows, dry_run=True)
    assert [o.index for o in out] == [0, 1, 2]
    assert [o.action for o in out] == [bulk.CREATE, bulk.REFUSED, bulk.REFUSED]
    assert "sharing_conditions" in out[1].errors      # Art 22
    assert "update_cycle" in out[2].errors
    assert out[0].resource_code is None                # no number taken in a dry run
    assert counts() == before


def test_the_refused_entries_of_a_call_get_the_messages_package_create_gives(people):
    """Each refused entry its own messages, as package_create words them, although a call
    translates each of navl's messages once."""
    rows = [entry(title=""), entry(title="批量消息乙", update_cycle="sometimes"),
            entry(title="批量消息丙", name="x")]
    out = bulk.save_many(_ctx(people.police_editor), rows, dry_run=True)
    assert [o.action for o in out] == [bulk.REFUSED] * 3
    for row, outcome in zip(rows, out):
        with pytest.raises(tk.ValidationError) as raised:
            tk.get_action("package_create")({"user": people.police_editor}, dict(row))
        assert outcome.errors == raised.value.error_dict


def test_save_creates_the_valid_entries_and_refuses_the_others(people):
    before = counts()
    seen = []
    rows = [entry(title="批量保存甲"), entry(title="批量保存乙", classification="nonsense")]
    out = bulk.save_many(_ctx(people.police_editor), rows, progress=lambda d, t: seen.append((d, t)))
    assert [o.action for o in out] == [bulk.CREATE, bulk.REFUSED]
    assert seen[-1] == (2, 2)
    created = tk.get_action("package_show")({"user": people.police_editor}, {"id": out[0].id})
    assert created["title"] == "批量保存甲" and created["resource_code"] == out[0].resource_code
    assert counts().packages == before.packages + 1
    # an update names the entry by id
    again = bulk.save_many(_ctx(people.police_editor), [dict(created, notes="新的摘要")])
    assert again[0].action == bulk.UPDATE and again[0].id == created["id"]
    model.Session.remove()
    assert tk.get_action("package_show")({"user": people.police_editor}, {"id": created["id"]})["notes"] == "新的摘要"


# --- the same results as package_create ----------------------------------------------------

HOUSING = ("不动产单元号", "权利人名称", "房屋坐落", "建筑面积", "登记时间")


def _items(*names):
    return [{"name": n, "identifier": f"x{i}", "data_type": "C", "length": 20, "description": n}
            for i, n in enumerate(names)]


def _rich(**over):
    """A department entry of 市公安局 with resources, keywords and items that overlap 市教育局's."""
    return department_entry("lzsgaj", **{
        "title": "公安局房屋信息", "tag_string": "房屋,不动产",
        "information_items": _items("不动产单元号", "权利人名称", "房屋坐落", "建筑面积", "户籍地址"),
        "resources": [{"name": "房屋接口", "url": "http://data.liuzhou.example/api/fw", "resource_type": "api",
                       "format": "API", "description": "房屋信息接口"},
                      {"name": "房屋库表", "url": "http://data.liuzhou.example/db/fw", "resource_type": "database",
                       "format": "DB"}], **over})


def _normal(value, shown: dict):
    """``value`` with what must differ between two entries made alike taken out: the ids, the
    name, the resource code, the resource ids, the timestamps."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    subs = [(shown["id"], "<id>"), (shown["name"], "<name>"), (shown["resource_code"], "<code>")]
    subs += [(r["id"], f"<resource {i}>") for i, r in enumerate(shown["resources"])]
    subs.append((hashlib.md5((shown["id"] + tk.config["ckan.site_id"]).encode()).hexdigest(), "<index id>"))
    for old, new in subs:
        text = text.replace(old, new)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", "<time>", text)
    return json.loads(text)


def _solr_doc(package_id):
    """The stored fields of the entry's Solr document."""
    doc = search.query_for(model.Package).get_index(package_id)
    doc = {k: v for k, v in doc.items() if k not in ("_version_", "indexed_ts")}
    for k in ("data_dict", "validated_data_dict"):  # the entry as JSON text
        doc[k] = json.loads(doc[k])
    for extra in doc["data_dict"].get("extras", []):
        extra.pop("id")  # each package_extra row's own
    return doc


# fields indexed but not stored: each query finds both entries or neither
INDEXED_ONLY = ["information_item_names:户籍地址", "tags:房屋", "res_format:API", "res_type:database",
                "provider_ancestors:lzsgaj", "provider_level:city", "permission_labels:*",
                "extras_sharing_type:unconditional", "text:户籍地址", "organization:lzsgaj"]


def _found_by(ids, fq):
    conn = search.make_connection()
    return {d["id"] for d in conn.search(q="*:*", fq=[fq, "id:(" + " OR ".join(f'"{i}"' for i in ids) + ")"], fl="id")}


def _activities(package_id):
    from ckanext.activity.model import Activity
    return [(a.activity_type, a.user_id, a.permission_labels, a.data)
            for a in model.Session.query(Activity).filter(Activity.object_id == package_id).order_by(Activity.timestamp)]


def _warnings(package_id):
    """The entry's Art 17 warning rows, but for their ids and times."""
    from ckanext.liuzhou.lifecycle.model import DuplicateWarning
    return sorted((w.other_package_id, w.provider_org_id, w.other_org_id, w.shared, w.shared_count, w.item_count,
                   w.ratio, w.state, w.detected_by, w.cleared_at, w.first_detected == w.last_detected)
                  for w in model.Session.query(DuplicateWarning).filter(DuplicateWarning.package_id == package_id))


def _audit(package_id):
    return [(r.action, r.actor_id, r.actor_name, r.actor_org, r.object_type, r.provider_org, r.detail)
            for r in model.Session.query(AuditLog).filter(AuditLog.package_id == package_id).order_by(AuditLog.id)]


def test_save_many_gives_what_package_create_gives(people):
    """The entry, its Solr document, its activity, its Art 17 warnings and audit row, made once
    by package_create and once by save_many, are the same but for ids, names, codes and times."""
    tk.get_action("package_create")({"user": people.sysadmin}, department_entry(
        "lzsjyj", title="教育局房屋登记信息", information_items=_items(*HOUSING)))
    single = tk.get_action("package_create")({"user": people.police_editor}, _rich())
    out = bulk.save_many(_ctx(people.police_editor), [_rich()])
    assert out[0].action == bulk.CREATE and out[0].name != single["name"]
    model.Session.remove()
    show = lambda i: tk.get_action("package_show")({"user": people.sysadmin}, {"id": i})  # noqa: E731
    a, b = show(single["id"]), show(out[0].id)
    assert b["resource_code"] == out[0].resource_code
    assert a["resource_code"].split("/")[0] == b["resource_code"].split("/")[0]   # one classification code
    assert _normal(a, a) == _normal(b, b)
    assert a["tags"] and len(a["resources"]) == 2
    # Art 17: the same warning, in the result and in the audit chain
    assert [w["name"] for w in single["duplicate_warnings"]] == [w["name"] for w in out[0].duplicate_warnings] != []
    assert _normal(_audit(a["id"]), a) == _normal(_audit(b["id"]), b) != []
    assert _warnings(a["id"]) == _warnings(b["id"]) != []
    # the Solr document, field by field
    doc_a, doc_b = _solr_doc(a["id"]), _solr_doc(b["id"])
    assert sorted(doc_a) == sorted(doc_b) and "provider_ancestors" in doc_a
    assert _normal(doc_a, a) == _normal(doc_b, b)
    for fq in INDEXED_ONLY:
        assert _found_by([a["id"], b["id"]], fq) == {a["id"], b["id"]}, fq
    # CKAN's activity: one "new package" with the same copy of the entry
    acts_a, acts_b = _activities(a["id"]), _activities(b["id"])
    assert [x[0] for x in acts_a] == ["new package"]
    assert _normal(acts_a, a) == _normal(acts_b, b)
    assert tk.get_action("audit_log_verify")({"user": people.sysadmin}, {})["ok"]


def _refusing(name: str, title: str, message: str, trigger: str):
    """A trigger function ``name`` raising ``message`` for a package titled ``title``, attached by
    ``trigger`` (its CREATE … TRIGGER clause, with ``{name}`` for the function); dropped after."""
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF NEW.title = '{title}' THEN RAISE EXCEPTION '{message}'; END IF; RETURN NEW; END $$"))
        conn.execute(sa.text(trigger.format(name=name)))
    yield
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text(f"DROP TRIGGER {name} ON package"))
        conn.execute(sa.text(f"DROP FUNCTION {name}()"))


@pytest.fixture
def refuse_title():
    """A database that refuses to save an entry titled 坏标题 (a trigger: the failure comes from
    PostgreSQL itself, after validation, in the middle of the writes)."""
    yield from _refusing("liuzhou_test_refuse", "坏标题", "refused by the test",
                         "CREATE TRIGGER {name} BEFORE INSERT ON package FOR EACH ROW EXECUTE FUNCTION {name}()")


def test_a_failed_write_leaves_nothing(people, refuse_title):
    """One transaction: when the database refuses the third entry, the first two are not saved
    either, and the audit chain is intact."""
    before = counts()
    with pytest.raises(sa.exc.DBAPIError):
        bulk.save_many(_ctx(people.police_editor), [
            _rich(title="事务甲"), _rich(title="事务乙"), entry(title="坏标题")])
    after = counts()
    assert (after.packages, after.codes_issued) == (before.packages, before.codes_issued)
    assert tk.get_action("audit_log_verify")({"user": people.sysadmin}, {})["ok"]


@pytest.fixture
def refuse_at_commit():
    """A database that refuses, at COMMIT, a transaction saving an entry titled 提交时拒绝 (a
    deferred constraint trigger): the failure comes after every Solr document of the call was
    built and sent, as a failure of the commit itself would."""
    yield from _refusing("liuzhou_test_refuse_commit", "提交时拒绝", "refused at commit by the test",
                         "CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON package DEFERRABLE INITIALLY "
                         "DEFERRED FOR EACH ROW EXECUTE FUNCTION {name}()")


def test_a_failed_commit_leaves_the_index_as_the_database(people, refuse_at_commit, caplog):
    """The documents are sent to Solr while the transaction runs; when the transaction is
    rolled back, the documents sent are removed: database and index agree (neither holds any
    entry of the call)."""
    before = counts()
    titles = [f"提交前已发送{i}" for i in range(bulk.INDEX_BATCH + 5)] + ["提交时拒绝"]  # two batches of documents
    logger = logging.getLogger(bulk.__name__)  # test.ini's logging leaves it disabled, not propagating
    disabled, logger.disabled = logger.disabled, False
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level("WARNING", logger=bulk.__name__), pytest.raises(sa.exc.DBAPIError):
            bulk.save_many(_ctx(people.police_editor), [entry(title=t) for t in titles])
    finally:
        logger.removeHandler(caplog.handler)
        logger.disabled = disabled
    model.Session.remove()
    assert counts().packages == before.packages
    assert f"{len(titles)} Solr documents sent before the rollback removed" in caplog.text  # they were sent
    conn = search.make_connection()
    found = conn.search(q="*:*", fq=['title:("提交时拒绝" OR "提交前已发送0" OR "提交前已发送260")'], fl="id")
    assert found.hits == 0
    assert tk.get_action("audit_log_verify")({"user": people.sysadmin}, {})["ok"]


def _judgement(outcomes):
    return [(o.action, o.name, sorted(o.errors)) for o in outcomes]


def test_a_threaded_process_such_as_a_web_worker_forks_no_helper(people, monkeypatch):
    """A browser import runs in a web server's threaded worker: a fork there could inherit a lock
    another thread holds, so the call judges every entry itself."""
    import threading
    forked = []
    monkeypatch.setattr(bulk, "_Helper", lambda *args: forked.append(args))
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        outcomes = bulk.save_many(_ctx(people.police_editor), [entry(title=f"线程中导入{i}") for i in range(4)],
                                  dry_run=True)
    finally:
        release.set()
        other.join()
    assert forked == [] and [o.action for o in outcomes] == [bulk.CREATE] * 4


def test_a_command_still_loading_the_segmenter_forks_the_helper_once_it_is_loaded(people, monkeypatch):
    """CKAN makes its app before a command runs, and the app starts loading the segmenter's
    dictionary on a thread: a command that reads its workbook sooner still gets its helper,
    after that thread (and only that one) is done."""
    import threading
    from ckanext.liuzhou.search import segment
    forked = []

    class Spy(bulk._Helper):
        def __init__(self, *args):
            forked.append(threading.active_count())
            super().__init__(*args)

    loaded = threading.Event()
    monkeypatch.setattr(bulk, "_Helper", Spy)
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(segment, "_tokenizer", None)
    monkeypatch.setattr(segment, "tokenizer", lambda: loaded.wait(0.5))
    segment.warm()
    assert segment.warming() is not None
    outcomes = bulk.save_many(_ctx(people.police_editor), [entry(title=f"词典加载中导入{i}") for i in range(4)],
                              dry_run=True)
    assert forked == [1] and segment.warming() is None
    assert [o.action for o in outcomes] == [bulk.CREATE] * 4


def test_a_helper_process_judges_the_later_half_as_this_process_would(people, monkeypatch):
    """A large call has the later half of its new entries validated by a second process: every
    entry gets the judgement one process gives in input order (the same generated names, the
    same refusals: the schema's, the auth function's, a name given twice), and is then saved."""
    titles = ["并行同名", "并行乙", "并行同名", "并行丙", "并行同名", "并行丁", "并行同名", "并行戊"]
    entries = [entry(title=t) for t in titles]
    entries[5] = entry(title="")                                         # the schema refuses it
    entries[6] = department_entry("lzsrlzyhshbzj", title="并行同名")     # not the editor's department
    entries[7] = entry(title="并行戊", name="bulk-parallel-name")
    entries.append(entry(title="并行己", name="bulk-parallel-name"))      # a name given twice
    helpers = []

    class Spy(bulk._Helper):
        def __init__(self, *args):
            super().__init__(*args)
            helpers.append(self.indexes)

        def results(self):
            judged = super().results()
            helpers.append(sorted(judged))  # what it judged (nothing if it failed)
            return judged

    monkeypatch.setattr(bulk, "_Helper", Spy)
    one = bulk.save_many(_ctx(people.police_editor), entries, dry_run=True)
    assert helpers == []
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    two = bulk.save_many(_ctx(people.police_editor), entries, dry_run=True)
    assert helpers == [[4, 5, 6, 7, 8]] * 2
    assert _judgement(two) == _judgement(one)
    assert [o.action for o in two] == [bulk.CREATE] * 5 + [bulk.REFUSED] * 2 + [bulk.CREATE, bulk.REFUSED]
    assert "owner_org" in two[6].errors and "title" in two[5].errors and "name" in two[8].errors
    assert len({two[i].name for i in (0, 2, 4)}) == 3
    saved = bulk.save_many(_ctx(people.police_editor), entries)
    assert len(helpers) == 4
    assert _judgement(saved) == _judgement(two)
    model.Session.remove()
    assert [model.Package.get(o.id).title for o in saved if o.action == bulk.CREATE] == \
        [titles[i] for i in (0, 1, 2, 3, 4, 7)]


def test_the_helper_process_validates_the_documents_as_this_process_would(people, monkeypatch):
    """In a large call the helper process, once it has judged its entries, validates the Solr
    documents' entries by the show schema while this process indexes the batch before: the
    documents sent are the ones this process builds alone."""
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bulk, "INDEX_BATCH", 2)
    monkeypatch.setattr(bulk, "HELPER_SHARE_RANGE", (1.0, 1.0))  # the helper validates each batch whole
    answers, sent = [], []

    class Spy(bulk._Helper):
        def shown(self):
            validated = super().shown()
            answers.append(len(validated or []))
            assert len(self.fields()) == 5  # the pinyin fields of every new entry, worked out ahead
            return validated

    put = bulk._Sender.put
    monkeypatch.setattr(bulk, "_Helper", Spy)
    monkeypatch.setattr(bulk._Sender, "put", lambda self, docs: (sent.extend(docs), put(self, docs)))
    out = bulk.save_many(_ctx(people.police_editor), [_rich(title=f"助手校验文档{i}") for i in range(5)])
    assert [o.action for o in out] == [bulk.CREATE] * 5
    assert answers == [2, 2, 1]   # three batches, each validated by the helper
    model.Session.remove()
    alone = bulk.build_documents([o.id for o in out])
    without_time = lambda docs: [{k: v for k, v in d.items() if k != "indexed_ts"} for d in docs]  # noqa: E731
    assert without_time(sent) == without_time(alone)
    assert [d["id"] for d in sent] == [o.id for o in out]
    assert json.loads(sent[0]["validated_data_dict"])["information_items"][0]["name"] == "不动产单元号"


def _documents_sent(people, monkeypatch, titles: list[str], on_answer=None) -> tuple[list[dict], list[dict], list[int]]:
    """save_many of ``_rich`` entries with these titles in a large call (2 a batch); the Solr
    documents it sent, those this process builds alone afterwards, and the number of dicts the
    helper validated in each answer. ``on_answer(helper)`` runs after each answer is read."""
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bulk, "INDEX_BATCH", 2)
    answers, sent = [], []

    class Spy(bulk._Helper):
        def shown(self):
            validated = super().shown()
            answers.append(len(validated or []))
            if on_answer is not None:
                on_answer(self)
            return validated

    put = bulk._Sender.put
    monkeypatch.setattr(bulk, "_Helper", Spy)
    monkeypatch.setattr(bulk._Sender, "put", lambda self, docs: (sent.extend(docs), put(self, docs)))
    out = bulk.save_many(_ctx(people.police_editor),
                         [_rich(title=t, tag_string="房屋,不动产,户籍迁移") for t in titles])
    assert [o.action for o in out] == [bulk.CREATE] * len(titles)
    model.Session.remove()
    alone = bulk.build_documents([o.id for o in out])
    without_time = lambda docs: [{k: v for k, v in d.items() if k != "indexed_ts"} for d in docs]  # noqa: E731
    return without_time(sent), without_time(alone), answers


def test_the_helper_and_this_process_share_each_batch_as_they_keep_pace(people, monkeypatch):
    """The helper validates a share of each batch (its first dicts) and this process the rest as
    it indexes them: with the share held at a half, each batch of two is split, and the
    documents are still those one process builds."""
    monkeypatch.setattr(bulk, "HELPER_SHARE", 0.5)
    monkeypatch.setattr(bulk, "HELPER_SHARE_RANGE", (0.5, 0.5))
    fields_of, save_many, here, during = search_indexing.fields_of, bulk.save_many, [], []
    monkeypatch.setattr(search_indexing, "fields_of", lambda *a: (here.append(a), fields_of(*a))[1])
    monkeypatch.setattr(bulk, "save_many", lambda *a, **k: (save_many(*a, **k), during.extend(here))[0])
    sent, alone, answers = _documents_sent(people, monkeypatch, [f"分担校验文档{i}" for i in range(5)])
    assert answers == [1, 1, 0]  # round(0.5 * 1) == 0: the last batch of one is this process's
    # the pinyin fields of every document, this process's share too, were worked out by the
    # helper ahead, while this process wrote the rows (the helper's own calls are not counted)
    assert during == [] and here  # (building the documents alone afterwards computes them)
    assert sent == alone
    assert all(d["title_py"] and d["vocab_py"] for d in sent)


def test_the_helpers_pinyin_fields_are_dropped_when_a_process_learns_new_words(people, monkeypatch):
    """The pinyin and vocabulary fields come from the helper only while both processes'
    segmenters know the same words: a word this process learns after the fork cuts the titles
    otherwise, and the documents take this process's cut."""
    from ckanext.liuzhou.search import segment
    monkeypatch.setattr(bulk, "HELPER_SHARE_RANGE", (1.0, 1.0))
    kept = []

    def learn(helper):
        kept.append(len(helper.fields()))
        if len(kept) == 1:
            segment.add_words(["新词校验文"])

    titles = [f"新词校验文档{i}" for i in range(5)]
    sent, alone, answers = _documents_sent(people, monkeypatch, titles, on_answer=learn)
    assert sent == alone
    assert answers == [2, 2, 1] and kept == [5, 0, 0]  # the five worked out ahead, then none
    assert any(v.endswith("|新词校验文") for d in sent for v in d["vocab_py"])


def test_the_harvest_hook_asks_once_a_batch_and_leaves_an_unharvested_document_as_it_would(people, monkeypatch):
    """ckanext-harvest's index hook looks up each document's harvest object; a call asks once a
    batch which packages have one, and for those that have none the hook only turns a ``status``
    dict into text (the harvested ones keep the hook itself: tests/cascade)."""
    monkeypatch.setattr(bulk, "INDEX_BATCH", 2)
    asked = []

    def count(conn, cursor, statement, *args):
        if "harvest_object" in statement:
            asked.append(statement)
    sa.event.listen(model.meta.engine, "before_cursor_execute", count)
    try:
        out = bulk.save_many(_ctx(people.police_editor), [entry(title=f"采集钩子{i}") for i in range(5)])
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", count)
    assert [o.action for o in out] == [bulk.CREATE] * 5
    assert len(asked) == 3  # three batches of two, not one query a document
    hook = bulk._harvest_plugins()[0].before_dataset_index
    bulk._local.unharvested = {out[0].id}
    try:
        assert hook({"id": out[0].id, "status": {"a": 1}}) == {"id": out[0].id, "status": '{"a": 1}'}
    finally:
        bulk._local.unharvested = None


def test_documents_are_built_in_batches_that_grow_while_the_helper_keeps_up():
    ids = [str(i) for i in range(3000)]
    ramped = bulk._batches(ids, ramp=True)
    assert [len(b) for b in ramped[:4]] == [20, 24, 28, 34]
    assert max(len(b) for b in ramped) == bulk.INDEX_BATCH
    assert sum(ramped, []) == ids
    assert [len(b) for b in bulk._batches(ids[:1000], ramp=False)] == [250, 250, 250, 250]


def test_one_entry_twice_in_a_call_is_refused_the_second_time(people):
    same_id = str(uuid.uuid4())
    out = bulk.save_many(_ctx(people.sysadmin), [entry(title="同号甲", id=same_id), entry(title="同号乙", id=same_id)])
    assert [o.action for o in out] == [bulk.CREATE, bulk.REFUSED] and "id" in out[1].errors


def test_names_within_one_call_are_distinct(people):
    out = bulk.save_many(_ctx(people.police_editor), [
        entry(title="同名批量"), entry(title="同名批量"),
        entry(title="显式甲", name="bulk-explicit-name"), entry(title="显式乙", name="bulk-explicit-name")])
    assert [o.action for o in out] == [bulk.CREATE, bulk.CREATE, bulk.CREATE, bulk.REFUSED]
    assert out[0].name != out[1].name and "name" in out[3].errors
    assert len({o.resource_code for o in out[:3]}) == 3


def test_a_large_call_reads_the_stored_names_once_and_judges_them_as_a_single_create(people, monkeypatch):
    """With ``NAMES_READ_MIN`` creates or more, the URL names are checked against the names the
    call read at its start, not with two queries an entry: the same names and refusals."""
    stored = tk.get_action("package_create")({"user": people.police_editor}, entry(title="名称快照"))
    model.Session.remove()
    entries = [entry(title="名称快照"), entry(title="名称快照"), entry(title="名称快照乙", name=stored["name"]),
               entry(title="名称快照丙", name="bulk-names-snapshot")]
    one = bulk.save_many(_ctx(people.police_editor), entries, dry_run=True)  # fewer: a query each
    statements = []
    engine = model.meta.engine
    parameters = []
    listen = lambda *a, **k: (statements.append(a[2]), parameters.append(a[3]))  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listen)
    monkeypatch.setattr(bulk, "NAMES_READ_MIN", 2)
    try:
        two = bulk.save_many(_ctx(people.police_editor), entries, dry_run=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert _judgement(two) == _judgement(one)
    assert [o.action for o in two] == [bulk.CREATE, bulk.CREATE, bulk.REFUSED, bulk.CREATE]
    assert two[0].name == stored["name"] + "-2" and two[1].name == stored["name"] + "-3"
    assert "name" in two[2].errors
    by_name = [q for q in statements if re.search(r"WHERE package\.name = ", q)]
    # neither the slug's nor CKAN's name check asked per entry: only the two names with a
    # suffix were looked up (a single create asks 2 an entry)
    assert len(by_name) == 2
    # the names are locked together, in one statement, once the judgement is done
    locks = [(q, p) for q, p in zip(statements, parameters) if "pg_advisory_xact_lock" in q]
    assert len(locks) == 1 and "unnest" in locks[0][0]
    assert {stored["name"], "bulk-names-snapshot", two[0].name, two[1].name} <= set(locks[0][1]["keys"])


def test_a_name_saved_meanwhile_by_another_create_has_the_call_judged_again(people, monkeypatch):
    """Names a concurrent create saves after the call read the stored names are found at the
    end of the judgement (the names are locked by then) and the call is judged again."""
    taken = tk.get_action("package_create")({"user": people.police_editor}, entry(title="名称并发"))
    model.Session.remove()
    read = bulk._stored_names
    monkeypatch.setattr(bulk, "_stored_names", lambda session: {k: v for k, v in read(session).items()
                                                                if k != taken["name"]})  # as if saved since
    monkeypatch.setattr(bulk, "NAMES_READ_MIN", 2)
    out = bulk.save_many(_ctx(people.police_editor), [entry(title="名称并发"), entry(title="名称并发其他")])
    assert [o.action for o in out] == [bulk.CREATE, bulk.CREATE]
    assert out[0].name == taken["name"] + "-2"
    model.Session.remove()
    assert tk.get_action("package_show")({"user": people.police_editor}, {"id": taken["id"]})["title"] == "名称并发"


def test_a_name_held_when_the_call_read_the_names_is_no_clash(people, monkeypatch):
    """Only names saved after the call read the stored names have it judged again: a name
    held before (an explicit name a deleted entry holds, allowed by CKAN's rule) was judged
    with it already."""
    held = tk.get_action("package_create")({"user": people.police_editor}, entry(title="名称已读"))
    model.Session.remove()
    calls = []

    def check(context, entries, outcomes, dry_run, step, parallel=True, defer_locks=False):
        calls.append(parallel)
        return [bulk._Plan(0, entries[0], {"name": held["name"]}, None)], None
    monkeypatch.setattr(bulk, "_check", check)
    monkeypatch.setattr(bulk, "NAMES_READ_MIN", 1)
    plans, helper = bulk._judged(_ctx(people.police_editor), [entry(title="名称已读乙")], [None], False, lambda: None)
    assert calls == [True] and helper is None and plans[0].data["name"] == held["name"]
    model.Session.rollback()


def test_saved_entries_are_searchable_at_once_and_progress_ends_after(people):
    seen = []
    out = bulk.save_many(_ctx(people.police_editor), [entry(title=f"检索批量{i}") for i in range(3)],
                         progress=lambda d, t: seen.append((d, t)))
    found = tk.get_action("package_search")({"user": people.police_editor}, {
        "fq": "+id:(" + " OR ".join(f'"{o.id}"' for o in out) + ")", "include_private": True})
    assert found["count"] == 3
    assert seen[-1] == (3, 3) and seen.count((3, 3)) == 1


def test_an_unchanged_entry_is_not_written_and_a_dry_run_update_writes_nothing(people):
    made = bulk.save_many(_ctx(people.police_editor), [entry(title="不变批量")])[0]
    shown = tk.get_action("package_show")({"user": people.police_editor}, {"id": made.id})
    again = bulk.save_many(_ctx(people.police_editor), [shown])
    assert again[0].action == bulk.UNCHANGED and again[0].resource_code == made.resource_code
    model.Session.remove()
    assert tk.get_action("package_show")({"user": people.police_editor}, {"id": made.id})["metadata_modified"] \
        == shown["metadata_modified"]
    planned = bulk.save_many(_ctx(people.police_editor), [dict(shown, notes="改过的摘要")], dry_run=True)
    assert planned[0].action == bulk.UPDATE
    model.Session.remove()
    assert tk.get_action("package_show")({"user": people.police_editor}, {"id": made.id})["notes"] == shown["notes"]


def test_an_entry_the_user_may_not_write_is_refused(people):
    out = bulk.save_many(_ctx(people.hr_editor), [department_entry("lzsgaj", title="别人的部门")])
    assert out[0].action == bulk.REFUSED and "owner_org" in out[0].errors


# --- a batch of creates: Art 17 within the call, the documents read for the batch -------------

def _warning(w):
    return (w["shared"], w["shared_count"], w["item_count"], w["ratio"], w["provider_org"])


def test_art17_compares_each_entry_with_those_before_it_in_the_call(people):
    """Art 17: in one call an entry is compared with the stored entries and with the entries
    before it, as one package_create after another compares them: the later entry of another
    department is warned, the earlier is not, the same warning as package_create gives."""
    mine = ("批量测绘编号", "批量测绘坐标", "批量测绘面积", "批量测绘日期", "批量测绘单位")  # no other test's
    police = lambda title: _rich(title=title, information_items=_items(*mine[:4], "批量测绘人员"))  # noqa: E731
    education = department_entry("lzsjyj", title="教育局测绘信息", information_items=_items(*mine))
    out = bulk.save_many(_ctx(people.sysadmin), [education, police("公安局测绘信息批量")])
    assert [o.action for o in out] == [bulk.CREATE, bulk.CREATE]
    assert out[0].duplicate_warnings == []
    assert [w["package_id"] for w in out[1].duplicate_warnings] == [out[0].id]
    # the same entry made by package_create afterwards is warned of the batch's first entry alike
    single = tk.get_action("package_create")({"user": people.police_editor}, police("公安局测绘信息单个"))
    about_first = [w for w in single["duplicate_warnings"] if w["package_id"] == out[0].id]
    assert [_warning(w) for w in about_first] == [_warning(w) for w in out[1].duplicate_warnings]
    # its audit row, as package_create writes it, and the chain verifies
    model.Session.remove()
    audit = _audit(out[1].id)
    assert [row[0] for row in audit] == ["duplicate.check"]
    assert audit[0][6]["matches"][0]["other_package_id"] == out[0].id
    assert tk.get_action("audit_log_verify")({"user": people.sysadmin}, {})["ok"]


def test_art17_in_a_call_that_goes_back_and_forth_between_departments(people):
    """Entries of two departments, alternating in one call: each is warned of the other
    department's entries before it (and only of those), as creates one after another are,
    although the first of each department's comparisons was made before the other's came."""
    mine = _items("往返编号", "往返坐标", "往返面积", "往返日期")  # no other test's
    police = lambda title: _rich(title=title, information_items=mine)  # noqa: E731
    education = lambda title: department_entry("lzsjyj", title=title, information_items=mine)  # noqa: E731
    out = bulk.save_many(_ctx(people.sysadmin), [police("往返公安甲"), education("往返教育甲"),
                                                  police("往返公安乙"), education("往返教育乙")])
    assert [o.action for o in out] == [bulk.CREATE] * 4
    warned = [sorted(w["package_id"] for w in o.duplicate_warnings) for o in out]
    assert warned == [[], [out[0].id], [out[1].id], sorted([out[0].id, out[2].id])]


def test_entries_of_one_department_in_a_call_are_not_warned_of_each_other(people):
    items = _items("同部门编号", "同部门名称", "同部门地址", "同部门日期")
    out = bulk.save_many(_ctx(people.police_editor), [_rich(title="同部门甲", information_items=items),
                                                      _rich(title="同部门乙", information_items=items)])
    assert [o.duplicate_warnings for o in out] == [[], []]


@pytest.mark.ckan_config("ckanext.liuzhou.lifecycle.duplicate_common_providers", "3")
def test_a_large_call_reads_the_stored_providers_of_its_item_names_while_it_writes(people, monkeypatch):
    """In a large call, Art 17's first query (how many providers' stored entries carry each item
    name) is read by a thread on a connection of its own while the rows are written: a name
    three providers use is still left out of the comparison, as package_create leaves it out."""
    from ckanext.liuzhou.lifecycle import duplicates
    from ckanext.liuzhou.lifecycle.normalize import normalize_name
    common, own = "提前公共标识", ("提前编号", "提前坐标", "提前面积", "提前日期")  # no other test's
    stored = [department_entry(org, title=f"提前{org}", information_items=_items(common, f"提前其他{org}"))
              for org in ("lzsjyj", "lzsrlzyhshbzj", "lzsxzspj")]
    stored.append(department_entry("lzsjyj", title="提前教育局测绘", information_items=_items(*own)))
    first = bulk.save_many(_ctx(people.sysadmin), stored)
    assert [o.action for o in first] == [bulk.CREATE] * 4
    answered, get = [], duplicates.ProvidersAhead.get
    monkeypatch.setattr(duplicates.ProvidersAhead, "get", lambda self, names: answered.append(get(self, names)) or answered[-1])
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    police = lambda title: _rich(title=title, information_items=_items(common, *own))  # noqa: E731
    out = bulk.save_many(_ctx(people.police_editor), [police("提前公安甲"), police("提前公安乙")])
    assert [o.action for o in out] == [bulk.CREATE] * 2
    assert len(answered) == 1 and len(answered[0][normalize_name(common)]) == 3
    for o in out:  # warned of the education entry on the four names left once the common one is out
        assert [(w["package_id"], w["shared_count"], w["item_count"]) for w in o.duplicate_warnings] == \
            [(first[3].id, 4, 4)]
    single = tk.get_action("package_create")({"user": people.police_editor}, police("提前公安单个"))
    assert [_warning(w) for w in single["duplicate_warnings"] if w["package_id"] == first[3].id] == \
        [_warning(w) for w in out[0].duplicate_warnings]


def test_a_failed_read_ahead_of_the_stored_providers_is_read_in_the_call(people, monkeypatch, caplog):
    """If the thread's read fails (its connection refused, say), the call reads the providers in
    its own transaction and warns of the same stored entry as it would have."""
    from ckanext.liuzhou.lifecycle import duplicates
    own = ("失败提前编号", "失败提前坐标", "失败提前面积", "失败提前日期")  # no other test's
    [stored] = bulk.save_many(_ctx(people.sysadmin), [department_entry(
        "lzsjyj", title="失败提前教育局测绘", information_items=_items(*own))])
    read, calls = duplicates.stored_providers, []

    def refused_on_its_own_connection(names, connection=None):
        calls.append(connection is None)
        if connection is not None:
            raise RuntimeError("connection refused")
        return read(names, connection)
    monkeypatch.setattr(duplicates, "stored_providers", refused_on_its_own_connection)
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    # test.ini's logging leaves the project's loggers disabled, not propagating
    disabled, duplicates.log.disabled = duplicates.log.disabled, False
    duplicates.log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger=duplicates.__name__):
            out = bulk.save_many(_ctx(people.police_editor),
                                 [_rich(title=f"失败提前公安{i}", information_items=_items(*own)) for i in range(2)])
    finally:
        duplicates.log.removeHandler(caplog.handler)
        duplicates.log.disabled = disabled
    assert calls == [False, True]  # the thread's read, then the call's own
    assert "not read ahead" in caplog.text
    assert [[w["package_id"] for w in o.duplicate_warnings] for o in out] == [[stored.id], [stored.id]]


def test_a_large_call_with_updates_reads_the_stored_providers_in_its_own_transaction(people, monkeypatch):
    """A call that updates stored entries before its creates changes item names the committed
    data does not show yet: their providers are read in the call's transaction, not ahead."""
    from ckanext.liuzhou.lifecycle import duplicates
    made = []
    monkeypatch.setattr(duplicates, "ProvidersAhead", lambda items: made.append(items))
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    [stored] = bulk.save_many(_ctx(people.police_editor), [_rich(title="提前更新甲")])
    changed = dict(_rich(title="提前更新甲", notes="改过的摘要"), id=stored.id, name=stored.name)
    out = bulk.save_many(_ctx(people.police_editor), [changed, _rich(title="提前更新乙"), _rich(title="提前更新丙")])
    assert [o.action for o in out] == [bulk.UPDATE, bulk.CREATE, bulk.CREATE]
    assert made == []
    out = bulk.save_many(_ctx(people.police_editor), [_rich(title="提前更新丁"), _rich(title="提前更新戊")])
    assert [o.action for o in out] == [bulk.CREATE] * 2 and len(made) == 1


def test_the_batch_dictization_is_ckans_package_dictize(people):
    """The documents' entries are read for a batch (dictize_many): the same dict as CKAN's
    package_dictize of each, resources, tags, extras and organization included."""
    from ckan.lib.dictization import model_dictize
    out = bulk.save_many(_ctx(people.police_editor), [_rich(title="字典甲"), entry(title="字典乙")])
    tk.get_action("package_create")({"user": people.police_editor}, _rich(title="字典丙"))
    model.Session.remove()
    pkgs = [model.Package.get(o.id) for o in out] + [model.Package.get(
        model.Session.query(model.Package.id).filter(model.Package.title == "字典丙").scalar())]
    many = bulk.dictize_many(pkgs)
    for pkg in pkgs:
        one = model_dictize.package_dictize(pkg, {"model": model, "session": model.Session})
        assert many[pkg.id] == one
    assert many[pkgs[0].id]["tags"] and len(many[pkgs[0].id]["resources"]) == 2


def test_a_call_ends_with_one_soft_commit_and_its_entries_are_found(people, monkeypatch):
    """A call's documents are made searchable by one soft commit once the database has
    committed (Solr's transaction log and its hard commit every 15 s keep them): the entries
    are found by ``package_search`` as soon as the call returns."""
    import pysolr

    commits = []
    commit = pysolr.Solr.commit
    monkeypatch.setattr(pysolr.Solr, "commit", lambda self, *a, **k: (commits.append(k), commit(self, *a, **k))[1])
    out = bulk.save_many(_ctx(people.police_editor), [_rich(title=f"软提交可查{i}") for i in range(3)])
    assert [o.action for o in out] == [bulk.CREATE] * 3
    assert commits == [{"softCommit": True}]
    found = tk.get_action("package_search")({"ignore_auth": True},
                                            {"fq": f"id:({' OR '.join(o.id for o in out)})", "include_private": True})
    assert found["count"] == 3
