"""The restore drill (Art 29; docs/resilience.md): a populated portal — entries, an uploaded file, a
DataStore table, share requests in every state, lifecycle items, the audit log — is backed up
with ``ckan liuzhou backup``, restored with ``ckan liuzhou restore`` into other, empty databases,
another storage directory and a private Solr core, and checked: counts, every request's state,
the files, the search index, and ``ckan liuzhou audit verify``.
"""
from __future__ import annotations

import io
import json

import pytest
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.ops import backup as bk
from tests.conftest import make_user
from tests.sharing.conftest import MONDAY, PROVIDER

from .services import ckan_cli

STATES = ["submitted", "approved", "rejected", "withdrawn", "coordinating", "delivered",
          "quality_issue", "fixed", "suspended", "terminated", "expired"]
CSV = "证件号码,姓名\n450200199001011234,张三\n".encode("utf-8")


@pytest.fixture
def restore_target(stack):
    """Empty databases beside the test's own (made with scripts/postgres.sh), dropped afterwards."""
    db = bk.Db(tk.config["sqlalchemy.url"]).name + "_restore"
    ds = bk.Db(tk.config["ckan.datastore.write_url"]).name + "_restore"
    pg = {"PG_PORT": bk.Db(tk.config["sqlalchemy.url"]).port}
    run = lambda *a: stack.script_with(pg, "postgres.sh", *a)  # noqa: E731
    for name in (db, ds):
        run("dropdb", name)
        run("createdb", name)
    yield db, ds
    for name in (db, ds):
        run("dropdb", name)


def populate(world, drive, call_as) -> dict:
    site = {"user": world.sysadmin, "ignore_auth": True}
    with freeze_time(MONDAY):  # a plain working week, as tests/sharing drive it
        requests_by_state = {state: drive(state)["id"] for state in STATES}
    res = tk.get_action("resource_create")(dict(site), {
        "package_id": world.unconditional["id"], "name": "上传的样例", "url": "sample.csv", "resource_type": "file",
        "upload": FileStorage(io.BytesIO(CSV), filename="sample.csv", content_type="text/csv")})
    tk.get_action("datastore_create")(dict(site), {
        "resource_id": res["id"], "force": True, "fields": [{"id": "code", "type": "text"}],
        "records": [{"code": "A"}, {"code": "B"}]})
    with freeze_time("2026-03-03 02:00:00"):
        call_as(world.authority, "upkeep_notice_create", title="《居民身份证法》修订", cause="law_change",
                basis="《中华人民共和国居民身份证法》", changed_on="2026-03-02", description="核对信息项",
                departments=["lzsjyj"])
        call_as(world.provider_admin, "account_request_create", kind="create", org=PROVIDER,
                user_name="drill_new_user", fullname="张三", email="zhangsan@gaj.liuzhou.example",
                role="editor", reason="新入职")
    return {"requests": requests_by_state, "resource": res}


def test_backup_then_restore_into_a_fresh_stack(world, drive, call_as, stack, restore_target, tmp_path):
    made = populate(world, drive, call_as)
    model.Session.remove()
    out = tmp_path / "backup"
    done = ckan_cli("liuzhou", "backup", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"ckan.dump", "datastore.dump", "storage.tar.gz", "manifest.json"} <= \
        {p.name for p in out.iterdir()} and (out / "config").is_dir()
    tables = manifest["ckan"]["tables"]
    assert tables["liuzhou_share_request"] >= len(STATES) and tables["liuzhou_audit_log"] > 0
    assert set(STATES) <= set(manifest["ckan"]["states"]["liuzhou_share_request"])
    assert manifest["ckan"]["audit_head"]["hash"]

    if "solr" not in stack.running:
        stack.start("solr")
    db, ds = restore_target
    pg = bk.Db(tk.config["sqlalchemy.url"])
    ds_url = bk.Db(tk.config["ckan.datastore.write_url"])
    storage = tmp_path / "restored-storage"
    env = {"CKAN_SQLALCHEMY_URL": f"postgresql://{pg.user}:{pg.password}@{pg.host}:{pg.port}/{db}",
           "CKAN_DATASTORE_WRITE_URL": f"postgresql://{ds_url.user}:{ds_url.password}@{ds_url.host}:{ds_url.port}/{ds}",
           "CKAN_DATASTORE_READ_URL": tk.config["ckan.datastore.read_url"].rsplit("/", 1)[0] + f"/{ds}",
           "CKAN_SOLR_URL": stack.solr_url("ckan"), "CKAN_STORAGE_PATH": str(storage)}
    restored = ckan_cli("liuzhou", "restore", str(out), env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr[-3000:]
    assert "restore complete" in restored.stdout

    # every count and every request's state, from the restored database itself
    target = bk.Db(env["CKAN_SQLALCHEMY_URL"])
    conn = target.connect()
    try:
        with conn.cursor() as cur:
            again = bk.describe(cur)
            cur.execute("SELECT id, state FROM liuzhou_share_request WHERE id = ANY(%s)",
                        (list(made["requests"].values()),))
            states = {rid: state for rid, state in cur.fetchall()}
    finally:
        conn.close()
    assert bk.compare(manifest["ckan"], again, "restored") == []
    assert states == {rid: state for state, rid in made["requests"].items()}
    verify = ckan_cli("liuzhou", "audit", "verify", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # the uploaded file, the DataStore table, the rebuilt index
    res = made["resource"]
    assert (storage / "resources" / res["id"][:3] / res["id"][3:6] / res["id"][6:]).read_bytes() == CSV
    ds_conn = bk.Db(env["CKAN_DATASTORE_WRITE_URL"]).connect()
    try:
        with ds_conn.cursor() as cur:
            cur.execute(f'SELECT count(*) FROM "{res["id"]}"')
            assert cur.fetchone()[0] == 2
    finally:
        ds_conn.close()
    check = ckan_cli("liuzhou", "index-check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr[-2000:]

    # a second restore is refused: the databases are no longer empty
    twice = ckan_cli("liuzhou", "restore", str(out), env=env)
    assert twice.returncode == 1 and "not empty" in twice.stderr


def test_a_damaged_backup_is_refused(tmp_path):
    out = tmp_path / "backup"
    out.mkdir()
    (out / "ckan.dump").write_bytes(b"not a dump")
    (out / "manifest.json").write_text(json.dumps({"format": 1, "files": {"ckan.dump": "0" * 64}}))
    done = ckan_cli("liuzhou", "restore", str(out))
    assert done.returncode == 1 and "does not match its checksum" in done.stderr
