"""Fixtures of the search tests: the relevance harness run once per module."""
from __future__ import annotations

import os

import pytest

import ckan.plugins.toolkit as tk


def stock_core_url() -> str:
    """The stock-schema core paired with the configured one (ckan_test → ckan_stock_test);
    CKAN_STOCK_SOLR_URL overrides."""
    from bench import relevance

    return os.environ.get("CKAN_STOCK_SOLR_URL") or relevance.paired_stock_core(tk.config["solr_url"])


@pytest.fixture(scope="module")
def relevance_report(departments):
    """The test set indexed both ways and every query run (python -m bench.relevance)."""
    from bench import relevance

    return relevance.run(tk.config["solr_url"], stock_core_url())
