"""CPU time of writing a batch's rows: SQLAlchemy's executemany against ``bulk._insert`` (the
driver's cursor), the ninth pass of docs/bulk.md (a measurement, not a test).

    source scripts/env.sh
    $VENV/bin/python -m bench.rows_rate [--extras 13000] [--resources 1500] [--rounds 4] [--ini .stack/ckan.ini]

Copies stored ``package_extra`` and ``resource`` rows (the portal must hold entries: after
``make serve`` and an import) with new ids, and inserts them alternately each way in one process,
rolling each insert back: nothing is kept. Prints the CPU seconds of this process for each round
and the medians (PostgreSQL's own work is not in them).
"""
from __future__ import annotations

import argparse
import statistics
import time
import uuid


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extras", type=int, default=13000)
    ap.add_argument("--resources", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--ini", default=".stack/ckan.ini")
    args = ap.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.environment import load_environment
    load_environment(load_config(args.ini))
    import ckan.model as model
    from ckanext.liuzhou.catalog import bulk

    session = model.Session
    tables = [(model.package_extra_table, [dict(r._mapping) for r in session.execute(
                  model.package_extra_table.select().limit(args.extras))]),
              (model.resource_table, [dict(r._mapping) for r in session.execute(
                  model.resource_table.select().limit(args.resources))])]
    if not tables[0][1]:
        raise SystemExit(f"no stored entries in {args.ini}")
    timings: dict[str, list[float]] = {"SQLAlchemy": [], "driver": []}
    for _ in range(args.rounds):
        for how in timings:
            batches = [(table, [dict(row, id=str(uuid.uuid4())) for row in rows]) for table, rows in tables]
            started = time.process_time()
            if how == "SQLAlchemy":
                for table, rows in batches:
                    session.execute(table.insert(), rows)
            else:
                cursor = session.connection().connection.cursor()
                for table, rows in batches:
                    bulk._insert(cursor, session.bind.dialect, table, rows)
                cursor.close()
            timings[how].append(time.process_time() - started)
            session.rollback()
    print(f"{len(tables[0][1])} extras and {len(tables[1][1])} resources inserted, {args.rounds} rounds each way")
    for how, ts in timings.items():
        print(f"  {how + ':':12}" + ", ".join(f"{t:.3f}" for t in ts) + f" s of CPU (median {statistics.median(ts):.3f})")
    print(f"  median ratio: {statistics.median(timings['driver']) / statistics.median(timings['SQLAlchemy']):.2f} (driver / SQLAlchemy)")


if __name__ == "__main__":
    main()
