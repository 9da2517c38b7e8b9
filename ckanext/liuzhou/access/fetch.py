"""The platform fetches a linked resource for the reader (the reader never sees the location).

Links are fetched with a timeout, streamed in chunks, and never followed to the platform's own
machine: addresses that are loopback, link-local, multicast, reserved or unspecified are
refused unless their host is listed in ``ckanext.liuzhou.download.allowed_hosts`` (the
government's private networks, e.g. 10.x 电子政务外网, are allowed). Redirects are not
followed, so a source cannot bounce the platform elsewhere.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Iterator
from urllib.parse import quote, urlsplit

import flask
import requests

import ckan.plugins.toolkit as tk

from .. import config as lz_config

_CHUNK = 64 * 1024


class Refused(Exception):
    pass


def allowed_hosts() -> set[str]:
    return lz_config.download_allowed_hosts()


def check_url(url: str) -> None:
    """Raise Refused when the platform must not fetch this location."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(tk._("This resource has no location the platform can fetch"))
    host = parts.hostname.lower()
    if host in allowed_hosts():
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror:
        raise Refused(tk._("The data source's host cannot be found"))
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified):
            raise Refused(tk._("The platform does not fetch data from this address"))


def stream(url: str, name: str):
    try:
        check_url(url)
        timeout = float(lz_config.download_timeout())
        upstream = requests.get(url, stream=True, timeout=(min(timeout, 10), timeout),
                                allow_redirects=False)
    except Refused as e:
        return tk.abort(502, str(e))
    except requests.RequestException:
        return tk.abort(502, tk._("The data source did not answer; please try again later"))
    if upstream.status_code != 200:
        upstream.close()
        return tk.abort(502, tk._("The data source answered with an error ({status})")
                        .format(status=upstream.status_code))

    def body() -> Iterator[bytes]:
        try:
            yield from upstream.iter_content(_CHUNK)
        finally:
            upstream.close()

    headers = {"Content-Type": upstream.headers.get("Content-Type", "application/octet-stream"),
               "Content-Disposition": "attachment; filename*=UTF-8''%s" % quote(name),
               "X-Content-Type-Options": "nosniff"}
    if upstream.headers.get("Content-Length"):
        headers["Content-Length"] = upstream.headers["Content-Length"]
    return flask.Response(flask.stream_with_context(body()), headers=headers)
