"""What a web worker does once, before it serves requests on several threads.

CKAN builds its table of actions (``ckan.logic.get_action``) and of auth functions
(``ckan.authz``) on the first call, filling a shared dict step by step: core functions
first, plugins' and chained ones last. A second thread that calls in the middle of the
build sees a dict that is not empty and takes it as it is. On a fresh gunicorn worker with
threads (``make serve``: 2 workers × 4 threads) the first requests then either fail with
"Authorization function not found: package_delete" (a 500) or run the core action instead
of the extension's chained one, e.g. ``package_show`` without the Art 24 redaction.

:func:`build_tables` builds both while the app is made (IMiddleware), on one thread.
"""
from __future__ import annotations

from ckan import authz, logic


def build_tables() -> None:
    """Fill CKAN's action and auth tables now (a no-op when they are filled already)."""
    authz.auth_functions_list()
    logic.get_action("package_show")
