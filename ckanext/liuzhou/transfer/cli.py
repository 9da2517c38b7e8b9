"""``ckan liuzhou catalog import|export``: the catalog in the national template, from the
command line (as the site user, or ``--user``), with a progress bar."""
from __future__ import annotations

import base64
import sys
from pathlib import Path

import click


@click.group(short_help="The catalog in the national template: import and export")
def catalog():
    """Import and export a department's catalog in the national template."""


def _user(name):
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    if name:
        user = model.User.get(name)
        if user is None:
            raise click.BadParameter(f"no such user: {name}", param_hint="--user")
        return user
    return model.User.get(tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"])


def _request_context():
    from contextlib import nullcontext

    from flask import has_request_context

    flask_app = click.get_current_context().meta.get("flask_app")
    if flask_app is None or has_request_context():
        return nullcontext()
    return flask_app.test_request_context()


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--department", required=True, help="the department (name or id) the entries belong to")
@click.option("--dry-run", is_flag=True, help="check every row and report; save nothing")
@click.option("--user", "user_name", default=None, help="import as this user (default: the site user)")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="write the full report here as JSON")
def import_(file, department, dry_run, user_name, report_path):
    """Import (or with --dry-run, check) FILE, an xlsx or CSV in the national template."""
    import json
    import time

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from . import imports, reader
    from .auth import department as find_department

    dept = find_department(department)
    if dept is None:
        raise click.BadParameter(f"no such department: {department}", param_hint="--department")
    user = _user(user_name)
    content = Path(file).read_bytes()
    with _request_context():   # messages in the portal's language
        try:
            tk.check_access("catalog_import", {"user": user.name}, {"department": dept.name})
            workbook = reader.read(content, Path(file).name)
            total = len(workbook.main.rows)
        except reader.ReadError as e:
            click.secho(str(e), fg="red", err=True)
            sys.exit(2)
        except tk.NotAuthorized as e:
            click.secho(f"not authorized: {e}", fg="red", err=True)
            sys.exit(2)
        imp = imports.record(user.id, dept.id, Path(file).name, content, dry_run, total)
        model.Session.commit()
        started_cpu, started = time.process_time(), time.monotonic()
        with click.progressbar(length=total, label=("检查" if dry_run else "导入") + f" {total} 行",
                               file=sys.stderr) as bar:
            seen = [0]

            def echo(done, _total):
                bar.update(done - seen[0])
                seen[0] = done
            result = imports.run(imp, echo=echo, workbook=workbook)
        wall, cpu = time.monotonic() - started, time.process_time() - started_cpu
    c = result["counts"]
    click.echo(f"{'dry run' if dry_run else 'import'} {imp.id}: {result['total']} rows: "
               f"{c['create']} new, {c['update']} updated, {c['unchanged']} unchanged, {c['refused']} refused "
               f"({wall:.1f} s, CPU {cpu:.1f} s of this process; {result['total'] / wall if wall else 0:.1f} rows/s)")
    for row in result["rows"]:
        if row["action"] == "refused":
            problems = "; ".join(f"{h}: {m}" for h, ms in row["errors"].items() for m in ms)
            click.echo(f"  row {row['row']} {row['title']}: {problems}")
    if report_path:
        Path(report_path).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.exit(0)


@catalog.command("export")
@click.option("--department", default=None, help="the department (name or id); with --scope county, the county's root")
@click.option("--scope", type=click.Choice(["department", "county", "city"]), default="department")
@click.option("--shared-only", is_flag=True, help="only the shared list (sharing type is not 不予共享)")
@click.option("--user", "user_name", default=None, help="export as this user (default: the site user)")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx or FILE.csv")
def export(department, scope, shared_only, user_name, output):
    """Write the catalog to the national template (xlsx or csv, by the output's extension)."""
    import ckan.plugins.toolkit as tk

    fmt = "csv" if output.lower().endswith(".csv") else "xlsx"
    user = _user(user_name)
    with _request_context():
        try:
            out = tk.get_action("catalog_export")({"user": user.name}, {
                "department": department, "scope": scope, "shared_only": shared_only, "format": fmt})
        except (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound) as e:
            click.secho(str(getattr(e, "error_dict", None) or e), fg="red", err=True)
            sys.exit(2)
    Path(output).write_bytes(base64.b64decode(out["content_base64"]))
    click.echo(f"{out['count']} entries written to {output}")
    sys.exit(0)


commands = [catalog]
