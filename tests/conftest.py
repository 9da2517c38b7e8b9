"""Shared fixtures: the real PostgreSQL, Solr and Redis of test.ini; data reset, services kept."""
from __future__ import annotations

import contextlib
import http.server
import threading
from types import SimpleNamespace

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories


def _migrate(migrate_db_for):
    # reset_db drops every table on its first call; put the plugins' tables back.
    for plugin in ("activity", "harvest", "liuzhou"):
        migrate_db_for(plugin)


@pytest.fixture(autouse=True, scope="session")
def _portal_plugins():
    """Every test runs with the portal's plugins (test.ini's ckan.plugins), loaded once.

    CKAN's ``with_plugins`` loads and unloads them around every test (about a second each);
    no test here changes ``ckan.plugins``, so the whole session shares one load.
    """
    import ckan.plugins

    ckan.plugins.load_all()
    yield
    ckan.plugins.unload_all()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db, plus the migrations of the plugins this portal runs."""
    reset_db()
    _migrate(migrate_db_for)


@pytest.fixture(scope="module")
def departments(reset_db, migrate_db_for, reset_index):
    """A fresh database with Liuzhou's departments (the demo tree), once per test module."""
    import ckan.plugins
    from ckanext.liuzhou.demo import loader

    ckan.plugins.load_all()
    reset_db()
    _migrate(migrate_db_for)
    reset_index()
    loader.load_departments()
    return {r["name"]: r for r in loader.departments()}


def sysadmin_context():
    return {"user": factories.Sysadmin()["name"], "ignore_auth": False}


@pytest.fixture
def call_as():
    """call_as(user_name, action, **data): call an action as that user, auth checked."""
    def call(user, action, **data):
        context = {"user": user, "ignore_auth": False}
        return tk.get_action(action)(context, data)
    return call


def make_user(org=None, role="member", **kw):
    user = factories.User(**kw)
    if org:
        tk.get_action("organization_member_create")(
            {"ignore_auth": True}, {"id": org, "username": user["name"], "role": role})
    return user


@pytest.fixture
def commit():
    yield model.repo.commit


def at_once(fn, nodes: int = 2) -> None:
    """Run ``fn`` on ``nodes`` threads at the same time, as that many portal nodes would, each
    with its own database session."""
    def node():
        try:
            fn()
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=node) for _ in range(nodes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@contextlib.contextmanager
def loopback_csv(body: bytes):
    """A data source on this machine answering every GET with ``body`` (CSV): no test sends
    anything off the machine. Yields ``url`` and ``hits`` (the paths it was asked for)."""
    hits: list[str] = []

    class Source(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Source)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", hits=hits)
    finally:
        server.shutdown()
        server.server_close()
