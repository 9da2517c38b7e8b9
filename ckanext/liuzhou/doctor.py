"""`ckan liuzhou doctor`: is every service the portal needs there, and if not, how to fix it.

Each check answers in one line. The checks read only the configuration, so they also run
before CKAN itself can start (``python -m ckanext.liuzhou.doctor -c ckan.ini``), which is
how the serve and test commands stop early with a clear message instead of a traceback.
"""
from __future__ import annotations

import os
import sys
import xml.dom.minidom
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import urlparse

import requests

# CKAN lets the environment override these (see ckan.config.environment).
ENV_OVERRIDES = {
    "sqlalchemy.url": "CKAN_SQLALCHEMY_URL",
    "solr_url": "CKAN_SOLR_URL",
    "ckan.redis.url": "CKAN_REDIS_URL",
}
SUPPORTED_SCHEMA = "ckan-2.11"
CHINESE_FIELD_TYPE = "text_zh"


@dataclass
class Finding:
    service: str
    ok: bool
    message: str

    def line(self) -> str:
        mark = "OK  " if self.ok else "FAIL"
        return f"{mark} {self.service:<10} {self.message}"


def _setting(config: Mapping[str, Any], key: str) -> str:
    return os.environ.get(ENV_OVERRIDES.get(key, ""), "") or str(config.get(key) or "")


def check_postgres(config: Mapping[str, Any], timeout: float, services_only: bool = False) -> Finding:
    import psycopg2

    url = _setting(config, "sqlalchemy.url")
    if not url:
        return Finding("postgres", False, "sqlalchemy.url is not set in the config file")
    parts = urlparse(url)
    where = f"{parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"
    try:
        conn = psycopg2.connect(url, connect_timeout=max(1, int(timeout)))
    except psycopg2.OperationalError as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else "unknown error"
        if "does not exist" in reason:
            fix = "create it: scripts/postgres.sh createdb NAME (serve and test do this)"
        else:
            fix = "start it: scripts/postgres.sh start (or the README's serve/test command)"
        return Finding("postgres", False, f"{where}: {reason} — {fix}")
    if services_only:
        conn.close()
        return Finding("postgres", True, f"{where}: reachable")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('public.package') IS NOT NULL")
            has_ckan = cur.fetchone()[0]
            cur.execute("SELECT to_regclass('public.liuzhou_alembic_version') IS NOT NULL")
            has_lz = cur.fetchone()[0]
    finally:
        conn.close()
    if not has_ckan:
        return Finding("postgres", False, f"{where}: reachable but CKAN's tables are missing — run: ckan -c CONFIG db init")
    if not has_lz:
        return Finding("postgres", False, f"{where}: CKAN tables present but the liuzhou migrations are not — run: ckan -c CONFIG db upgrade -p liuzhou")
    return Finding("postgres", True, f"{where}: reachable, CKAN and liuzhou tables present")


def check_solr(config: Mapping[str, Any], timeout: float, services_only: bool = False) -> Finding:
    url = _setting(config, "solr_url").rstrip("/")
    if not url:
        return Finding("solr", False, "solr_url is not set in the config file")
    fix_start = "start it: scripts/solr.sh start (or the README's serve/test command)"
    try:
        ping = requests.get(f"{url}/admin/ping", params={"wt": "json"}, timeout=timeout)
    except requests.RequestException as e:
        return Finding("solr", False, f"{url}: not reachable ({type(e).__name__}) — {fix_start}")
    if ping.status_code == 404:
        core = url.rsplit("/", 1)[-1]
        return Finding("solr", False, f"{url}: Solr answers but core '{core}' is missing — restart with scripts/solr.sh start, which creates the cores")
    if ping.status_code != 200:
        return Finding("solr", False, f"{url}: ping answered HTTP {ping.status_code} — see .stack/solr/solr.log")
    try:
        res = requests.get(f"{url}/admin/file/", params={"file": "schema.xml"}, timeout=timeout)
        res.raise_for_status()
        doc = xml.dom.minidom.parseString(res.content).documentElement
    except Exception as e:  # noqa: BLE001 — any failure here is reported, not raised
        return Finding("solr", False, f"{url}: cannot read schema.xml ({e}) — regenerate the core: scripts/solr.sh start")
    name = doc.getAttribute("name")
    if name != SUPPORTED_SCHEMA:
        return Finding("solr", False, f"{url}: schema is '{name or 'unnamed'}', CKAN 2.11 needs '{SUPPORTED_SCHEMA}' — regenerate the core: scripts/solr.sh start")
    types = {e.getAttribute("name") for e in doc.getElementsByTagName("fieldType")}
    if CHINESE_FIELD_TYPE not in types:
        return Finding("solr", False, f"{url}: schema {name} has no Chinese analysis ({CHINESE_FIELD_TYPE}); this is stock CKAN's schema — point solr_url at the liuzhou core")
    return Finding("solr", True, f"{url}: core present, schema {name} with Chinese analysis")


def check_redis(config: Mapping[str, Any], timeout: float, services_only: bool = False) -> Finding:
    import redis

    url = _setting(config, "ckan.redis.url") or "redis://localhost:6379/0"
    try:
        redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout).ping()
    except redis.RedisError as e:
        return Finding("redis", False, f"{url}: not reachable ({type(e).__name__}) — start it: scripts/redis.sh start (or the README's serve/test command)")
    return Finding("redis", True, f"{url}: answers PING")


CHECKS: list[Callable[..., Finding]] = [check_postgres, check_solr, check_redis]


def run(config: Mapping[str, Any], timeout: float = 3.0, services_only: bool = False) -> list[Finding]:
    """Every check; ``services_only`` skips what needs CKAN's tables (before `db upgrade`)."""
    return [check(config, timeout, services_only) for check in CHECKS]


# ---------------------------------------------------------------- the scheduler (needs CKAN)

def check_schedule(now=None) -> list[Finding]:
    """One line per scheduled task (``cascade/schedule.py``): its last run and how it went;
    ``WARN`` when it has not run for more than twice its interval (nobody runs the scheduler:
    see docs/scheduler.md) or its last run failed. Warnings do not fail ``doctor``."""
    from .cascade import schedule

    out = []
    for s in schedule.status(now):
        last = s["last_run"] or "never"
        message = f"{s['task']:<13} every {s['every']}, last run {last}"
        if s["summary"]:
            message += f": {'ok' if s['ok'] else 'FAILED'} — {s['summary'][:160]}"
        if s["late"]:
            message += (" — has not run for more than twice its interval: is `ckan liuzhou schedule loop` "
                        "(make serve, the scheduler service) or the cron line running?")
        out.append(Finding("schedule", not s["late"] and s["ok"] is not False, message))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the checks from an ini file without starting CKAN."""
    import argparse

    from ckan.cli import load_config

    parser = argparse.ArgumentParser(description="Check the services the Liuzhou portal needs.")
    parser.add_argument("-c", "--config", default=os.environ.get("CKAN_INI", "ckan.ini"))
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--services", action="store_true", help="only whether the services answer")
    args = parser.parse_args(argv)
    if not os.path.isfile(args.config):
        print(f"FAIL config     {args.config}: no such file — pass the CKAN ini with -c")
        return 2
    try:
        config = load_config(args.config)
    except Exception as e:  # noqa: BLE001 — a broken ini is reported in one line
        print(f"FAIL config     {args.config}: cannot be read ({type(e).__name__}: {e})")
        return 2
    findings = run(config, args.timeout, args.services)
    for f in findings:
        print(f.line())
    return 0 if all(f.ok for f in findings) else 1


if __name__ == "__main__":
    sys.exit(main())
