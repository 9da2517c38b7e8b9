"""CPU time of the form's validation per entry: CKAN's navl against ``catalog/navl.py`` (a
measurement, not a test).

    source scripts/env.sh
    $VENV/bin/python -m bench.navl_rate /tmp/rw/lzstjj.xlsx --department lzstjj [--rounds 3] [--ini .stack/ckan.ini]

Reads a workbook in the national template (``bench/real_workbook.py`` writes the real
catalog's), plans its rows as an import does, and validates each row's entry with the catalog
schema for a create (``bulk.validate``, users and departments looked up once as in a bulk call, as a dry run: no resource code is taken, nothing is
written), in one process, alternately with CKAN's navl functions and with ``navl.once()``
(``--rounds`` of each). Prints the CPU milliseconds per entry of each round, the median ratio,
and whether the two gave the same data and errors for every entry. The department must be in
the database of ``--ini`` (the portal's, after ``make serve``).
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workbook", type=Path)
    ap.add_argument("--department", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ini", default=".stack/ckan.ini")
    args = ap.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.environment import load_environment
    load_environment(load_config(args.ini))
    from ckan.config.middleware import make_app

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.liuzhou.catalog import bulk, navl
    from ckanext.liuzhou.transfer import reader, rows

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        dept = model.Group.get(args.department)
        if dept is None:
            raise SystemExit(f"no department {args.department} in {args.ini}")
        workbook = reader.read(args.workbook.read_bytes(), args.workbook.name)
        planned, _problems = rows.plan(workbook, dept)
        entries = [r.entry for r in planned if r.entry and not r.id]
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

        bulk._install_memo()  # users and departments looked up once, as in a bulk call

        def one_round(fast: bool) -> tuple[float, list]:
            bulk._local.memo = {}
            names: set = set()
            out = []
            started = time.process_time()
            for entry in entries:
                if fast:
                    with navl.once():
                        data, errors = bulk.validate({"user": site}, entry, names)
                else:
                    data, errors = bulk.validate({"user": site}, entry, names)
                if not errors:
                    names.add(data.get("name"))
                out.append((data, errors))
            used = time.process_time() - started
            bulk._local.memo = None
            model.Session.rollback()  # the validators' advisory locks
            return used, out

        timings: dict[bool, list[float]] = {False: [], True: []}
        results: dict[bool, list] = {}
        for _ in range(args.rounds):
            for fast in (False, True):
                used, results[fast] = one_round(fast)
                timings[fast].append(used)
        per = {fast: [1000 * t / len(entries) for t in ts] for fast, ts in timings.items()}
        print(f"{args.workbook.name}: {len(entries)} entries validated for a create, {args.rounds} rounds each")
        print("  CKAN's navl:     " + ", ".join(f"{x:.2f}" for x in per[False]) + " ms of CPU per entry")
        print("  navl.once():     " + ", ".join(f"{x:.2f}" for x in per[True]) + " ms of CPU per entry")
        print(f"  median ratio: {statistics.median(per[True]) / statistics.median(per[False]):.2f} "
              f"(navl.once / CKAN's)")
        print(f"  same data and errors for every entry: {results[True] == results[False]}")


if __name__ == "__main__":
    main()
