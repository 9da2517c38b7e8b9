"""``ckan liuzhou evaluation report``: the weekly figures of Art 34 for the Authority's meeting."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click


@click.group(short_help="Evaluation of departments (Art 34): the weekly report")
def evaluation():
    """Indicators of every department, level and county subtree."""


def _request_context():
    """A request context of CKAN's app, as CKAN's own commands do (translations need one)."""
    from contextlib import nullcontext

    from flask import has_request_context

    flask_app = click.get_current_context().meta.get("flask_app")
    if flask_app is None or has_request_context():
        return nullcontext()
    return flask_app.test_request_context()


@evaluation.command()
@click.option("--week", "week", is_flag=True, help="last week, Monday to Sunday (the default)")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="first day (YYYY-MM-DD)")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="last day (YYYY-MM-DD)")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
              help="write the figures here: .xlsx (one sheet per table) or .csv (departments); "
                   "the summary goes beside it as .txt")
def report(week, start, end, out):
    """Every indicator per department, level and county subtree, and a readable summary."""
    import ckan.plugins.toolkit as tk

    from . import export, report as rep

    if week and (start or end):
        raise click.UsageError("--week or --from/--to, not both")
    if out and Path(out).suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError("--out must end in .xlsx or .csv")
    if start is None and end is None:
        from .queries import last_week
        period = last_week()
        start, end = period.start, period.end
    else:
        start = (start or end).date()
        end = end.date() if end else dt.date.today()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    with _request_context():  # labels in the portal's language (ckan.locale_default)
        try:
            figures = rep.build(site_user, start, end)
        except tk.ValidationError as e:
            raise click.UsageError(str(e.error_dict))
        summary = rep.summary(figures)
        tables = rep.tables(figures)
    click.echo(summary)
    if out:
        path = Path(out)
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(export.to_xlsx(*tables))
        else:
            path.write_bytes(export.to_csv(tables[0]))
        path.with_suffix(".txt").write_text(summary + "\n", encoding="utf-8")
        click.echo(f"written: {path} and {path.with_suffix('.txt')}")
    sys.exit(0)


@evaluation.command()
def refresh():
    """Compute the aggregates of the indicators again now (the scheduler's ``evaluation`` task)."""
    from . import queries
    r = queries.refresh()
    click.echo(f"evaluation aggregates: {r['row_count']} rows as of {r['as_of']:%Y-%m-%d %H:%M:%S} UTC "
               f"in {r['took_ms']} ms")
