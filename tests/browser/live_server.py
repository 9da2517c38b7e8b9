"""A real CKAN web server (gunicorn) on a free loopback port, for tests that need one.

It runs the test configuration (the ini given to pytest) with the same database, Solr core
and Redis database as the test process, read from the test's own config, so a test and the
server see the same data. The server and its workers are one process group, killed at stop.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import ckan.plugins.toolkit as tk

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, ini: str, log_path: Path, workers: int = 2, threads: int = 1):
        self.ini = str(Path(ini).resolve())
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "CKAN_INI": self.ini,
            "CKAN_SQLALCHEMY_URL": tk.config["sqlalchemy.url"],
            "CKAN_SOLR_URL": tk.config["solr_url"],
            "CKAN_REDIS_URL": tk.config["ckan.redis.url"],
            "CKAN_SITE_URL": self.url,
        })
        return env

    def start(self, timeout: float = 120) -> "LiveServer":
        return self.launch().wait_ready(timeout)

    def launch(self) -> "LiveServer":
        """Start gunicorn without waiting for it to answer."""
        gunicorn = Path(sys.executable).parent / "gunicorn"
        cmd = [str(gunicorn), "--chdir", str(REPO), "-b", f"127.0.0.1:{self.port}",
               "-w", str(self.workers), "--timeout", "120", "--graceful-timeout", "5"]
        if self.threads > 1:
            cmd += ["-k", "gthread", "--threads", str(self.threads)]
        cmd.append("deploy.wsgi:application")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, env=self.env(), stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 120) -> "LiveServer":
        """Wait until the server answers ``status_show``; stop it and raise if it does not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=5) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log_tail()}")

    def warm_up(self, requests: int = 0) -> None:
        """Make every worker load the app: a burst of parallel requests, several times."""
        from concurrent.futures import ThreadPoolExecutor
        n = requests or self.workers * self.threads * 3

        def hit(_):
            with urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=60) as r:
                return r.status
        with ThreadPoolExecutor(n) as pool:
            for _ in range(3):
                assert set(pool.map(hit, range(n))) == {200}

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        # workers left behind by a master that died first: only our own group, if it lives on
        if _group_members(self.process.pid):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()
        self.process = None


def _group_members(pgid: int) -> list[int]:
    """Live processes whose process group is ``pgid`` (from /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members
