"""``ckan liuzhou backup | restore | reindex | mail-retry`` (Art 29; docs/resilience.md)."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click


@click.command(short_help="Back up the databases, uploaded files and configuration")
@click.option("--out", "out", type=click.Path(file_okay=False),
              help="directory to write (created; default ./liuzhou-backup-<UTC time>)")
def backup(out):
    """pg_dump of the CKAN and DataStore databases, the files under ckan.storage_path, the
    configuration, and manifest.json (row counts, workflow states, the audit chain's head,
    checksums), all from one database snapshot."""
    import ckan.plugins.toolkit as tk

    from . import backup as bk

    out = Path(out or f"liuzhou-backup-{dt.datetime.utcnow():%Y%m%dT%H%M%SZ}")
    try:
        manifest = bk.backup(tk.config, out, echo=click.echo)
    except RuntimeError as e:
        click.secho(f"backup failed: {e}", fg="red", err=True)
        sys.exit(1)
    head = manifest["ckan"].get("audit_head") or {}
    tables = manifest["ckan"]["tables"]
    click.secho(f"backup written to {out.resolve()}: {tables.get('package', 0)} datasets, "
                f"{tables.get('liuzhou_share_request', 0)} share requests, "
                f"{tables.get('liuzhou_audit_log', 0)} audit rows (head #{head.get('id')} "
                f"{(head.get('hash') or '')[:12]}), {manifest['storage']['files']} files", fg="green")


@click.command(short_help="Restore a backup into a fresh stack and rebuild the search index")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
def restore(src):
    """Restore SRC (written by `ckan liuzhou backup`) into the configured databases (which must
    be empty: create them, do not `db init`) and storage directory, rebuild the search index,
    then check every count, state and the audit chain against the backup's manifest."""
    import ckan.plugins.toolkit as tk

    from .. import audit
    from . import backup as bk
    from . import reindex

    def rebuild():
        reindex.run(full=True, echo=click.echo)
    try:
        result = bk.restore(tk.config, Path(src), echo=click.echo, rebuild_index=rebuild)
    except RuntimeError as e:
        click.secho(f"restore failed: {e}", fg="red", err=True)
        sys.exit(1)
    verified = audit.verify()
    click.secho(verified.line(), fg="green" if verified.ok else "red")
    for note in result.notes:
        click.echo(note)
    for problem in result.problems:
        click.secho(problem, fg="red")
    if result.ok and verified.ok:
        click.secho("restore complete: counts, workflow states and the audit chain match the backup", fg="green")
    sys.exit(0 if result.ok and verified.ok else 1)


@click.command(short_help="Index what changed while Solr was down")
@click.option("--full", is_flag=True, help="rebuild the whole index instead")
def reindex(full):
    """Compare the database with the search index (id, metadata_modified): index missing and
    outdated datasets again, remove documents of datasets that are gone."""
    from . import reindex as rx

    rx.run(full=full, echo=click.echo)


@click.command("mail-retry", short_help="Queue again the e-mail notices not yet sent")
@click.option("--min-age", default=10, show_default=True,
              help="minutes: leave younger events to the job their transition queued")
@click.option("--max-age", default=72, show_default=True, help="hours: older events are not mailed any more")
def mail_retry(min_age, max_age):
    """Find recent timeline events with recipients not yet mailed (Redis was down or lost its
    queue, the worker died mid-job, the mail server refused) and queue them again; mails
    already sent are not sent twice (notify/ledger.py). The scheduler runs this by itself
    (task ``mail_retry``, docs/scheduler.md)."""
    from .. import config as lz_config
    from .. import notify

    if not lz_config.notification_email():
        click.echo("e-mail notices are off (ckanext.liuzhou.notifications.email): nothing to do")
        return
    found = notify.requeue(dt.timedelta(minutes=min_age), dt.timedelta(hours=max_age))
    n = sum(len(v) for v in found.values())
    click.echo(f"queued again: {n} event(s) not yet mailed" + (f" {found}" if n else ""))


commands = (backup, restore, reindex, mail_retry)
