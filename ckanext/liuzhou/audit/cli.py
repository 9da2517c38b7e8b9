"""``ckan liuzhou audit verify``: recompute the audit chain and report the first broken row."""
from __future__ import annotations

import sys

import click


@click.group(short_help="Audit log (Art 25, 31): verify the hash chain")
def audit():
    """The append-only, hash-chained audit log."""


@audit.command()
def verify():
    """Recompute every hash; exit 1 and name the first broken row if the log was tampered with."""
    import ckan.model as model

    from . import chain
    from .actions import record_verification

    result = chain.verify()
    record_verification(result, via="cli")  # the time and outcome the Authority's page shows
    model.Session.commit()
    click.secho(result.line(), fg="green" if result.ok else "red")
    sys.exit(0 if result.ok else 1)
