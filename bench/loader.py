"""Loading a catalog through the action API: departments, users, then entries in parallel."""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ckanext.liuzhou.catalog import credit_code
from ckanext.liuzhou.demo import loader as demo

from . import corpus
from .api import ApiError, call
from .services import Side

PASSWORD = "Bench@Liuzhou-2026"

# Who the measurements act as (names are the same on both sides where both need them).
USERS = {
    "reader": ("lzsrlzyhshbzj", "member"),     # reads and searches (a consumer's member)
    "editor": ("lzsgaj", "editor"),            # creates entries
    "scoped": ("lzsrlzyhshbzj", "member"),     # named in the scope of knowledge (project only)
    "provider": ("lzsgaj", "admin"),           # decides share requests (project only)
    "operator": ("lzsxxhjsglzx", "member"),    # delivers approved requests (project only)
    "authority": ("lzsdsjfzj", "member"),      # sees the evaluation of every department (project only)
}
PROJECT_ONLY_USERS = {"scoped", "provider", "operator", "authority"}


def departments(side: Side) -> int:
    """Liuzhou's department tree: the project's department schema; plain organizations on stock."""
    rows = demo.departments()
    by_name = {r["name"]: r for r in rows}
    created = 0
    for row in rows:
        try:
            call(side.url, "organization_show", {"id": row["name"]}, side.token)
            continue
        except ApiError as e:
            if e.status != 404:
                raise
        data = {"name": row["name"], "title": row["title"]}
        if side.key == "project":
            division = demo._division(row, by_name)
            data.update({
                "level": row["level"], "parent": row["parent"] or "", "division_code": row["region_code"] or "",
                "roles": [r for r in (row.get("role") or "").split(";") if r],
                "credit_code": credit_code.make_sample(division, row["name"]), "credit_code_sample": True,
            })
        call(side.url, "organization_create", data, side.token)
        created += 1
    return created


def users(side: Side) -> dict[str, dict]:
    """The bench's users, members of their departments, each with a fresh API token."""
    out = {}
    for key, (org, role) in USERS.items():
        if side.key == "stock" and key in PROJECT_ONLY_USERS:
            continue
        name = f"bench_{key}"
        try:
            user = call(side.url, "user_show", {"id": name}, side.token)
        except ApiError as e:
            if e.status != 404:
                raise
            user = call(side.url, "user_create", {"name": name, "email": f"{name}@bench.liuzhou.example",
                                                  "password": PASSWORD, "fullname": name}, side.token)
        call(side.url, "organization_member_create", {"id": org, "username": name, "role": role}, side.token)
        token = call(side.url, "api_token_create", {"user": name, "name": f"bench-{int(time.time())}"},
                     side.token)["token"]
        out[key] = {"name": name, "id": user["id"], "token": token, "org": org}
    side.users = out
    return out


def prune(side: Side, catalog: corpus.Catalog, scale: int, have: list[str], workers: int = 4) -> dict:
    """Delete (``package_delete``) every active dataset that is not one of the catalog's first
    ``scale`` entries: entries made by earlier measurements of ``package_create`` and the
    download (``c<run>-…``, ``dl<run>-…``) and entries past ``scale`` (a larger earlier run, a
    sample), so that both sides hold the same catalog. They stay in the database as deleted
    rows (share requests of earlier runs may point at them) and leave the index."""
    wanted = {catalog.name(i) for i in range(scale)}
    extra = sorted(n for n in have if n not in wanted)
    errors: list[str] = []

    def delete(name: str) -> None:
        try:
            call(side.url, "package_delete", {"id": name}, side.token, timeout=300)
        except ApiError as e:
            errors.append(f"{name}: {e}")

    t0 = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(delete, extra))
    return {"deleted": len(extra) - len(errors), "errors": len(errors), "first_errors": errors[:5],
            "seconds": round(time.monotonic() - t0, 1)}


def existing(side: Side) -> int:
    return call(side.url, "package_search", {"rows": 0, "include_private": True}, side.token)["count"]


def entries(side: Side, catalog: corpus.Catalog, start: int, stop: int, workers: int,
            progress=None) -> dict:
    """Create entries start…stop-1 with ``workers`` threads; returns counts and timings."""
    payload = corpus.api_entry if side.key == "project" else corpus.to_stock
    done = errors = retried = 0
    first_errors: list[str] = []
    lock = threading.Lock()
    load0 = os.getloadavg()
    t0 = time.monotonic()

    def create(i: int) -> None:
        nonlocal done, errors, retried
        data = payload(catalog.entry(i))
        try:
            try:
                call(side.url, "package_create", data, side.token, timeout=300)
            except ApiError as e:
                # CKAN builds its table of auth functions on a worker's first request; threads
                # racing it get "Authorization function not found: package_create" (HTTP 500)
                # just after start. Tried again once, and counted.
                if e.status != 500:
                    raise
                with lock:
                    retried += 1
                call(side.url, "package_create", data, side.token, timeout=300)
            ok = True
        except ApiError as e:
            ok = e.status == 409 and "already" in str(e.body)  # a rerun after an interruption
            if not ok:
                with lock:
                    if len(first_errors) < 5:
                        first_errors.append(f"{data['name']}: {e}")
        with lock:
            if ok:
                done += 1
            else:
                errors += 1
            n = done + errors
        if progress and n % 500 == 0:
            progress(f"{side.key}: {n}/{stop - start} entries, {n / (time.monotonic() - t0):.1f}/s")

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(create, range(start, stop)))
    seconds = time.monotonic() - t0
    return {"entries": done, "errors": errors, "retried_after_500": retried, "first_errors": first_errors, "seconds": round(seconds, 1),
            "per_second": round(done / seconds, 2) if seconds else None, "workers": workers,
            "loadavg_before": [round(x, 2) for x in load0],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}
