"""`ckan liuzhou …` commands."""
from __future__ import annotations

import sys

import click

from . import config as lz_config

__all__ = ["liuzhou"]  # what the plugin's cli blanket registers


@click.group(short_help="柳州市数据共享交换平台: operations of ckanext-liuzhou")
def liuzhou():
    """Operations of the Liuzhou data sharing platform."""


def _add_capability_commands():
    """Commands that live with their capability (sharing deadlines, the audit chain)."""
    from .audit.cli import audit
    from .sharing.cli import deadlines, overdue

    from .cascade.cli import commands as cascade_commands
    from .evaluation.cli import evaluation

    for command in (audit, deadlines, overdue, evaluation, *cascade_commands):
        liuzhou.add_command(command)
    from .ops.cli import commands as ops_commands  # backup, restore, reindex, mail-retry
    for command in ops_commands:
        liuzhou.add_command(command)
    from .transfer.cli import commands as transfer_commands  # catalog import, export
    for command in transfer_commands:
        liuzhou.add_command(command)


@liuzhou.command()
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD",
              help="Judge the calendar as on this day (default: today in Beijing)")
def doctor(on):
    """Check PostgreSQL, Solr and Redis; one line each, with how to fix what is wrong. Then warn
    (without failing) when a year within ckanext.liuzhou.calendar.warn_days is not known."""
    import datetime as dt

    import ckan.plugins.toolkit as tk

    from . import doctor as doc

    findings = doc.run(tk.config, lz_config.doctor_timeout())
    for f in findings:
        click.secho(f.line(), fg="green" if f.ok else "red")
    if findings[0].ok:
        from .calendar import ahead

        try:
            today = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise click.BadParameter("a date as YYYY-MM-DD", param_hint="--on")
        fine, message = ahead.doctor_line(today)
        click.secho(f"{'OK  ' if fine else 'WARN'} {'calendar':<10} {message}", fg="green" if fine else "yellow")
    if all(f.ok for f in findings):  # the scheduled tasks' last runs: warnings only
        for f in doc.check_schedule():
            click.secho(f.line() if f.ok else f"WARN {f.service:<10} {f.message}", fg="green" if f.ok else "yellow")
    sys.exit(0 if all(f.ok for f in findings) else 1)


@liuzhou.command()
def demo():
    """Load the demo departments, users and catalog entries (idempotent)."""
    from .demo import loader

    loader.load(echo=click.echo)
    click.echo("Demo accounts (password: {}):".format(lz_config.demo_password()))
    for u in loader.USERS:
        click.echo(f"  {u.name:<17} {u.what}")


@liuzhou.command("index-check")
def index_check():
    """Exit 1 when the search index does not hold every active dataset, or holds resource
    locations (indexed before the access layer kept them out): then rebuild it."""
    import ckan.model as model
    from ckan.lib.search.common import make_connection
    import ckan.plugins.toolkit as tk

    in_db = model.Session.query(model.Package).filter(model.Package.state == "active").count()
    res = make_connection().search(q="*:*", fq=f"+site_id:{tk.config['ckan.site_id']} +state:active", rows=0)
    located = make_connection().search(q="res_url:[* TO *]", rows=0).hits
    click.echo(f"database: {in_db} active datasets, index: {res.hits}; "
               f"entries with resource locations in the index: {located}")
    sys.exit(0 if res.hits == in_db and not located else 1)


_add_capability_commands()
