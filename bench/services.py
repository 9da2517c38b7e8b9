"""What a benchmark run needs around it: databases, Solr cores, configs, web servers, tokens.

Everything here is the bench's own: databases ``ckan_bench`` and ``ckan_bench_stock``, Solr
cores ``ckan_bench`` (liuzhou schema) and ``ckan_bench_stock`` (CKAN's schema), Redis dbs 5
and 6, gunicorn on ports 5101 and 5102 (all options of ``python -m bench``). The shared
PostgreSQL, Redis and Solr must run (``scripts/stack.sh up``; ``bench/run.sh`` does it).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
STACK_DIR = Path(os.environ.get("STACK_DIR") or REPO / ".stack")
STATE = STACK_DIR / "bench"
PG_PORT = int(os.environ.get("PG_PORT", "55432"))
SOLR_PORT = int(os.environ.get("SOLR_PORT", "8984"))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6390"))
SOLR = f"http://127.0.0.1:{SOLR_PORT}/solr"
BIN = Path(sys.executable).parent


@dataclass
class Side:
    """One of the two portals under test."""
    key: str                 # "project" | "stock"
    ini: Path
    db: str
    core: str
    variant: str             # Solr schema variant: liuzhou | stock
    redis_db: int
    port: int
    dataset_path: str        # URL prefix of the dataset pages: /catalog or /dataset
    facets: list[str]
    token: str = ""
    users: dict[str, dict] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "CKAN_INI": str(self.ini),
            "CKAN_SQLALCHEMY_URL": f"postgresql://ckan:ckan@127.0.0.1:{PG_PORT}/{self.db}",
            # portal.ini names the default port for the DataStore too (as scripts/serve.sh does)
            "CKAN_DATASTORE_WRITE_URL": f"postgresql://ckan:ckan@127.0.0.1:{PG_PORT}/datastore",
            "CKAN_DATASTORE_READ_URL": f"postgresql://datastore_ro:datastore_ro@127.0.0.1:{PG_PORT}/datastore",
            "CKAN_SOLR_URL": f"{SOLR}/{self.core}",
            "CKAN_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{self.redis_db}",
            "CKAN_SITE_URL": self.url,
            "CKAN_STORAGE_PATH": str(STATE / f"storage-{self.key}"),
            # the venv's editable install may point at another checkout: this one wins
            "PYTHONPATH": os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]),
        })
        return env

    def ckan(self, *args: str, check: bool = True, log: str | None = None) -> subprocess.CompletedProcess:
        """``ckan -c INI args…`` with this side's database, core and Redis."""
        out = open(STATE / (log or f"ckan-{self.key}.log"), "ab")
        try:
            proc = subprocess.run([str(BIN / "ckan"), "-c", str(self.ini), *args], env=self.env(),
                                  stdout=subprocess.PIPE, stderr=out, cwd=REPO)
        finally:
            out.close()
        if check and proc.returncode != 0:
            raise RuntimeError(f"ckan {' '.join(args)} failed ({proc.returncode}) on {self.key}: "
                               f"see {STATE / (log or f'ckan-{self.key}.log')}")
        return proc


PROJECT_FACETS = ["classification", "sharing_type", "organization", "provider_level", "update_cycle",
                  "format_category", "open_attribute", "tags"]
STOCK_FACETS = ["organization", "groups", "tags", "res_format", "license_id"]  # CKAN's default facets


def sides(args) -> dict[str, Side]:
    return {
        "project": Side("project", BENCH / "project.ini", args.db_project, args.core_project, "liuzhou",
                        args.redis_project, args.port_project, "/catalog", PROJECT_FACETS),
        "stock": Side("stock", BENCH / "stock.ini", args.db_stock, args.core_stock, "stock",
                      args.redis_stock, args.port_stock, "/dataset", STOCK_FACETS),
    }


# ---------------------------------------------------------------- PostgreSQL
def _pg(*args: str) -> None:
    subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), *args], check=True,
                   stdout=subprocess.DEVNULL, cwd=REPO)


def fresh_database(side: Side, keep: bool) -> None:
    if not keep:
        _pg("dropdb", side.db)
    _pg("createdb", side.db)
    if side.key == "project":
        subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "datastore", "datastore"], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=REPO)
    side.ckan("db", "upgrade")


# ---------------------------------------------------------------- Solr
def _http_json(url: str, data: bytes | None = None, timeout: float = 120) -> dict:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def solr_cores() -> dict:
    return _http_json(f"{SOLR}/admin/cores?action=STATUS&wt=json", timeout=30)["status"]


def ensure_core(side: Side) -> None:
    """Load the side's core into the running Solr, writing its instance dir like scripts/solr.sh.

    Solr writes ``core.properties`` into it, so a restarted Solr finds it again; its
    ``conf/`` is the project's solrconfig with the schema of ``side.variant``.
    """
    if side.core in solr_cores():
        return
    home = STACK_DIR / "solr" / "home"
    if not home.is_dir():
        raise RuntimeError(f"Solr home {home} not found: start the stack (scripts/stack.sh up)")
    inst = home / side.core
    conf = inst / "conf"
    if not conf.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=home, prefix=f".{side.core}-conf-"))
        _conf_files(side, tmp / "conf")
        inst.mkdir(exist_ok=True)
        (tmp / "conf").rename(conf)
        tmp.rmdir()
    # CREATE writes core.properties (it refuses a directory that has one already)
    (inst / "core.properties").unlink(missing_ok=True)
    _http_json(f"{SOLR}/admin/cores?action=CREATE&name={side.core}&instanceDir={side.core}"
               f"&property.schema_variant={side.variant}&wt=json")


def _conf_files(side: Side, into: Path) -> None:
    """The conf/ a core of ``side.variant`` has now: the project's configset and generated schema."""
    shutil.copytree(REPO / "solr" / "configsets" / "liuzhou" / "conf", into)
    subprocess.run([sys.executable, str(REPO / "solr" / "make_schema.py"), "--variant", side.variant,
                    "-o", str(into / "schema.xml")], check=True, cwd=REPO)


def _comparable(path: Path) -> list[str]:
    # the generated schema names the virtualenv it was read from: not a difference
    return [line for line in path.read_text(encoding="utf-8").splitlines() if "Source:" not in line]


def sync_core_conf(side: Side) -> list[str]:
    """Give a running core the conf/ of the tree now (schema from solr/make_schema.py).

    A core made by an earlier run keeps the schema it was made with; when the generator or
    the configset changed since, the new conf/ is written into the core's instance dir and
    the core RELOADed through CoreAdmin. Returns the files that changed (empty: nothing to do).
    A core whose schema changed is emptied (UNLOAD with its index, CREATE): rebuild its index.
    """
    conf = STACK_DIR / "solr" / "home" / side.core / "conf"
    tmp = Path(tempfile.mkdtemp(dir=conf.parent, prefix=".conf-"))
    try:
        _conf_files(side, tmp / "conf")
        changed = sorted(
            f.name for f in (tmp / "conf").iterdir()
            if not (conf / f.name).is_file() or _comparable(f) != _comparable(conf / f.name))
        if changed:
            old = conf.parent / f".conf-old-{int(time.time())}"
            conf.rename(old)
            (tmp / "conf").rename(conf)
            shutil.rmtree(old, ignore_errors=True)
            if "schema.xml" in changed:
                # Lucene refuses documents whose fields changed docValues (or other index
                # options) against segments written before, and a RELOAD keeps the IndexWriter
                # that remembers them: the core is emptied and made again (as scripts/solr.sh).
                _http_json(f"{SOLR}/admin/cores?action=UNLOAD&core={side.core}&deleteIndex=true"
                           f"&deleteDataDir=true&wt=json", timeout=300)
                shutil.rmtree(conf.parent / "data", ignore_errors=True)
                (conf.parent / "core.properties").unlink(missing_ok=True)
                _http_json(f"{SOLR}/admin/cores?action=CREATE&name={side.core}&instanceDir={side.core}"
                           f"&property.schema_variant={side.variant}&wt=json", timeout=300)
            else:
                _http_json(f"{SOLR}/admin/cores?action=RELOAD&core={side.core}&wt=json", timeout=300)
        return changed
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def empty_core(side: Side) -> None:
    _http_json(f"{SOLR}/{side.core}/update?commit=true", json.dumps({"delete": {"query": "*:*"}}).encode())


def core_docs(side: Side) -> int:
    return _http_json(f"{SOLR}/{side.core}/select?q=*:*&rows=0&wt=json")["response"]["numFound"]


def core_index(side: Side) -> dict:
    """The side's Solr index as Solr reports it: documents (deleted ones included in maxDoc),
    bytes on disk and segments."""
    idx = _http_json(f"{SOLR}/admin/cores?action=STATUS&core={side.core}&wt=json", timeout=30)[
        "status"][side.core].get("index", {})
    return {k: idx.get(k) for k in ("numDocs", "maxDoc", "deletedDocs", "sizeInBytes", "segmentCount")}


# ---------------------------------------------------------------- web servers
def start_web(side: Side, workers: int, threads: int, timeout: float = 180) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    log = open(STATE / f"web-{side.key}.log", "ab")
    cmd = [str(BIN / "gunicorn"), "--chdir", str(REPO), "-w", str(workers), "--threads", str(threads),
           "-b", f"127.0.0.1:{side.port}", "--timeout", "120", "--graceful-timeout", "5",
           "deploy.wsgi:application"]
    side.process = subprocess.Popen(cmd, env=side.env(), stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True, cwd=REPO)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if side.process.poll() is not None:
            raise RuntimeError(f"gunicorn of {side.key} exited; see {STATE / f'web-{side.key}.log'}")
        try:
            with urllib.request.urlopen(side.url + "/api/3/action/status_show", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    stop_web(side)
    raise RuntimeError(f"gunicorn of {side.key} did not answer on port {side.port} within {timeout}s")


def _cpu_seconds(procs) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except Exception:  # noqa: BLE001 - psutil.NoSuchProcess / AccessDenied: it ended meanwhile
            pass
    return total


def db_cpu(side: Side) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each backend (pid) of this stack's
    PostgreSQL (``STACK_DIR/pg``; other checkouts run their own) connected to the side's
    database. :func:`db_cpu_between` makes a figure of two of them."""
    import psutil

    try:
        postmaster = psutil.Process(int((STACK_DIR / "pg" / "data" / "postmaster.pid").read_text().split()[0]))
        backends = postmaster.children()
    except (OSError, ValueError, IndexError, psutil.NoSuchProcess):
        return {}
    out: dict[int, float] = {}
    for p in backends:
        try:
            if f" {side.db} " in " ".join(p.cmdline()) + " ":
                t = p.cpu_times()
                out[p.pid] = t.user + t.system
        except Exception:  # noqa: BLE001 - psutil.NoSuchProcess: it ended meanwhile
            pass
    return out


def db_cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds the backends used between two :func:`db_cpu` readings: a backend that ended
    meanwhile is not counted (PostgreSQL keeps the bench's connections open: few end), one that
    started is counted whole."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def db_sessions(side: Side) -> int:
    """Sessions (connections) PostgreSQL has counted on the side's database so far (this
    question's own included, counted when it ends)."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, dbname=side.db, user="ckan", password="ckan")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def web_cpu(side: Side) -> float:
    """CPU seconds used so far by the side's gunicorn and its workers: the work of the requests,
    which, unlike their latency, does not depend on what else the shared machine runs."""
    import psutil

    if side.process is None or side.process.poll() is not None:
        return 0.0
    try:
        root = psutil.Process(side.process.pid)
        return _cpu_seconds([root, *root.children(recursive=True)])
    except psutil.NoSuchProcess:
        return 0.0


def stop_web(side: Side) -> None:
    proc, side.process = side.process, None
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)   # our own session: gunicorn and its workers only
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def worker_pids(side: Side) -> list[int]:
    """gunicorn's workers of this side (children of its master), for the profiler."""
    if side.process is None:
        return []
    out = subprocess.run(["pgrep", "-P", str(side.process.pid)], stdout=subprocess.PIPE, text=True)
    return [int(p) for p in out.stdout.split()]


# ---------------------------------------------------------------- the sysadmin's token
ADMIN = "bench_sysadmin"


def sysadmin_token(side: Side, password: str) -> str:
    """A sysadmin and a fresh API token for it, through CKAN's CLI (the only way in at first)."""
    side.ckan("user", "add", ADMIN, f"email={ADMIN}@bench.liuzhou.example", f"password={password}",
              check=False)
    side.ckan("sysadmin", "add", ADMIN)
    out = side.ckan("user", "token", "add", ADMIN, f"bench-{int(time.time())}", "-q").stdout.decode()
    token = out.strip().splitlines()[-1].strip()
    if not token:
        raise RuntimeError(f"no API token for {ADMIN} on {side.key}")
    return token
