"""Forms posted by a visitor who is not signed in keep CKAN's CSRF check.

CKAN 2.11 exempts a request from the check when the user was identified by an API token
(``g.login_via_auth_header``), but its token loader sets that flag whenever the session cookie
names no user, so every POST of an anonymous visitor, the sign-in form included, went through
without the form's token: a page elsewhere could sign the visitor's browser into an account of
its choosing (login CSRF) and watch what the clerk then does there. Here the exemption is kept
only for a request that really carries an API token, or for the API (anonymous API calls have no
session to abuse); the check itself stays CKAN's (Flask-WTF's ``csrf_protect``, which runs after
the plugins' hooks).
"""
from __future__ import annotations

from flask import g, request

import ckan.plugins.toolkit as tk


def _carries_token() -> bool:
    return bool(request.headers.get(tk.config.get("apitoken_header_name") or "Authorization"))


def keep_check_for_anonymous_forms() -> None:
    """before_app_request: undo CKAN's exemption for a browser form posted without a token."""
    if not g.get("_csrf_exempt_view") or request.blueprint == "api":
        return
    if _carries_token() and tk.current_user.is_authenticated:
        return
    g._csrf_exempt_view = False
