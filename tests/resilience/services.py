"""Private services for the fault tests: a Solr, Redis or PostgreSQL of their own, started
with the project's scripts (scripts/solr.sh, redis.sh, postgres.sh) under a private
``STACK_DIR`` on ports of their own, so stopping them never touches the shared stack; a
gunicorn on them; and a small SMTP server that records what it receives (and can hold a
connection open, to kill a worker in the middle of a job).
"""
from __future__ import annotations

import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import ckan.plugins.toolkit as tk

from tests.browser.live_server import REPO, LiveServer

VENV_BIN = Path(sys.executable).parent
# ports of this test package (docs/resilience.md): PostgreSQL, Redis, Solr
PG_PORTS, REDIS_PORTS, SOLR_PORTS = range(55450, 55460), range(6400, 6410), range(8995, 9000)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def free_port_in(ports) -> int:
    for port in ports:
        if port_free(port):
            return port
    raise RuntimeError(f"no free port in {ports}")


class PrivateStack:
    """Services of one test run in their own state directory; each started on demand."""

    def __init__(self):
        # world-readable so that PostgreSQL (run as the postgres user) keeps its cluster here
        self.root = Path(tempfile.mkdtemp(prefix="liuzhou-faults-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        self.ports: dict[str, int] = {}
        self.running: set[str] = set()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
        env.update({"STACK_DIR": str(self.root), "PYTHON": str(VENV_BIN / "python"), "SOLR_CDS": "0",
                    "SOLR_HEAP": "512m", "VENV": str(VENV_BIN.parent)})
        env.update({f"{k.upper()}_PORT": str(v) for k, v in self.ports.items()})
        return env

    def script(self, name: str, *args: str, stdin=subprocess.DEVNULL) -> str:
        result = subprocess.run(["bash", str(REPO / "scripts" / name), *args], env=self.env(),
                                capture_output=True, text=True, timeout=300, stdin=stdin)
        if result.returncode != 0:
            raise RuntimeError(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def script_with(self, env: dict[str, str], name: str, *args: str) -> str:
        """A script on other ports (e.g. the test's own PostgreSQL, for createdb)."""
        saved = dict(self.ports)
        try:
            self.ports.update({k.lower().replace("_port", ""): int(v) for k, v in env.items()})
            result = subprocess.run(["bash", str(REPO / "scripts" / name), *args],
                                    env={**self.env(), "STACK_DIR": os.environ.get("STACK_DIR", str(REPO / ".stack"))},
                                    capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        finally:
            self.ports = saved
        if result.returncode != 0:
            raise RuntimeError(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def start(self, service: str) -> int:
        ranges = {"pg": PG_PORTS, "redis": REDIS_PORTS, "solr": SOLR_PORTS}
        self.ports.setdefault(service, free_port_in(ranges[service]))
        if service == "solr":  # reuse the shared stack's resolved classpath and compiled launcher
            shared = Path(os.environ.get("STACK_DIR") or REPO / ".stack") / "solr"
            state = self.root / "solr"
            state.mkdir(exist_ok=True)
            for cached in [*shared.glob("classpath-*.txt"), *shared.glob("launcher-*.jar")]:
                if not (state / cached.name).exists():
                    shutil.copy2(cached, state / cached.name)
        self.script({"pg": "postgres.sh", "redis": "redis.sh", "solr": "solr.sh"}[service], "start")
        self.running.add(service)
        return self.ports[service]

    def stop(self, service: str) -> None:
        self.script({"pg": "postgres.sh", "redis": "redis.sh", "solr": "solr.sh"}[service], "stop")
        self.running.discard(service)

    def solr_url(self, core: str = "ckan") -> str:
        return f"http://127.0.0.1:{self.ports['solr']}/solr/{core}"

    def redis_url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/{db}"

    def pg_url(self, db: str) -> str:
        return f"postgresql://ckan:ckan@127.0.0.1:{self.ports['pg']}/{db}"

    def close(self) -> None:
        for service in list(self.running):
            try:
                self.stop(service)
            except Exception:  # noqa: BLE001 - best effort at teardown
                pass
        pg = self.root / "pg"
        target = pg.resolve() if pg.is_symlink() else None
        shutil.rmtree(self.root, ignore_errors=True)
        if target is not None and str(target).startswith("/var/tmp/ckanext-liuzhou-pg-"):
            shutil.rmtree(target, ignore_errors=True)


class PrivateServer(LiveServer):
    """The live gunicorn of tests/browser, with some services swapped for private ones."""

    def __init__(self, ini: str, log_path: Path, overrides: dict[str, str], workers: int = 2):
        super().__init__(ini, log_path, workers=workers)
        self.overrides = overrides

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(self.overrides)
        return env


def ckan_cli(*args: str, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """``ckan -c <test ini> ARGS`` on the test's database, Solr core and Redis unless ``env``
    overrides them."""
    full = dict(os.environ)
    full.update({"CKAN_SQLALCHEMY_URL": tk.config["sqlalchemy.url"], "CKAN_SOLR_URL": tk.config["solr_url"],
                 "CKAN_REDIS_URL": tk.config["ckan.redis.url"]})
    full.update(env or {})
    ini = tk.config["__file__"]
    return subprocess.run([str(VENV_BIN / "ckan"), "-c", ini, *args], env=full, capture_output=True,
                          text=True, timeout=timeout)


# ---------------------------------------------------------------- SMTP

class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps (recipients, message) of each accepted mail.

    ``hold_after(n)``: once n mails are accepted, the next MAIL command gets no answer until
    ``release()`` — the client (a jobs worker) hangs there, in the middle of its job.
    """

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []
        self.held = threading.Event()
        self._release = threading.Event()
        self._hold_after: int | None = None
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line):
                    self.wfile.write((line + "\r\n").encode())
                say("220 liuzhou-test-sink")
                rcpts: list[str] = []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    cmd = raw.decode("utf-8", "replace").strip()
                    verb = cmd.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        say("250 liuzhou-test-sink")
                    elif verb == "MAIL":
                        if sink._hold_after is not None and len(sink.messages) >= sink._hold_after:
                            sink.held.set()
                            sink._release.wait(300)
                            return
                        rcpts = []
                        say("250 OK")
                    elif verb == "RCPT":
                        rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                        say("250 OK")
                    elif verb == "DATA":
                        say("354 go ahead")
                        lines = []
                        while True:
                            line = self.rfile.readline()
                            if not line or line in (b".\r\n", b".\n"):
                                break
                            lines.append(line.decode("utf-8", "replace"))
                        sink.messages.append((rcpts, "".join(lines)))
                        say("250 OK queued")
                    elif verb == "QUIT":
                        say("221 bye")
                        return
                    else:  # RSET, NOOP, …
                        say("250 OK")

        class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def hold_after(self, n: int) -> None:
        self._hold_after = n

    def release(self) -> None:
        self._hold_after = None
        self._release.set()

    def recipients(self) -> list[str]:
        return [r for rcpts, _m in self.messages for r in rcpts]

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
