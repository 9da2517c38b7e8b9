"""The append-only, hash-chained audit log of reads and decisions (Art 25, 28–33).

Public API for the other capabilities::

    from ckanext.liuzhou import audit
    audit.record(action="share_request.approve", user=..., ...)   # in the caller's transaction
    audit.record_read(user, package, resource, purpose)           # a data read; commits
    audit.verify()                                                 # -> Verification
"""
from __future__ import annotations

from .log import record, record_read  # noqa: F401
from .chain import verify, Verification  # noqa: F401
