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
    department responsible, oldest deadline first; then the needs of the demand list past the
    provider's answer deadline and the error reports past the provider's (national regulation
    Art 26), read through their own actions, as the overdue items page lists them."""
    from . import overdue as od

    items = od.overdue_items()
    for item in items:
        click.echo(item.line())
    others = _other_overdue()
    for line in others:
        click.echo(line)
    click.echo(f"{len(items) + len(others)} overdue")
    sys.exit(1 if fail and (items or others) else 0)


# the other workflows with a working-day clock: action, what the provider owes, title field
OTHER_CLOCKS = (("demand_list", "answer", "title"), ("correction_list", "correction", "package_title"))


def _other_overdue() -> list[str]:
    """One line per overdue need or error report (every page of them), through the actions
    as the site user; a workflow whose plugin is not loaded is left out."""
    import ckan.plugins.toolkit as tk

    lines: list[str] = []
    for action, what, title in OTHER_CLOCKS:
        try:
            list_action = tk.get_action(action)
        except KeyError:
            continue
        offset = 0
        while True:
            page = list_action(_site_context(), {"overdue": True, "limit": 1000, "offset": offset})
            for row in page["results"]:
                lines.append(f"{row['id']}  {what:<11} due {row.get('deadline_local') or row.get('deadline')}  "
                             f"responsible: {row.get('provider_org') or '-'}  "
                             f"{action.split('_')[0]}: {row.get(title) or '-'}")
            offset += len(page["results"])
            if not page["results"] or offset >= page["count"]:
                break
    return lines


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
