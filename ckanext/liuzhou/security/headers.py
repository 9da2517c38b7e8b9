"""Security headers on every response of the portal (pages, API, downloads).

- ``Content-Security-Policy`` (``ckanext.liuzhou.security.csp``): scripts, styles, images,
  fonts and XHR from the portal itself only; no plugins, no inline scripts, no framing by
  other sites (``frame-ancestors``), forms post to the portal only.
- ``X-Frame-Options`` (for browsers without ``frame-ancestors``), ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy``, ``Cross-Origin-Opener-Policy``.

A header a view set itself (e.g. a download's own CSP) is kept.
"""
from __future__ import annotations

from flask import Blueprint

from .. import config as lz_config


def add_headers(response):
    if not lz_config.security_headers():
        return response
    headers = response.headers
    policy = lz_config.security_csp()
    if policy:
        headers.setdefault("Content-Security-Policy", policy)
    frame = lz_config.security_frame_options()
    if frame:
        headers.setdefault("X-Frame-Options", frame)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def blueprint() -> Blueprint:
    """A blueprint without routes: it hooks the headers onto every response of the app (and
    refuses a malformed search ``sort`` on pages, see :mod:`.search`; keeps the CSRF check of
    anonymous visitors' forms, see :mod:`.csrf`)."""
    from . import csrf, search

    bp = Blueprint("liuzhou_security", __name__)
    bp.after_app_request(add_headers)
    bp.before_app_request(search.check_page_args)
    bp.before_app_request(csrf.keep_check_for_anonymous_forms)
    return bp
