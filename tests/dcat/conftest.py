"""DCAT fixtures: the access package's World (role users, an entry of each sharing type, an
uploaded file and a DataStore table on each) with a request for the conditional entry delivered
to the consumer's scoped user; one database for the whole package."""
from __future__ import annotations

import pytest
import rdflib

from tests.access.conftest import (  # noqa: F401  (fixtures used by this package)
    LOCATION, _shared_app, app, clean_datastore_package, data, site_context, tokens)
from tests.sharing.conftest import sharing_departments, world  # noqa: F401

#: a route's format → rdflib's parser
PARSERS = {"ttl": "turtle", "xml": "xml", "rdf": "xml", "jsonld": "json-ld", "n3": "n3"}


def parse(body: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=PARSERS[fmt])


@pytest.fixture
def get_rdf(app, tokens):
    """get_rdf(user, path): the graph a signed-in user gets from a DCAT route (200 asserted)."""
    def get(user: str, path: str) -> tuple[rdflib.Graph, str]:
        response = app.get(path, headers=tokens[user])
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (path, response.status_code, body[:500])
        return parse(body, path.rsplit(".", 1)[1].split("?")[0]), body
    return get
