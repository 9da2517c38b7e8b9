"""The loopback cluster of ``scripts/cluster/up.sh`` seen from Python: its ports and processes,
API tokens, a signed-in browser session, the RQ queue, and the after-the-fact checks (index
against database, audit chain, jobs run once). Used by ``tests/cluster`` and by the failure and
scaling runs (``bench/cluster_failover.py``, ``bench/cluster_scale.py``); docs/cluster.md.

``python -m bench.cluster tokens USER…`` prints a JSON object of fresh API tokens (run with the
cluster's ckan.ini; the only way in before anyone has a token).
"""
from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "Liuzhou@2026"  # the demo accounts' (ckanext.liuzhou.demo.password's default)


def _ports(name: str, default: str) -> list[int]:
    return [int(p) for p in os.environ.get(name, default).split()]


class Cluster:
    """Ports from the CLUSTER_* variables (defaults as scripts/cluster/env.sh), state in
    $STACK_DIR/cluster."""

    def __init__(self):
        e = os.environ
        self.stack = Path(e.get("STACK_DIR") or REPO / ".stack")
        self.dir = self.stack / "cluster"
        self.ini = self.dir / "ckan.ini"
        self.web_ports = _ports("CLUSTER_WEB_PORTS", "5011 5012")
        self.lb_port = int(e.get("CLUSTER_LB_PORT", 5010))
        self.redis_port = int(e.get("CLUSTER_REDIS_PORT", 6389))
        self.pg_ports = {"data": int(e.get("CLUSTER_PG_PORT", 55442)),
                         "standby": int(e.get("CLUSTER_PG_STANDBY_PORT", 55443))}
        self.lb = f"http://127.0.0.1:{self.lb_port}"

    # ------------------------------------------------------------ processes
    def env(self) -> dict:
        """The environment of a cluster command: CKAN_* options of the caller removed (the
        test run exports the test database's), the caller's virtualenv first on PATH."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
        env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
        env.setdefault("VENV", str(VENV_BIN.parent))
        env["PYTHONPATH"] = str(REPO)
        return env

    def script(self, name: str, *args: str, check: bool = True, timeout: float = 1800,
               env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(REPO / "scripts" / "cluster" / f"{name}.sh"), *args],
                              env={**self.env(), **(env or {})}, check=check, timeout=timeout,
                              capture_output=True, text=True)

    def ckan(self, *args: str, check: bool = False, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV_BIN / "ckan"), "-c", str(self.ini), *args], env=self.env(),
                              check=check, timeout=timeout, capture_output=True, text=True, cwd=REPO)

    def node(self, action: str, name: str) -> None:
        """start|stop|kill|restart web1, worker2, scheduler, nginx (scripts/cluster/node.sh)."""
        self.script("node", action, name, timeout=300)

    def web(self, n: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[n - 1]}"

    def config(self) -> dict:
        p = configparser.ConfigParser(interpolation=None, strict=False)
        p.read(self.ini)
        return dict(p["app:main"])

    # ------------------------------------------------------------ services
    def pg(self, standby: bool = False):
        """A psycopg2 connection to the cluster's primary (the server ckan.ini names) or to the
        other one, the standby; autocommit."""
        import psycopg2
        url = self.config()["sqlalchemy.url"]
        port = int(re.search(r":(\d+)/", url).group(1))
        if standby:
            port = next(p for p in self.pg_ports.values() if p != port)
        conn = psycopg2.connect(host="127.0.0.1", port=port, dbname="ckan", user="ckan", password="ckan")
        conn.autocommit = True
        return conn

    def redis(self):
        import redis
        return redis.Redis(host="127.0.0.1", port=self.redis_port)

    def queue(self, name: str = "default"):
        import rq
        return rq.Queue(f"ckan:{self.config().get('ckan.site_id', 'liuzhou')}:{name}", connection=self.redis())

    def solr_url(self) -> str:
        return self.config()["solr_url"]

    # ------------------------------------------------------------ accounts
    def tokens(self, *users: str) -> dict[str, str]:
        """API tokens of these users, kept in $STACK_DIR/cluster/tokens.json while they work."""
        import requests
        cache = self.dir / "tokens.json"
        known = json.loads(cache.read_text()) if cache.exists() else {}
        missing = [u for u in users if u not in known]
        if known and not missing:  # still valid (the database may have been rebuilt)
            r = requests.post(f"{self.lb}/api/3/action/user_show", json={"id": users[0]},
                              headers={"Authorization": known[users[0]]}, timeout=60)
            if r.status_code in (401, 403):
                known, missing = {}, list(users)
        if missing:
            out = subprocess.run([sys.executable, "-m", "bench.cluster", "tokens", str(self.ini), *missing],
                                 env=self.env(), cwd=REPO, check=True, capture_output=True, text=True,
                                 timeout=600)
            known.update(json.loads(out.stdout.strip().splitlines()[-1]))
            cache.write_text(json.dumps(known))
            cache.chmod(0o600)
        return {u: known[u] for u in users}

    @staticmethod
    def csrf(html: str) -> str:
        m = re.search(r'<meta name="_csrf_token" content="([^"]+)"', html) or \
            re.search(r'name="_csrf_token" value="([^"]+)"', html)
        if not m:
            raise AssertionError("no CSRF token in the page")
        return m.group(1)

    def login(self, base: str, user: str, password: str = PASSWORD, http=None):
        """Sign in through the form of the node at ``base``; the requests.Session, signed in."""
        import requests
        http = http or requests.Session()
        token = self.csrf(http.get(f"{base}/user/login", timeout=60).text)
        r = http.post(f"{base}/user/login", data={"login": user, "password": password, "_csrf_token": token},
                      allow_redirects=False, timeout=60)
        if r.status_code not in (302, 303):
            raise AssertionError(f"sign-in of {user} at {base}: HTTP {r.status_code}")
        return http

    # ------------------------------------------------------------ checks after a run
    def index_vs_db(self) -> dict:
        """Active datasets in the database against the documents of this site in the index."""
        import requests
        with self.pg() as conn, conn.cursor() as cur:
            cur.execute("SELECT id FROM package WHERE state = 'active'")
            db = {r[0] for r in cur.fetchall()}
        site = self.config().get("ckan.site_id", "liuzhou")
        r = requests.get(f"{self.solr_url()}/select", params={
            "q": "*:*", "fq": f"+site_id:{site}", "fl": "id,state", "rows": 1000000, "wt": "json"}, timeout=120)
        r.raise_for_status()
        docs = r.json()["response"]["docs"]
        solr_active = {d["id"] for d in docs if d.get("state") == "active"}
        return {"db_active": len(db), "index_active": len(solr_active), "index_all": len(docs),
                "missing": sorted(db - solr_active), "extra": sorted({d["id"] for d in docs} - db)}

    def verify_audit(self) -> tuple[bool, str]:
        out = self.ckan("liuzhou", "audit", "verify")
        return out.returncode == 0, (out.stdout.strip().splitlines() or [out.stderr.strip()[-300:]])[-1]


# ---------------------------------------------------------------- the jobs of the job checks
def record(path: str, token: str, seconds: float = 0.0) -> str:
    """A background job that leaves one line per run in ``path`` (token, worker, pid): a job run
    twice shows as its token on two lines."""
    import rq
    if seconds:
        time.sleep(seconds)
    job = rq.get_current_job()
    line = f"{token} {job.worker_name if job else '-'} {os.getpid()}\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())  # one write of O_APPEND: lines never interleave
    finally:
        os.close(fd)
    return token


def _tokens(ini: str, users: list[str]) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        out = {u: tk.get_action("api_token_create")({"ignore_auth": True, "user": site},
                                                      {"user": u, "name": f"cluster-{int(time.time())}"})["token"]
               for u in users}
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "tokens":
        _tokens(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: python -m bench.cluster tokens CKAN_INI USER…")
