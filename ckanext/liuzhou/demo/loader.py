"""Loads the demo portal through CKAN's actions; running it again changes nothing.

Departments come from ``departments.csv`` (Liuzhou's real layout), with sample unified
social credit codes that have a valid GB 32100 check character (marked as samples);
users get the demo password from ``ckanext.liuzhou.demo.password``; catalog entries come
from ``catalog_entries.json``, each with a small uploaded sample file (``samples.py``) so that
the platform's download route and the DataStore have data to deliver.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import ckan.model as model
import ckan.plugins.toolkit as tk

from werkzeug.datastructures import FileStorage

import ckan.plugins as plugins

from .. import config as lz_config
from ..catalog import credit_code, slug
from . import samples

HERE = Path(__file__).parent


@dataclass(frozen=True)
class DemoUser:
    name: str
    fullname: str
    org: str | None
    role: str | None
    what: str
    sysadmin: bool = False


USERS = [
    DemoUser("sysadmin", "系统管理员", None, None, "sysadmin (operations only)", sysadmin=True),
    DemoUser("authority", "市大数据发展局 管理员", "lzsdsjfzj", "admin", "Authority admin (市大数据发展局)"),
    DemoUser("operator", "市信息中心 运营人员", "lzsxxhjsglzx", "member", "Operator member (市信息化建设管理中心)"),
    DemoUser("provider_admin", "市公安局 数据管理员", "lzsgaj", "admin", "provider admin (市公安局)"),
    DemoUser("provider_editor", "市公安局 目录编目员", "lzsgaj", "editor", "provider editor (市公安局)"),
    DemoUser("consumer_admin", "市人社局 数据管理员", "lzsrlzyhshbzj", "admin", "consumer admin (市人力资源和社会保障局)"),
    DemoUser("consumer_member", "市人社局 业务人员", "lzsrlzyhshbzj", "member", "consumer member (市人力资源和社会保障局)"),
    DemoUser("county_authority", "柳江区大数据发展局 管理员", "ljqdsjj", "admin", "county authority (柳江区大数据发展局)"),
]


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=lambda: {
        "organizations": 0, "users": 0, "memberships": 0, "entries": 0, "sample files": 0})
    existing: dict[str, int] = field(default_factory=lambda: {
        "organizations": 0, "users": 0, "memberships": 0, "entries": 0, "sample files": 0})

    def line(self) -> str:
        return ", ".join(f"{k}: {self.created[k]} new, {self.existing[k]} already there" for k in self.created)


def departments() -> list[dict]:
    """CSV rows, parents before children."""
    with open(HERE / "departments.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_name = {r["name"]: r for r in rows}
    ordered, done = [], set()

    def visit(r):
        if r["name"] in done:
            return
        if r["parent"] and r["parent"] in by_name:
            visit(by_name[r["parent"]])
        done.add(r["name"])
        ordered.append(r)
    for r in rows:
        visit(r)
    return ordered


def _division(row: dict, by_name: dict[str, dict]) -> str:
    node = row
    while node is not None:
        if node.get("region_code"):
            return node["region_code"]
        node = by_name.get(node.get("parent") or "")
    return "450200"


def entries() -> list[dict]:
    path = HERE / "catalog_entries.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else []


def _context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def load_departments(summary: Summary | None = None) -> Summary:
    summary = summary or Summary()
    rows = departments()
    by_name = {r["name"]: r for r in rows}
    for row in rows:
        if model.Group.get(row["name"]) is not None:
            summary.existing["organizations"] += 1
            continue
        division = _division(row, by_name)
        tk.get_action("organization_create")(_context(), {
            "name": row["name"],
            "title": row["title"],
            "level": row["level"],
            "parent": row["parent"] or "",
            "division_code": row["region_code"] or "",
            "roles": [r for r in (row.get("role") or "").split(";") if r],
            "credit_code": credit_code.make_sample(division, row["name"]),
            "credit_code_sample": True,
        })
        summary.created["organizations"] += 1
    return summary


def load_users(summary: Summary | None = None) -> Summary:
    summary = summary or Summary()
    password = lz_config.demo_password()
    for u in USERS:
        if model.User.get(u.name) is None:
            tk.get_action("user_create")(_context(), {
                "name": u.name, "fullname": u.fullname, "password": password,
                "email": f"{u.name}@demo.liuzhou.example",
            })
            summary.created["users"] += 1
        else:
            summary.existing["users"] += 1
        user = model.User.get(u.name)
        if u.sysadmin and not user.sysadmin:
            user.sysadmin = True
            model.repo.commit()
        if u.org:
            org = model.Group.get(u.org)
            member = model.Session.query(model.Member).filter_by(
                group_id=org.id, table_id=user.id, table_name="user", state="active").first()
            if member is not None and member.capacity == u.role:
                summary.existing["memberships"] += 1
            else:
                tk.get_action("organization_member_create")(
                    _context(), {"id": u.org, "username": u.name, "role": u.role})
                summary.created["memberships"] += 1
    return summary


def load_entries(summary: Summary | None = None) -> Summary:
    summary = summary or Summary()
    for entry in entries():
        name = slug.slugify(entry["title"])
        pkg = model.Package.get(name)
        if pkg is not None:
            summary.existing["entries"] += 1
        else:
            data = dict(entry, name=name, type="catalog")
            data["tag_string"] = ",".join(data.pop("tags", []))
            pkg = model.Package.get(tk.get_action("package_create")(_context(), data)["id"])
            summary.created["entries"] += 1
        if add_sample(pkg, entry.get("information_items") or []):
            summary.created["sample files"] += 1
        else:
            summary.existing["sample files"] += 1
    return summary


def add_sample(pkg: model.Package, items: list[dict]) -> bool:
    """The entry's demo sample file (uploaded, and in the DataStore), unless it has one."""
    if any(r.name == samples.SAMPLE_NAME and r.state == "active" for r in pkg.resources):
        return False
    upload = FileStorage(stream=io.BytesIO(samples.csv_bytes(items)), filename=samples.FILE_NAME,
                         content_type="text/csv")
    resource = tk.get_action("resource_create")(_context(), {
        "package_id": pkg.id, "name": samples.SAMPLE_NAME, "resource_type": "file",
        "format": "CSV", "description": "演示用样例数据，数值均为虚构。", "url": samples.FILE_NAME,
        "upload": upload})
    if plugins.plugin_loaded("datastore") and items:
        tk.get_action("datastore_create")(_context(), {
            "resource_id": resource["id"], "force": True,
            "fields": [{"id": c, "type": "text"} for c in samples.columns(items)],
            "records": samples.records(items)})
    return True


def load(echo: Callable[[str], None] = print) -> Summary:
    """Departments, then users and their memberships, then catalog entries."""
    summary = load_entries(load_users(load_departments()))
    echo(summary.line())
    return summary
