"""Web security (docs/security.md, "Web"): CSRF on every form of the extension, no state change on GET,
session cookies, security headers, sign-in throttling, password rules, and a bandit scan.
The CSP check in headless Chromium is in test_csp_browser.py."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories

from ckanext.liuzhou import registry
from ckanext.liuzhou.security import throttle

from .conftest import PROVIDER
from tests.conftest import make_user

REPO = Path(__file__).resolve().parents[2]
STRONG = "Liuzhou@Test2026"


def _state():
    tables = sorted(t for t in sa.inspect(model.meta.engine).get_table_names() if t.startswith("liuzhou_"))
    counts = tuple(model.Session.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables)  # nosec B608 — table names from the catalog
    model.Session.rollback()
    return counts


def extension_rules(app, method: str) -> list[str]:
    names = {bp.name for bp in registry.blueprints()}
    rules = []
    for rule in app.flask_app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in names and method in rule.methods:
            url = rule.rule
            for arg in rule.arguments:
                url = url.replace(f"<{arg}>", {"step": "withdraw", "form": "override"}.get(arg, "x"))
            url = re.sub(r"<[^>]+:([^>]+)>", "x", url)
            rules.append(url)
    return sorted(rules)


# ---------------------------------------------------------------- CSRF, GET

def test_every_post_of_the_extension_needs_the_csrf_token(app, targets, world):
    """A form posted without the token (signed in with a browser session cookie) is refused
    with 400 before the view runs, and nothing changes."""
    user = make_user(PROVIDER, "admin", password=STRONG)["name"]
    client = app.test_client()
    login = client.get("/user/login").get_data(as_text=True)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', login).group(1)
    res = client.post("/user/login", data={"login": user, "password": STRONG, "_csrf_token": token},
                      follow_redirects=False)
    assert res.status_code in (302, 303)
    before = _state()
    posts = extension_rules(app, "POST")
    assert posts, "no POST routes found"
    for url in posts:
        res = client.post(url, data={"decision": "approve", "id": targets.values["share_request"]},
                          follow_redirects=False)
        assert res.status_code == 400, f"POST {url} without a CSRF token: HTTP {res.status_code}"
        assert "CSRF" in res.get_data(as_text=True), f"POST {url}: a 400 that is not the CSRF refusal"
    assert _state() == before


def test_the_sign_in_form_needs_the_csrf_token(app, world):
    """The sign-in posted without the form's token is refused (a forged sign-in would put the
    victim's browser in the forger's account), with the right password too, and signs no one in."""
    user = make_user(PROVIDER, "admin", password=STRONG)["name"]
    client = app.test_client()
    client.get("/user/login")
    res = client.post("/user/login", data={"login": user, "password": STRONG}, follow_redirects=False)
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    assert "/user/_logout" not in client.get("/dashboard/datasets").get_data(as_text=True)


def test_no_get_of_the_extension_changes_state(app, targets, world):
    headers = {"Authorization": factories.APIToken(user=world.provider_admin)["token"]}
    before = _state()
    for url in extension_rules(app, "GET"):
        res = app.get(url, headers=headers)
        assert res.status_code < 500, f"GET {url}: HTTP {res.status_code}"
    assert _state() == before


# ---------------------------------------------------------------- cookies and headers

def test_the_session_cookie_is_httponly_and_samesite(app):
    user = factories.User(password=STRONG)["name"]
    client = app.test_client()
    token = re.search(r'name="_csrf_token" value="([^"]+)"',
                      client.get("/user/login").get_data(as_text=True)).group(1)
    res = client.post("/user/login", data={"login": user, "password": STRONG, "_csrf_token": token},
                      follow_redirects=False)
    cookies = [v for k, v in res.headers.items() if k.lower() == "set-cookie"]
    session = [c for c in cookies if c.startswith(tk.config.get("SESSION_COOKIE_NAME", "ckan") + "=")]
    assert session, cookies
    for cookie in session:
        assert "HttpOnly" in cookie and re.search(r"SameSite=(Lax|Strict)", cookie), cookie


@pytest.mark.parametrize("url", ["/", "/user/login", "/api/3/action/status_show", "/catalog/"])
def test_every_response_carries_the_security_headers(app, url):
    res = app.get(url)
    csp = res.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors" in csp and "object-src 'none'" in csp and "script-src 'self'" in csp
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
    assert res.headers.get("X-Content-Type-Options") == "nosniff"
    assert res.headers.get("X-Frame-Options") == "SAMEORIGIN"
    assert res.headers.get("Referrer-Policy")


# ---------------------------------------------------------------- sign-in throttling

def _try_login(app, login, password):
    client = app.test_client()
    token = re.search(r'name="_csrf_token" value="([^"]+)"',
                      client.get("/user/login").get_data(as_text=True)).group(1)
    return client.post("/user/login", data={"login": login, "password": password, "_csrf_token": token},
                       follow_redirects=False)


def test_an_account_is_locked_after_repeated_failed_sign_ins(app):
    user = factories.User(password=STRONG)["name"]
    throttle.clear(user)
    limit = tk.config["ckanext.liuzhou.security.login_max_failures"]
    for _ in range(limit):
        res = _try_login(app, user, "wrong-password-1A!")
        assert res.status_code == 200  # the form again, with CKAN's message
    res = _try_login(app, user, STRONG)  # even the right password, while locked
    assert res.status_code == 429
    assert "try again" in res.get_data(as_text=True) or "再试" in res.get_data(as_text=True)
    throttle.clear(user)
    assert _try_login(app, user, STRONG).status_code in (302, 303)


def test_a_successful_sign_in_clears_the_counter(app):
    user = factories.User(password=STRONG)["name"]
    throttle.clear(user)
    for _ in range(2):
        _try_login(app, user, "wrong-password-1A!")
    assert throttle.failures(user) == 2
    assert _try_login(app, user, STRONG).status_code in (302, 303)
    assert throttle.failures(user) == 0
    assert connect_to_redis().get(throttle._key(user)) is None


# ---------------------------------------------------------------- passwords

@pytest.mark.ckan_config("ckanext.liuzhou.security.password_min_length", 12)
@pytest.mark.parametrize("password,ok", [
    ("Liuzhou@2026", True), ("Lz-Platform-2026", True), ("correct horse battery Staple", True),
    ("short1A!", False), ("alllowercaseletters", False), ("ALLUPPER12345", False), ("ALLUPPER-12345", True),
    ("12345678901234", False), ("Password123", False), ("aaaaaaaaaaaaA1", False),
])
def test_password_rules(password, ok):
    from ckanext.liuzhou.security import passwords
    assert (passwords.problems(password, "zhangsan") == []) is ok, passwords.problems(password, "zhangsan")


@pytest.mark.ckan_config("ckanext.liuzhou.security.password_min_length", 12)
def test_user_create_refuses_a_weak_password_on_the_password_field():
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    with pytest.raises(tk.ValidationError) as e:
        tk.get_action("user_create")(dict(site), {"name": "weak_pw_user", "email": "w@example.org",
                                                  "password": "liuzhou2026"})
    assert list(e.value.error_dict) == ["password"]
    assert model.User.get("weak_pw_user") is None
    user = tk.get_action("user_create")(dict(site), {"name": "demo_pw_user", "email": "d@example.org",
                                                     "password": "Liuzhou@2026"})
    assert user["name"] == "demo_pw_user"


def test_the_password_must_not_contain_the_user_name():
    from ckanext.liuzhou.security import passwords
    assert passwords.problems("Zhangsan@2026!", "zhangsan")


# ---------------------------------------------------------------- static scan

BASELINE = Path(__file__).with_name("bandit_baseline.json")


def test_bandit_finds_nothing_new_in_the_extension():
    """bandit over ckanext/liuzhou: every finding is in the reviewed baseline (with the reason)."""
    out = subprocess.run([str(Path(sys.executable).parent / "bandit"), "-r", "ckanext/liuzhou", "-f", "json", "-q"],
                         cwd=REPO, capture_output=True, text=True, timeout=600)  # nosec B603 — fixed argv
    report = json.loads(out.stdout)
    baseline = json.loads(BASELINE.read_text())["accepted"]
    accepted = {(a["file"], a["test_id"]): a for a in baseline}
    found = {}
    for r in report["results"]:
        key = (r["filename"], r["test_id"])
        found[key] = found.get(key, 0) + 1
    new = [f"{f} {t} ×{n}" for (f, t), n in found.items() if n > accepted.get((f, t), {}).get("count", 0)]
    assert not new, "bandit findings not in tests/hardening/bandit_baseline.json:\n" + "\n".join(new)
    for a in baseline:
        assert a.get("reason"), a
