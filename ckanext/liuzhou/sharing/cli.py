"""``ckan liuzhou overdue`` and ``ckan liuzhou deadlines``: the sharing workflow's clock (Art 26, 34)."""
from __future__ import annotations

import sys

import click


def _site_context() -> dict:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


@click.command(short_help="List open share requests past their deadline")
@click.option("--fail", is_flag=True, help="exit 1 when something is overdue (for monitoring)")
def overdue(fail: bool):
    """Every open share request and quality issue past its working-day deadline, with the
    department responsible, oldest deadline first."""
    from . import overdue as od

    items = od.overdue_items()
    for item in items:
        click.echo(item.line())
    click.echo(f"{len(items)} overdue")
    sys.exit(1 if fail and items else 0)


@click.command(short_help="Expire ended requests, send expiry and overdue notices")
def deadlines():
    """Expire requests whose validity has ended (access already stopped), record the expiry
    notice some working days before the end, and record an overdue notice to the responsible
    department (once per deadline). The scheduler runs this by itself (task ``deadlines``,
    docs/scheduler.md); this command is for a manual run."""
    from . import overdue as od

    report = od.run_deadlines(_site_context())
    for line in report:
        click.echo(line)
