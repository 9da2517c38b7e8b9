"""Time the evaluation's SQL on any database, read-only, without loading CKAN:

    python -m ckanext.liuzhou.evaluation.explain postgresql://ckan:ckan@127.0.0.1:55432/ckan_bench
        [--what ranking|trend] [--by department|level|county] [--sort KEY] [--runs N]
        [--analyze FILE] [--inline] [--set work_mem='64MB']

It builds the statement the ranking (or a department's trend) runs for the default period and
every department (the Authority's view), with the calendar read from that database, and runs it
``--runs`` times in a read-only transaction with ``jit = off`` as the portal does; ``--analyze``
writes its ``EXPLAIN (ANALYZE, BUFFERS)`` plan to FILE. ``--inline`` lets PostgreSQL inline the
aggregate CTEs again (the form before they were ``MATERIALIZED``), to compare.
"""
from __future__ import annotations

import argparse
import time

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from ..calendar import store as cal
from . import definitions as d
from . import queries, sql


def statement(what: str, by: str, sort: str, inline: bool) -> str:
    text = sql.ranking_sql(by, sort, sort != "name") if what == "ranking" else sql.trend_sql()
    return text.replace(" AS MATERIALIZED (", " AS (") if inline else text


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="SQLAlchemy URL of the database")
    ap.add_argument("--what", choices=("ranking", "trend"), default="ranking")
    ap.add_argument("--by", choices=d.BY, default="department")
    ap.add_argument("--sort", choices=("name", *d.KEYS), default="name")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--analyze", metavar="FILE", help="write EXPLAIN (ANALYZE, BUFFERS) here")
    ap.add_argument("--inline", action="store_true", help="aggregates not materialized (as before)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for the run")
    args = ap.parse_args(argv)

    engine = sa.create_engine(args.url, connect_args={"options": "-c default_transaction_read_only=on"})
    session = sessionmaker(bind=engine)()
    calendar = cal.load(session)
    session.close()
    cal.load = lambda session=None: calendar  # queries.params reads the calendar through it
    values = queries.params(queries.default_period(), None)
    text = statement(args.what, args.by, args.sort, args.inline)
    with engine.connect() as conn:
        conn.execute(sa.text("SET jit = off"))
        for setting in args.set:
            name, _, value = setting.partition("=")
            conn.execute(sa.text("SELECT set_config(:n, :v, false)"), {"n": name, "v": value.strip("'")})
        for i in range(args.runs):
            t = time.perf_counter()
            rows = conn.execute(sa.text(text), values).fetchall()
            print(f"run {i + 1}: {time.perf_counter() - t:.2f} s, {len(rows)} rows", flush=True)
        if args.analyze:
            plan = conn.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS, SETTINGS) " + text), values).fetchall()
            with open(args.analyze, "w", encoding="utf-8") as f:
                f.write("\n".join(r[0] for r in plan) + "\n")
            print(plan[-1][0])


if __name__ == "__main__":
    main()
