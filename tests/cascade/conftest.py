"""Two real CKAN instances on loopback: the city (this test process's database, Solr core and
Redis, served by gunicorn on 5021 for the region to harvest) and the autonomous-region platform
(a stock CKAN on its own database and core, tests/cascade/region.ini, on 5022)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

import ckan.plugins.toolkit as tk

from tests.browser.live_server import LiveServer

HERE = Path(__file__).resolve().parent
REGION_INI = HERE / "region.ini"
CKAN = str(Path(sys.executable).parent / "ckan")
CITY_PORT = int(os.environ.get("LIUZHOU_CASCADE_CITY_PORT", "5021"))
REGION_PORT = int(os.environ.get("LIUZHOU_CASCADE_REGION_PORT", "5022"))
OPERATOR = "lzsxxhjsglzx"


def _region_env() -> dict[str, str]:
    """None of the city's CKAN_* variables; LIUZHOU_REGION_SQLALCHEMY_URL / _SOLR_URL / _REDIS_URL
    move the regional instance to another database, core or Redis db."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    for what in ("SQLALCHEMY_URL", "SOLR_URL", "REDIS_URL"):
        if os.environ.get(f"LIUZHOU_REGION_{what}"):
            env[f"CKAN_{what}"] = os.environ[f"LIUZHOU_REGION_{what}"]
    return env


def _port(wanted: int) -> int:
    """The port asked for, or a free one when something else already listens there."""
    import socket
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            pass
    from tests.browser.live_server import free_port
    return free_port()


def region_ckan(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """A `ckan` command of the regional instance (its own config, none of the city's env)."""
    env = _region_env()
    return subprocess.run([CKAN, "-c", str(REGION_INI), *args], env=env, capture_output=True,
                          text=True, check=check, timeout=600)


class Region(LiveServer):
    def env(self) -> dict[str, str]:
        env = _region_env()
        env.update({"CKAN_INI": self.ini, "CKAN_SITE_URL": self.url})
        return env


REGION_ACCOUNT = "gx_region_harvester"


def city_ini(directory: Path) -> Path:
    """The test configuration plus the region's account (CKAN reads no CKANEXT__ variables)."""
    base = Path(tk.config["__file__"]).resolve()
    logging_sections = base.read_text().split("[loggers]", 1)[1]
    ini = directory / "city.ini"
    ini.write_text(f"[DEFAULT]\n\n[app:main]\nuse = config:{base}\n"
                   f"ckanext.liuzhou.cascade.region_user = {REGION_ACCOUNT}\n\n[loggers]{logging_sections}")
    return ini


@pytest.fixture(scope="session")
def region(tmp_path_factory):
    """The regional platform, emptied, with a sysadmin ``region_admin`` and its API token."""
    region_ckan("db", "clean", "--yes")
    region_ckan("db", "init")
    region_ckan("db", "upgrade", "-p", "harvest")
    region_ckan("search-index", "clear", check=False)
    region_ckan("user", "add", "region_admin", "email=region@example.org", "password=Region@2026x")
    region_ckan("sysadmin", "add", "region_admin")
    token = region_ckan("user", "token", "add", "region_admin", "cascade").stdout.strip().splitlines()[-1].strip()
    server = Region(str(REGION_INI), tmp_path_factory.mktemp("region") / "gunicorn.log", workers=2)
    port = _port(REGION_PORT)
    server.port, server.url = port, f"http://127.0.0.1:{port}"
    server.start()
    server.token = token
    server.api = ckanapi.RemoteCKAN(server.url, apikey=token)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def city_server(departments, tmp_path_factory):
    """The city portal over HTTP (same database and core as this process)."""
    directory = tmp_path_factory.mktemp("city")
    server = LiveServer(str(city_ini(directory)), directory / "gunicorn.log", workers=2)
    port = _port(CITY_PORT)
    server.port, server.url = port, f"http://127.0.0.1:{port}"
    server.start()
    yield server
    server.stop()


def regional_dataset(name: str, title: str, **extras) -> dict:
    return {"name": name, "title": title, "notes": f"{title}（自治区平台）", "owner_org": "gx-dsjj",
            "tags": [{"name": "广西"}],
            "extras": [{"key": k, "value": v} for k, v in extras.items()],
            "resources": [{"name": f"{title}接口", "url": f"http://data.gxzf.example/{name}/api",
                           "format": "API"}]}
