"""Figures, not a test (run it by name: ``bash scripts/test.sh tests/correction/bench_list.py -s``):
the CPU time of reporting, of the entry page's list of open reports and of the provider's
evaluation, with N reports on one entry (CPU time of this process, time.process_time, so that the
other users of a shared machine disturb it less than wall time; PostgreSQL's own time is not in it)."""
from __future__ import annotations

import os
import statistics
import time

import pytest

from .conftest import PROVIDER

N = int(os.environ.get("CORRECTION_BENCH_N", "1000"))


def _cpu(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        times.append(time.process_time() - t)
    return statistics.median(times), out


@pytest.mark.usefixtures("world")
def test_figures(world, call_as, new_entry):
    pkg = new_entry()
    started = time.process_time()
    for i in range(N):
        call_as(world.consumer_member, "correction_create", package_id=pkg["id"], field="update_cycle",
                description=f"第{i}条：更新周期有误")
    per_create = (time.process_time() - started) / N
    page, result = _cpu(lambda: call_as(world.other_admin, "correction_list", package_id=pkg["id"], open=True,
                                        limit=20))
    assert result["count"] == N
    evaluation, _ = _cpu(lambda: call_as(world.authority, "evaluation_show", id=PROVIDER,
                                         **{"from": "2026-01-01", "to": "2026-12-31"}))
    print(f"\nN={N} reports on one entry; load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"correction_create: {per_create * 1000:.1f} ms CPU per report (mean of {N})")
    print(f"correction_list (entry page, 20 of {N} open, another department's reader): "
          f"{page * 1000:.1f} ms CPU (median of 5)")
    print(f"evaluation_show (the provider, one year): {evaluation * 1000:.1f} ms CPU (median of 5)")
