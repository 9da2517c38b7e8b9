"""Backup and restore of a portal (Art 29; docs/resilience.md).

A backup is a directory:

    manifest.json     when, from which databases, row counts, workflow states, the audit
                      chain's head, and the SHA-256 of every file below
    ckan.dump         pg_dump (custom format) of the CKAN database
    datastore.dump    pg_dump of the DataStore database (when ckan.datastore.write_url is set)
    storage.tar.gz    every uploaded file under ckan.storage_path
    config/           the configuration file and the files it ``use``s (secrets: mode 0600)

The counts and the dump are taken from one snapshot (``pg_export_snapshot`` + ``pg_dump
--snapshot``), so the manifest describes exactly what was dumped even while the portal runs.

Restore goes into a fresh stack: empty databases (it refuses a database that has tables), an
empty or missing storage directory. It checks the files against the manifest, runs
pg_restore, unpacks the files, rebuilds the search index from the database, then compares
every count and state with the manifest and verifies the audit chain; any difference is an
error. The configuration is not overwritten: the target keeps its own (its databases and Solr
core), the saved one is there to copy from.
"""
from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess  # nosec B404 - runs Debian's pg_dump / pg_restore with a fixed argv
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import psycopg2
from sqlalchemy.engine.url import make_url

FORMAT = 1


# ---------------------------------------------------------------- PostgreSQL tools

def pg_bin(tool: str) -> str:
    """pg_dump / pg_restore of Debian's PostgreSQL (the newest under /usr/lib/postgresql), as
    scripts/postgres.sh finds them; ``PGBIN`` overrides."""
    candidates = [os.environ["PGBIN"]] if os.environ.get("PGBIN") else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: [int(x) for x in re.findall(r"\d+", p)] or [0], reverse=True)
    for d in candidates:
        path = Path(d) / tool
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    found = shutil.which(tool)
    if found:
        return found
    raise RuntimeError(f"{tool} not found: apt-get install postgresql-client (or set PGBIN)")


@dataclass
class Db:
    """A database named by an SQLAlchemy URL, as libpq arguments."""
    url: str

    def __post_init__(self):
        u = make_url(self.url)
        self.host, self.port = u.host or "127.0.0.1", str(u.port or 5432)
        self.user, self.password, self.name = u.username or "", u.password or "", u.database

    def args(self) -> list[str]:
        return ["-h", self.host, "-p", self.port, "-U", self.user, "-d", self.name]

    def env(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.password}

    def connect(self):
        return psycopg2.connect(host=self.host, port=self.port, user=self.user,
                                password=self.password, dbname=self.name)


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)  # nosec B603 - no shell; argv of fixed tools
    if result.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


# ---------------------------------------------------------------- what a database holds

def tables(cur) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r[0] for r in cur.fetchall()]


def describe(cur) -> dict[str, Any]:
    """Row counts of every table, states of every workflow table, the audit chain's head."""
    names = tables(cur)
    counts = {}
    for t in names:
        cur.execute(f'SELECT count(*) FROM "{t}"')  # nosec B608 - names read from pg_tables, quoted
        counts[t] = cur.fetchone()[0]
    cur.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_name = 'state' ORDER BY table_name")
    states = {}
    for (t,) in cur.fetchall():
        if t in names:
            cur.execute(f'SELECT coalesce(state, \'\'), count(*) FROM "{t}" GROUP BY 1 ORDER BY 1')  # nosec B608
            states[t] = {s: n for s, n in cur.fetchall()}
    out: dict[str, Any] = {"tables": counts, "states": states}
    if "liuzhou_share_request" in names:  # every request's state, to compare one by one
        cur.execute("SELECT md5(string_agg(id || ':' || state, ',' ORDER BY id)) FROM liuzhou_share_request")
        out["share_request_states_md5"] = cur.fetchone()[0]
    if "liuzhou_audit_log" in names:
        cur.execute("SELECT id, hash FROM liuzhou_audit_log ORDER BY id DESC LIMIT 1")
        row = cur.fetchone()
        out["audit_head"] = {"id": row[0], "hash": row[1]} if row else None
    if "alembic_version" in names:
        cur.execute("SELECT version_num FROM alembic_version ORDER BY 1")
        out["alembic"] = [r[0] for r in cur.fetchall()]
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _config_files(config_file: Optional[str]) -> list[Path]:
    """The configuration file and the files it ``use = config:``s, in order."""
    out: list[Path] = []
    path = Path(config_file).resolve() if config_file else None
    while path and path.is_file() and path not in out:
        out.append(path)
        m = re.search(r"^\s*use\s*=\s*config:(\S+)", path.read_text(errors="replace"), re.M)
        path = (path.parent / m.group(1)).resolve() if m else None
    return out


# ---------------------------------------------------------------- backup

def _dump(db: Db, target: Path) -> dict[str, Any]:
    """pg_dump of ``db`` and its description, from one exported snapshot."""
    conn = db.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            described = describe(cur)
            _run([pg_bin("pg_dump"), *db.args(), "-Fc", "--no-owner", f"--snapshot={snapshot}",
                  "-f", str(target)], db.env())
        conn.rollback()
    finally:
        conn.close()
    return {"database": db.name, "host": f"{db.host}:{db.port}", **described}


def backup(config: Any, out: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Write a backup of the configured portal into ``out`` (created; must be empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise RuntimeError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    manifest: dict[str, Any] = {
        "format": FORMAT, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "site_id": config.get("ckan.site_id"), "site_url": config.get("ckan.site_url"),
        "files": {},
    }
    echo(f"dumping the CKAN database {make_url(config['sqlalchemy.url']).database}")
    manifest["ckan"] = _dump(Db(config["sqlalchemy.url"]), out / "ckan.dump")
    ds_url = config.get("ckan.datastore.write_url")
    if ds_url:
        echo(f"dumping the DataStore database {make_url(ds_url).database}")
        manifest["datastore"] = _dump(Db(ds_url), out / "datastore.dump")
    storage = config.get("ckan.storage_path")
    files = 0
    with tarfile.open(out / "storage.tar.gz", "w:gz", compresslevel=6) as tar:
        if storage and Path(storage).is_dir():
            for path in sorted(Path(storage).rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(storage)), recursive=False)
                    files += 1
    manifest["storage"] = {"path": storage, "files": files}
    echo(f"packed {files} uploaded file(s) from {storage}")
    cfg_dir = out / "config"
    cfg_dir.mkdir()
    saved = []
    for path in _config_files(config.get("__file__")):
        target = cfg_dir / path.name
        if target.exists():
            continue
        shutil.copy2(path, target)
        os.chmod(target, 0o600)
        saved.append(path.name)
    manifest["config"] = saved
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        manifest["files"][str(path.relative_to(out))] = _sha256(path)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    return manifest


# ---------------------------------------------------------------- restore

@dataclass
class RestoreResult:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _empty(db: Db) -> bool:
    conn = db.connect()
    try:
        with conn.cursor() as cur:
            return not tables(cur)
    finally:
        conn.close()


def check_files(src: Path, manifest: dict) -> list[str]:
    problems = []
    for name, digest in manifest.get("files", {}).items():
        path = src / name
        if not path.is_file():
            problems.append(f"{name} is missing from the backup")
        elif _sha256(path) != digest:
            problems.append(f"{name} does not match its checksum in manifest.json")
    return problems


def compare(expected: dict, actual: dict, what: str) -> list[str]:
    problems = []
    for table, n in expected.get("tables", {}).items():
        got = actual.get("tables", {}).get(table)
        if got != n:
            problems.append(f"{what}: table {table} has {got} rows, the backup {n}")
    for table, by_state in expected.get("states", {}).items():
        if actual.get("states", {}).get(table) != by_state:
            problems.append(f"{what}: states of {table} are {actual.get('states', {}).get(table)}, "
                            f"the backup {by_state}")
    for key in ("share_request_states_md5", "audit_head", "alembic"):
        if expected.get(key) != actual.get(key):
            problems.append(f"{what}: {key} is {actual.get(key)}, the backup {expected.get(key)}")
    return problems


def restore(config: Any, src: Path, echo: Callable[[str], None] = print,
            rebuild_index: Optional[Callable[[], None]] = None) -> RestoreResult:
    """Restore the backup in ``src`` into the configured (fresh) databases and storage."""
    src = Path(src)
    result = RestoreResult()
    manifest = json.loads((src / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise RuntimeError(f"unknown backup format {manifest.get('format')}")
    bad = check_files(src, manifest)
    if bad:
        raise RuntimeError("; ".join(bad))
    ckan_db = Db(config["sqlalchemy.url"])
    ds_url = config.get("ckan.datastore.write_url")
    ds_db = Db(ds_url) if ds_url and "datastore" in manifest else None
    if "datastore" in manifest and ds_db is None:
        raise RuntimeError("the backup holds a DataStore database but ckan.datastore.write_url is not set")
    for db in filter(None, (ckan_db, ds_db)):
        if not _empty(db):
            raise RuntimeError(f"database {db.name} is not empty: restore goes into a fresh database")
    storage = config.get("ckan.storage_path")
    if storage and Path(storage).is_dir() and any(Path(storage).iterdir()):
        raise RuntimeError(f"{storage} is not empty: restore goes into a fresh storage directory")

    echo(f"restoring the CKAN database into {ckan_db.name}")
    _run([pg_bin("pg_restore"), *ckan_db.args(), "--no-owner", "--exit-on-error", str(src / "ckan.dump")],
         ckan_db.env())
    if ds_db is not None:
        echo(f"restoring the DataStore database into {ds_db.name}")
        _run([pg_bin("pg_restore"), *ds_db.args(), "--no-owner", "--exit-on-error",
              str(src / "datastore.dump")], ds_db.env())
    if storage:
        Path(storage).mkdir(parents=True, exist_ok=True)
        with tarfile.open(src / "storage.tar.gz", "r:gz") as tar:
            tar.extractall(storage, filter="data")  # no absolute paths, no links out of storage
        echo(f"unpacked {manifest['storage']['files']} uploaded file(s) into {storage}")
    if rebuild_index is not None:
        echo("rebuilding the search index from the database")
        rebuild_index()

    for db, key in ((ckan_db, "ckan"), (ds_db, "datastore")):
        if db is None:
            continue
        conn = db.connect()
        try:
            with conn.cursor() as cur:
                result.problems += compare(manifest[key], describe(cur), key)
        finally:
            conn.close()
    result.notes.append(f"configuration of the backed-up portal: {src / 'config'} (not applied)")
    return result
