"""Resilience fixtures: the sharing World (tests/sharing/conftest.py), a live gunicorn on the
test database, HTTP sign-in with CSRF tokens, and private services for the fault tests.

The fault tests never touch the shared stack: they start their own Solr, Redis or PostgreSQL
with the project's scripts under a private ``STACK_DIR`` and other ports (see ``services.py``).
"""
from __future__ import annotations

import re

import pytest
import requests

from tests.browser.live_server import LiveServer
from tests.sharing.conftest import (  # noqa: F401 - fixtures reused as they are
    MONDAY, drive, request_data, sharing_departments, world)

PASSWORD = "Liuzhou@Test2026"


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: stops private services on purpose (runs in make test)")


@pytest.fixture(scope="package")
def stack():
    """Private services of this package (services.PrivateStack), each started on demand."""
    from .services import PrivateStack

    s = PrivateStack()
    yield s
    s.close()


@pytest.fixture(scope="package")
def live_server(sharing_departments, request, tmp_path_factory):
    """gunicorn (2 worker processes) serving test.ini on the test database, Solr core and Redis."""
    server = LiveServer(request.config.getoption("--ckan-ini"),
                        tmp_path_factory.mktemp("server") / "gunicorn.log", workers=2).start()
    server.warm_up()
    yield server
    server.stop()


def csrf_token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def sign_in(base_url: str, user: str, password: str = PASSWORD) -> requests.Session:
    """A browser-like session signed in through the sign-in form (cookie + CSRF token)."""
    session = requests.Session()
    token = csrf_token(session.get(base_url + "/user/login", timeout=60).text)
    response = session.post(base_url + "/user/login", timeout=60,
                            data={"login": user, "password": password, "_csrf_token": token})
    assert response.ok and "/user/login" not in response.url, f"sign-in of {user} failed"
    return session
