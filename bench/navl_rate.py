"""CPU time of the form's validation per entry: CKAN's navl against ``catalog/navl.py`` (a
measurement, not a test).

    source scripts/env.sh
    $VENV/bin/python -m bench.navl_rate /tmp/rw/lzstjj.xlsx --department lzstjj [--rounds 3] [--ini .stack/ckan.ini]
    $VENV/bin/python -m bench.navl_rate --show 1500 [--rounds 3]

Reads a workbook in the national template (``bench/real_workbook.py`` writes the real
catalog's), plans its rows as an import does, and validates each row's entry with the catalog
schema for a create (``bulk.validate``, users and departments looked up once as in a bulk call, as a dry run: no resource code is taken, nothing is
written), in one process, alternately with CKAN's navl functions and with ``navl.once()``
(``--rounds`` of each). Prints the CPU milliseconds per entry of each round, the median ratio,
and whether the two gave the same data and errors for every entry. The department must be in
the database of ``--ini`` (the portal's, after ``make serve``).

With ``--show N`` it measures instead the validation ``index_package`` gives each document: the
unvalidated ``package_show`` of N stored catalog entries (read as a bulk call reads them,
``bulk._shown``), validated by the show schema (``bulk._show_validate``), alternately with
CKAN's navl, with ``navl.once()`` without the ninth pass's two shortcuts (docs/bulk.md) and with
``navl.once()`` as it is; no workbook is needed, the portal must hold entries.
"""
from __future__ import annotations

import argparse
import statistics
import time
from contextlib import nullcontext
from pathlib import Path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workbook", type=Path, nargs="?")
    ap.add_argument("--department")
    ap.add_argument("--show", type=int, default=0, help="measure the show validation of this many stored entries")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ini", default=".stack/ckan.ini")
    args = ap.parse_args(argv)
    if not args.show and (args.workbook is None or not args.department):
        ap.error("a workbook and --department, or --show N")

    from ckan.cli import load_config
    from ckan.config.environment import load_environment
    load_environment(load_config(args.ini))
    from ckan.config.middleware import make_app

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.liuzhou.catalog import bulk, navl
    from ckanext.liuzhou.transfer import reader, rows

    app = make_app(load_config(args.ini))
    if args.show:
        with app._wsgi_app.test_request_context():
            _show_rounds(args, model, bulk, navl)
        return
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


def _show_rounds(args, model, bulk, navl) -> None:
    """The show validation of stored entries' documents: CKAN's navl, ``navl.once()`` without
    its two shortcuts of the ninth pass, and ``navl.once()``."""
    import copy

    ids = [row[0] for row in model.Session.query(model.Package.id).filter(
        model.Package.type == "catalog", model.Package.state == "active").order_by(model.Package.id).limit(args.show)]
    if not ids:
        raise SystemExit(f"no catalog entries in {args.ini}")
    bulk._install_memo()
    bulk._local.memo = {}
    with bulk._memo():
        shown = bulk._shown(ids)
        for d in copy.deepcopy(shown[:50]):  # not timed: what the first validation sets up
            bulk._show_validate(d)
    # CKAN's navl; navl.once() without its two shortcuts of the ninth pass (docs/bulk.md: the
    # errors' unflattening and the duplicate extras check); navl.once() as it is
    equivalent, unflatten_errors = dict(navl._EQUIVALENT), navl._unflatten_errors
    variants = ("CKAN's navl", "once(), no shortcuts", "navl.once()")
    timings: dict[str, list[float]] = {v: [] for v in variants}
    results: dict[str, list] = {}
    try:
        for _ in range(args.rounds):
            for variant in variants:
                navl._EQUIVALENT.clear()
                navl._unflatten_errors = navl._unflatten
                if variant == "navl.once()":
                    navl._EQUIVALENT.update(equivalent)
                    navl._unflatten_errors = unflatten_errors
                dicts = copy.deepcopy(shown)  # the validation changes the dict it is given
                with bulk._memo(), (navl.once() if variant != "CKAN's navl" else nullcontext()):
                    started = time.process_time()
                    results[variant] = [bulk._show_validate(d) for d in dicts]
                    timings[variant].append(time.process_time() - started)
    finally:
        navl._EQUIVALENT.update(equivalent)
        navl._unflatten_errors = unflatten_errors
    per = {v: [1000 * t / len(ids) for t in ts] for v, ts in timings.items()}
    print(f"{len(ids)} stored entries' documents validated by the show schema, {args.rounds} rounds each")
    for variant in variants:
        print(f"  {variant + ':':22}" + ", ".join(f"{x:.2f}" for x in per[variant])
              + f" ms of CPU per entry (median {statistics.median(per[variant]):.2f})")
    base = statistics.median(per["CKAN's navl"])
    print("  median ratios to CKAN's: " + ", ".join(
        f"{v} {statistics.median(per[v]) / base:.2f}" for v in variants[1:]))
    print(f"  same data and errors for every entry: {all(results[v] == results[variants[0]] for v in variants)}")


if __name__ == "__main__":
    main()
