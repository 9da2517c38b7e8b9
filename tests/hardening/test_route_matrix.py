"""The authorization matrix of the extension's pages and downloads over HTTP: every rule of
the extension's blueprints (Flask's url_map) × every role, against ``route_matrix.csv``.

Cells are HTTP status codes. Signed-in roles send their API token; POSTs carry the role's own
CSRF token and an empty form (so an allowed role gets the form back with its errors, or a
redirect, and nothing is decided). A rule without a row, or a row without a rule, fails.
``HARDENING_RECORD=1`` rewrites the table with what was observed (review the diff).
"""
from __future__ import annotations

import os
import re

import pytest

from ckan.tests import factories

from ckanext.liuzhou import registry
from ckanext.liuzhou.dcat import views as dcat_views

from . import matrix
from .conftest import ROLES

HEADER = """\
# The authorization matrix of the extension's pages and downloads (tests/hardening/test_route_matrix.py).
# Rows: METHOD and Flask rule of every route of the extension's blueprints; data: the rule's arguments ($name = an
# object of tests/hardening/conftest.py). Roles as in authz_matrix.csv. Cells: the HTTP status, or login = the sign-in
# page instead of the page asked for (visitors). POSTs send an empty form with the role's CSRF token: 200 = the form
# again with its errors (allowed), 302 = redirected. GET /data: the interface links to a loopback source the test
# starts (allowed_hosts = 127.0.0.1): 200 = fetched for the role, and the source counts each fetch.
# note: the rule the row follows (article, and the action whose auth the page follows).
"""


def routes(app) -> dict[str, object]:
    # the extension's blueprints, and ckanext-dcat's, which the extension guards (dcat/views.py)
    names = {bp.name for bp in registry.blueprints()} | set(dcat_views.DCAT_BLUEPRINTS)
    out = {}
    for rule in app.flask_app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in names:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            out[f"{method} {rule.rule}"] = rule
    return out


def _url(rule: str, args: dict) -> str:
    return re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda m: str(args.get(m.group(1), "x")), rule)


class Clients:
    """One test client per role (its own cookies, so its own CSRF token)."""

    def __init__(self, app, targets):
        self.app, self.targets, self.clients = app, targets, {}

    def get(self, role):
        if role not in self.clients:
            user = self.targets.users[role]
            headers = {"Authorization": factories.APIToken(user=user)["token"]} if user else {}
            client = self.app.test_client()
            page = client.get("/user/login" if not user else "/sharing/notifications", headers=headers)
            match = re.search(r'name="_csrf_token" (?:value|content)="([^"]+)"', page.get_data(as_text=True))
            self.clients[role] = (client, headers, match.group(1) if match else "")
        return self.clients[role]


def test_every_route_has_a_row(app):
    rows = matrix.read(matrix.ROUTES_CSV)
    found = set(routes(app))
    assert not found - set(rows), f"routes without a row in route_matrix.csv: {', '.join(sorted(found - set(rows)))}"
    assert not set(rows) - found, f"rows naming no route: {', '.join(sorted(set(rows) - found))}"


def test_every_route_states_the_rule_it_follows():
    """Each row's note names the article (or the capability) and the action whose auth the page
    follows, so a recorded cell that changes says which rule it breaks."""
    vague = [key for key, row in matrix.read(matrix.ROUTES_CSV).items()
             if not re.match(r"(Art \d|notifications |search vocabulary |lifecycle pages |demand list )", row.get("note") or "")]
    assert not vague, f"rows of route_matrix.csv without their rule: {', '.join(vague)}"


DATA_ROUTE = "GET /data/<resource_id>"


@pytest.mark.ckan_config("ckanext.liuzhou.download.allowed_hosts", "127.0.0.1")
def test_each_cell_of_the_route_matrix(app, targets, source):
    rows = matrix.read(matrix.ROUTES_CSV)
    record = os.environ.get("HARDENING_RECORD") == "1"
    clients = Clients(app, targets)
    mismatches, observed = [], {}
    hits_before = len(source.hits)
    for key in sorted(set(routes(app)) & set(rows)):
        row = rows[key]
        method, rule = key.split(" ", 1)
        observed[key] = dict(row)
        for role in ROLES:
            client, headers, token = clients.get(role)
            url = _url(rule, targets.resolve(row["data"], role))
            if method == "GET":
                res = client.get(url, headers=headers)
            else:
                res = client.post(url, headers=headers, data={"_csrf_token": token})
            got, body = str(res.status_code), res.get_data().decode("utf-8", "replace")  # xlsx downloads too
            res.close()  # a streamed download keeps its request context (and flask.g) until closed
            if got == "200" and not targets.users[role] and 'id="field-login"' in body:
                got = "login"  # the sign-in gate answers instead of the page
            observed[key][role] = got
            if got != (row.get(role) or "").strip():
                mismatches.append(f"{key} × {role}: expected {row.get(role)!r}, got {got!r} ({url})")
    # every 200 of the download row was served from the loopback source, and nothing else was fetched
    fetched = [role for role, got in observed.get(DATA_ROUTE, {}).items() if role in ROLES and got == "200"]
    assert len(source.hits) - hits_before == len(fetched), (fetched, source.hits[hits_before:])
    if record:
        matrix.write(matrix.ROUTES_CSV, HEADER, "route", observed)
        pytest.skip("recorded")
    assert not mismatches, f"{len(mismatches)} cells differ:\n" + "\n".join(mismatches)
