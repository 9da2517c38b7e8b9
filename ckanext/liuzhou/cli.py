"""`ckan liuzhou …` commands."""
from __future__ import annotations

import sys

import click

from . import config as lz_config

__all__ = ["liuzhou"]  # what the plugin's cli blanket registers


@click.group(short_help="柳州市数据共享交换平台: operations of ckanext-liuzhou")
def liuzhou():
    """Operations of the Liuzhou data sharing platform."""


@liuzhou.command()
def doctor():
    """Check PostgreSQL, Solr and Redis; one line each, with how to fix what is wrong."""
    import ckan.plugins.toolkit as tk

    from . import doctor as doc

    findings = doc.run(tk.config, lz_config.doctor_timeout())
    for f in findings:
        click.secho(f.line(), fg="green" if f.ok else "red")
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
    """Exit 1 when the search index does not hold every active dataset (then rebuild it)."""
    import ckan.model as model
    from ckan.lib.search.common import make_connection
    import ckan.plugins.toolkit as tk

    in_db = model.Session.query(model.Package).filter(model.Package.state == "active").count()
    res = make_connection().search(q="*:*", fq=f"+site_id:{tk.config['ckan.site_id']} +state:active", rows=0)
    click.echo(f"database: {in_db} active datasets, index: {res.hits}")
    sys.exit(0 if res.hits == in_db else 1)

