"""`ckan liuzhou cascade …` and `ckan liuzhou negative-list …`."""
from __future__ import annotations

import json
import sys

import click


def _site_context() -> dict:
    import ckan.plugins.toolkit as tk
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


@click.group(short_help="Cascade with the autonomous-region platform: health, dry run")
def cascade():
    """Cascade with the autonomous-region platform (Art 9, 23)."""


@cascade.command()
@click.option("--json", "as_json", is_flag=True, help="the report as JSON")
def health(as_json):
    """Last run of each direction, counts, errors; exit 1 when the last job of a source failed."""
    import ckan.plugins.toolkit as tk
    report = tk.get_action("cascade_health")(_site_context(), {})
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for d in report["down"]:
            job = d["last_job"] or {}
            click.echo(f"region → city  {d['url']}: {d['entries']} entries "
                       f"({d['entries_with_markers']} with missing fields); last job "
                       f"{job.get('status', 'never')} {job.get('finished') or job.get('started') or ''} "
                       f"objects {job.get('objects', 0)} errors {len(job.get('errors', []))}")
            for e in job.get("errors", [])[:10]:
                click.echo(f"    {e}")
        if not report["down"]:
            click.echo("region → city  no harvest source of type liuzhou_region")
        up = report["up"]
        click.echo(f"city → region  account {up['account'] or '(not configured)'}, last active "
                   f"{up['last_active'] or 'never'}, {up['entries_visible']} public entries")
        nl = report["negative_list"]
        click.echo(f"negative list  {'version of ' + nl['fetched_at'] + ', ' + str(nl['items']) + ' items, ' + str(report['negative_list_flags']) + ' entries flagged' if nl else 'never synced'}")
    failed = [d for d in report["down"] if (d["last_job"] or {}).get("errors")]
    sys.exit(1 if failed else 0)


@cascade.command("run")
@click.argument("source")
def run_now(source):
    """Run a job of SOURCE now, in this process, without the Redis queues (unlike `ckan harvester
    run-test`, which also queues its job for the consumers); exit 1 when it has errors."""
    import ckan.plugins.toolkit as tk

    from .harvester import run_now as run
    job = run(source)
    report = tk.get_action("harvest_job_report")({"ignore_auth": True}, {"id": job["id"]})
    errors = [e["message"] for e in report["gather_errors"]] + [
        e["message"] for o in report["object_errors"].values() for e in o["errors"]]
    click.echo(f"job {job['id']} {job['status']}: {job['stats']}")
    for e in errors[:20]:
        click.echo(f"    {e.strip()[:300]}")
    sys.exit(1 if errors else 0)


@cascade.command("dry-run")
@click.argument("source")
def dry_run(source):
    """What a run of SOURCE would add, change and remove (reads the regional catalog, writes nothing)."""
    from .plan import plan
    p = plan(source)
    for kind in ("add", "change", "remove"):
        for name in p[kind]:
            click.echo(f"{kind:<7}{name}")
    click.echo(f"{len(p['add'])} to add, {len(p['change'])} to change, {len(p['remove'])} to remove, "
               f"{p['unchanged']} unchanged")


@click.group("negative-list", short_help="The regional negative list: sync, flags, history")
def negative_list():
    """The regional negative list (负面清单, Art 23)."""


@negative_list.command()
@click.option("--url", help="where to fetch it (default: ckanext.liuzhou.cascade.negative_list_url)")
def sync(url):
    """Fetch the negative list, keep it when it changed, count the flagged entries."""
    import ckan.plugins.toolkit as tk
    try:
        r = tk.get_action("negative_list_sync")(_site_context(), {"url": url} if url else {})
    except tk.ValidationError as e:
        click.secho(f"negative list not synced: {e.error_dict}", fg="red")
        sys.exit(1)
    v = r["version"]
    click.echo(f"{'new version' if r['changed'] else 'unchanged'}: {v['items']} items "
               f"(+{len(v['added'])} -{len(v['removed'])}), {r['flags']} entries flagged")


@negative_list.command()
def flags():
    """The entries flagged for the Authority, one a line."""
    import ckan.plugins.toolkit as tk
    for f in tk.get_action("negative_list_flags")(_site_context(), {}):
        click.echo(f"{f['name']}\t{f['sharing_type']}\t{','.join(f['reasons'])}\t{f['title']}")


@click.group(short_help="Scheduled tasks: harvest, negative list, pruning, deadlines, reminders, mail retries")
def schedule():
    """Tasks that run on a schedule (see ckanext/liuzhou/cascade/schedule.py). `schedule loop`
    runs them (make serve and docker-compose start it); or a cron line:

    */5 * * * *  ckan -c /etc/ckan/ckan.ini liuzhou schedule run
    """


@schedule.command("run")
@click.option("--task", "tasks", multiple=True,
              help="only this task (harvest, negative_list, prune, deadlines, reminders, mail_retry)")
@click.option("--force", is_flag=True, help="run the tasks even when they are not due")
def schedule_run(tasks, force):
    """Run every task that is due, one line each; exit 1 when one failed."""
    from . import schedule as sched
    unknown = set(tasks) - set(sched.NAMES)
    if unknown:
        raise click.BadParameter(f"no such task: {', '.join(sorted(unknown))} (tasks: {', '.join(sched.NAMES)})")
    results = sched.run(only=tuple(tasks), force=force)
    for r in results:
        click.echo(f"{r['task']:<14}{'ok' if r['ok'] else 'FAILED'}  {r['message']}")
    if not results:
        click.echo("nothing due")
    sys.exit(0 if all(r["ok"] for r in results) else 1)


@schedule.command("loop")
@click.option("--every", default=60, show_default=True, help="seconds between two calls of `schedule run`")
def schedule_loop(every):
    """Call `schedule run` forever (the scheduler process). Start it on as many nodes as you
    like: each task still runs once per interval (a row lock in system_info decides)."""
    import time

    import ckan.model as model

    from . import schedule as sched
    while True:
        try:
            for r in sched.run():
                click.echo(f"{r['task']:<14}{'ok' if r['ok'] else 'FAILED'}  {r['message']}")
        except Exception as e:  # noqa: BLE001 — a database restart must not end the scheduler
            model.Session.rollback()
            model.Session.remove()
            click.echo(f"schedule run failed: {type(e).__name__}: {e}", err=True)
        time.sleep(max(1, every))


@schedule.command("status")
def schedule_status():
    """Each task, its interval, when it last ran, how that went, and whether it is due or late."""
    from . import schedule as sched
    for s in sched.status():
        mark = "LATE" if s["late"] else ("due" if s["due"] else "")
        result = "" if s["ok"] is None else ("ok" if s["ok"] else "FAILED")
        click.echo(f"{s['task']:<14}every {s['every']:<10} last run {s['last_run'] or 'never':<28}"
                   f"{mark:<5}{result:<7}{s['summary'] or ''}")


commands = (cascade, negative_list, schedule)
