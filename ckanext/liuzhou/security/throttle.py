"""Sign-in throttling (CKAN 2.11 has none): after ``login_max_failures`` failed sign-ins of one
account within ``login_lock_minutes``, every sign-in of that account fails for the rest of that
window, even with the right password, and the form says so. Counters live in Redis (CKAN's
``ckan.redis.url``), so every web worker and node shares them; a successful sign-in clears
the account's counter. ``login_max_failures = 0`` turns throttling off.

Counting by account (not by address) also stops guessing spread over many addresses; the lock
ends by itself, so a locked account is never disabled for good.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.lib import authenticator
from ckan.lib.redis import connect_to_redis

from .. import config as lz_config

log = logging.getLogger(__name__)
_ = tk._


def _key(login: str) -> str:
    digest = hashlib.sha256(login.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()
    return f"{tk.config.get('ckan.site_id') or 'ckan'}:liuzhou:login-failures:{digest}"


def failures(login: str) -> int:
    try:
        return int(connect_to_redis().get(_key(login)) or 0)
    except Exception:  # Redis down: sign-in still works, unthrottled (logged)
        log.warning("sign-in throttling unavailable: Redis did not answer", exc_info=True)
        return 0


def locked(login: str) -> bool:
    limit = lz_config.login_max_failures()
    return bool(limit) and failures(login) >= limit


def record_failure(login: str) -> None:
    try:
        redis = connect_to_redis()
        key = _key(login)
        pipe = redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, lz_config.login_lock_minutes() * 60, nx=True)
        pipe.execute()
    except Exception:
        log.warning("sign-in throttling unavailable: Redis did not answer", exc_info=True)


def clear(login: str) -> None:
    try:
        connect_to_redis().delete(_key(login))
    except Exception:
        log.warning("sign-in throttling unavailable: Redis did not answer", exc_info=True)


def login():
    """IAuthenticator.login: a locked account's sign-in is refused before any password check
    (HTTP 429 with the sign-in form and the reason); None lets CKAN's view run."""
    from flask import request

    if request.method != "POST" or not lz_config.login_max_failures():
        return None
    login_name = request.form.get("login")
    if not isinstance(login_name, str) or not login_name or not locked(login_name):
        return None
    tk.h.flash_error(_("Too many failed sign-ins for this account: try again in {n} minutes.")
                     .format(n=lz_config.login_lock_minutes()))
    return tk.render("user/login.html", {}), 429


def authenticate(identity: dict[str, Any]) -> Optional[Any]:
    """IAuthenticator.authenticate: CKAN's own check, each failure counted for the account.

    Returns the user, or None (CKAN then fails the sign-in with its usual message)."""
    login_name = identity.get("login")
    if not lz_config.login_max_failures() or not isinstance(login_name, str) or not login_name:
        return None
    user = authenticator.default_authenticate(identity)
    if user is None:
        record_failure(login_name)
        return None
    clear(login_name)
    return user
