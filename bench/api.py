"""A small CKAN action-API client on requests, one Session per thread (keep-alive)."""
from __future__ import annotations

import threading

import requests


class ApiError(Exception):
    def __init__(self, action: str, status: int, body):
        super().__init__(f"{action}: HTTP {status}: {str(body)[:500]}")
        self.status = status
        self.body = body


_local = threading.local()


def session() -> requests.Session:
    s = getattr(_local, "session", None)
    if s is None:
        s = _local.session = requests.Session()
    return s


def call(base_url: str, action: str, data: dict | None = None, token: str = "", timeout: float = 120,
         http: requests.Session | None = None):
    """POST an action; its ``result``, or ApiError."""
    headers = {"Authorization": token} if token else {}
    r = (http or session()).post(f"{base_url}/api/3/action/{action}", json=data or {}, headers=headers,
                                 timeout=timeout)
    try:
        body = r.json()
    except ValueError:
        raise ApiError(action, r.status_code, r.text)
    if r.status_code != 200 or not body.get("success"):
        raise ApiError(action, r.status_code, body.get("error", body))
    return body["result"]
