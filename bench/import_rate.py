"""Import rate of ``catalog/bulk.py`` ``save_many``, for N generated entries (a measurement, not a test).

    source .wt-env && source scripts/env.sh
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:$PG_PORT/ckan_test \\
    CKAN_SOLR_URL=http://127.0.0.1:$SOLR_PORT/solr/ckan_test CKAN_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/1 \\
    $VENV/bin/python -m bench.import_rate -n 1000 [--batch 500] [--reference] [--repeat 3]

Makes N entries of the generated catalog (``bench/corpus.py``: four to ten information items,
one to three resources, keywords, the Art 15 lead departments, Art 22 conditions) under a name
prefix of its own, and saves them with ``save_many`` ``--batch`` at a time as the site user.
``--reference`` saves them instead one ``package_create`` at a time (the path ``save_many``
replaced), for the "before" figure. ``--profile FILE`` writes a cProfile (CPU time) of the runs. Prints entries/s on the wall clock and the CPU time of this
process and of the helper processes it forks (``os.times``, children included) and the SQL statements it sent (PostgreSQL and Solr work in their own processes and are not in
it; the wall figure includes them and whatever else the machine is doing) and, with ``STACK_DIR``
set (``source .wt-env``), the CPU time of the stack's PostgreSQL and Solr processes during the run
(read from ``/proc``; whatever else uses them meanwhile is counted too) and the load average.

Uses the database of the configuration given (``--ini``, default test.ini, with the usual
``CKAN_*`` environment overrides): run it on your own test database, never the portal's.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import time
from pathlib import Path


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and its descendants, living and reaped (Linux ``/proc``)."""
    ticks, children = {}, {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    data = f.read()
            except OSError:
                continue
            rest = data[data.rindex(")") + 2:].split()  # state, ppid, … utime (11) … cstime (14)
            ticks[int(d)] = sum(int(x) for x in rest[11:15])
            children.setdefault(int(rest[1]), []).append(int(d))
    total, todo = 0, [root] if root in ticks else []
    while todo:
        pid = todo.pop()
        total += ticks[pid]
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def stack_pids() -> dict[str, int]:
    """This stack's PostgreSQL and Solr, by their pid files under ``STACK_DIR``."""
    out = {}
    for what, rel in (("PostgreSQL", "pg/data/postmaster.pid"), ("Solr", "solr/solr.pid")):
        try:
            out[what] = int((Path(os.environ["STACK_DIR"]) / rel).read_text().split()[0])
        except (KeyError, OSError, ValueError, IndexError):
            pass
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1000, help="entries per run")
    ap.add_argument("--batch", type=int, default=500, help="entries per save_many call")
    ap.add_argument("--repeat", type=int, default=1, help="runs (each with new entries)")
    ap.add_argument("--reference", action="store_true", help="one package_create per entry instead")
    ap.add_argument("--ini", default="test.ini")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile (CPU time) of the runs to FILE")
    args = ap.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.environment import load_environment
    load_environment(load_config(args.ini))

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.liuzhou.catalog import bulk
    from ckanext.liuzhou.demo import loader
    from bench import corpus

    import sqlalchemy as sa
    services = stack_pids()  # this stack's PostgreSQL and Solr (STACK_DIR), their CPU from /proc
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    statements = [0]

    @sa.event.listens_for(model.meta.engine, "before_cursor_execute")
    def count(*args, **kwargs):
        statements[0] += 1

    if not model.Group.get("lzsgaj"):
        loader.load_departments()
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    catalog = corpus.Catalog()
    stamp = time.strftime("%H%M%S")
    for run in range(args.repeat):
        prefix = f"ir{stamp}r{run}"
        entries = [corpus.api_entry(e) for e in catalog.entries(0, args.n, prefix)]
        refused, reasons = 0, {}
        statements[0] = 0
        load = os.getloadavg()[0]
        before = {k: tree_cpu(pid) for k, pid in services.items()}
        wall, cpu, own = time.perf_counter(), sum(os.times()[:4]), time.process_time()
        if profiler is not None:
            profiler.enable()
        if args.reference:
            for e in entries:
                try:
                    tk.get_action("package_create")({"user": site}, e)
                except tk.ValidationError:
                    refused += 1
        else:
            for start in range(0, len(entries), args.batch):
                out = bulk.save_many({"user": site}, entries[start:start + args.batch])
                for o in out:
                    if o.action == bulk.REFUSED:
                        refused += 1
                        reasons[str(o.errors)[:200]] = reasons.get(str(o.errors)[:200], 0) + 1
        if profiler is not None:
            profiler.disable()
        wall, cpu, own = time.perf_counter() - wall, sum(os.times()[:4]) - cpu, time.process_time() - own
        used = {k: tree_cpu(pid) - before[k] for k, pid in services.items() if pid}
        model.Session.remove()
        how = "package_create each" if args.reference else f"save_many, {args.batch} a call"
        print(f"run {run + 1}: {args.n} entries ({how}): {args.n / wall:.1f} entries/s, "
              f"wall {wall:.1f} s, CPU of this process and its helpers {cpu:.1f} s ({args.n / cpu:.1f} entries per CPU-second; "
              f"this process alone {own:.1f} s, the helpers {cpu - own:.1f} s), "
              f"refused {refused}, SQL statements {statements[0]} ({statements[0] / args.n:.1f} per entry)")
        for what, seconds in used.items():
            print(f"  CPU of {what} (all its processes, whoever used them): {seconds:.1f} s "
                  f"({args.n / seconds if seconds else 0:.0f} entries per CPU-second)")
        print(f"  load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
        for reason, count in sorted(reasons.items(), key=lambda r: -r[1])[:5]:
            print(f"  refused {count}: {reason}")


    if profiler is not None:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
