"""`ckan liuzhou doctor` says in one line per service what is wrong and how to fix it."""
import re

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou import doctor
from ckanext.liuzhou.cli import liuzhou

CLOSED_PORT = 1  # nothing listens on tcpmux here


@pytest.fixture(autouse=True)
def _no_env_overrides(monkeypatch):
    """The checks below pass their own URLs; CKAN_* variables (set by make test) would win."""
    for var in doctor.ENV_OVERRIDES.values():
        monkeypatch.delenv(var, raising=False)


def _config(**overrides):
    conf = {k: tk.config.get(k) for k in ("sqlalchemy.url", "solr_url", "ckan.redis.url")}
    conf.update(overrides)
    return conf


def _by_service(findings):
    return {f.service: f for f in findings}


@pytest.mark.usefixtures("clean_db")
def test_all_services_ok_on_the_test_stack():
    findings = doctor.run(_config(), timeout=3)
    assert [f.service for f in findings] == ["postgres", "solr", "redis"]
    assert all(f.ok for f in findings), [f.line() for f in findings]


def test_postgres_down_is_reported_with_a_fix():
    url = re.sub(r":\d+/", f":{CLOSED_PORT}/", tk.config["sqlalchemy.url"])
    f = _by_service(doctor.run(_config(**{"sqlalchemy.url": url}), timeout=1))["postgres"]
    assert not f.ok
    assert "postgres.sh start" in f.message
    assert "\n" not in f.line()


def test_missing_database_is_reported():
    url = tk.config["sqlalchemy.url"].rsplit("/", 1)[0] + "/no_such_db"
    f = doctor.check_postgres(_config(**{"sqlalchemy.url": url}), 2)
    assert not f.ok and "does not exist" in f.message and "createdb" in f.message


def test_solr_down_is_reported_with_a_fix():
    f = doctor.check_solr(_config(solr_url=f"http://127.0.0.1:{CLOSED_PORT}/solr/ckan"), 1)
    assert not f.ok and "not reachable" in f.message and "solr.sh start" in f.message


def test_missing_solr_core_is_reported():
    base = tk.config["solr_url"].rsplit("/", 1)[0]
    f = doctor.check_solr(_config(solr_url=f"{base}/no_such_core"), 3)
    assert not f.ok and "core 'no_such_core' is missing" in f.message


def test_stock_schema_without_chinese_analysis_is_reported():
    base = tk.config["solr_url"].rsplit("/", 1)[0]
    f = doctor.check_solr(_config(solr_url=f"{base}/ckan_stock_test"), 3)
    assert not f.ok and "no Chinese analysis" in f.message


def test_redis_down_is_reported_with_a_fix():
    f = doctor.check_redis(_config(**{"ckan.redis.url": f"redis://127.0.0.1:{CLOSED_PORT}/0"}), 1)
    assert not f.ok and "redis.sh start" in f.message


@pytest.mark.usefixtures("clean_db")
def test_cli_exit_code_and_lines(cli):
    result = cli.invoke(liuzhou, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    services = lines[:3]  # then the calendar, then the scheduled tasks' last runs
    assert [line.split()[1] for line in services] == ["postgres", "solr", "redis"]
    assert all(line.startswith("OK") for line in services)
    # the calendar: OK, or WARN naming a year within 60 days nobody has entered (never a failure)
    assert lines[3].split()[:2] in (["OK", "calendar"], ["WARN", "calendar"])


def test_standalone_doctor_runs_without_ckan_and_fails_cleanly():
    """What serve and test run before CKAN can start: a clean message and exit 1, no traceback."""
    import os
    import subprocess
    import sys

    env = dict(os.environ,
               CKAN_SQLALCHEMY_URL=f"postgresql://ckan:ckan@127.0.0.1:{CLOSED_PORT}/ckan",
               CKAN_SOLR_URL=f"http://127.0.0.1:{CLOSED_PORT}/solr/ckan",
               CKAN_REDIS_URL=f"redis://127.0.0.1:{CLOSED_PORT}/0")
    ini = tk.config["__file__"]
    out = subprocess.run([sys.executable, "-m", "ckanext.liuzhou.doctor", "-c", ini, "--timeout", "1"],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert [line.split()[:2] for line in out.stdout.splitlines()] == [
        ["FAIL", "postgres"], ["FAIL", "solr"], ["FAIL", "redis"]]


def test_standalone_doctor_reports_an_unreadable_config(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "ckanext.liuzhou.doctor", "-c", str(tmp_path / "missing.ini")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "Traceback" not in out.stdout + out.stderr
    assert out.stdout.startswith("FAIL config")
