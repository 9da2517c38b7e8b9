"""The in-process load of the real catalog in several processes (``--load-procs``): each entry
loaded by exactly one process, the batches dealt in turn, and the processes' figures added up as
one side's."""
from __future__ import annotations

import pytest

from bench import real_bench


@pytest.mark.parametrize("n, procs, batch", [(10, 1, 3), (10, 2, 3), (10, 3, 2), (7, 7, 1), (3, 5, 1),
                                             (42231, 3, 100)])
def test_every_missing_entry_goes_to_exactly_one_process_in_order(n, procs, batch):
    missing = [i * 3 for i in range(n)]          # gaps, as --keep leaves them
    parts = real_bench.split(missing, procs, batch)
    assert len(parts) == min(procs, -(-n // batch))
    assert all(parts) and all(p == sorted(p) for p in parts)
    assert sorted(i for part in parts for i in part) == missing


def test_the_batches_are_dealt_in_turn_so_equal_paces_load_a_prefix():
    parts = real_bench.split(list(range(10)), 2, 3)
    assert parts == [[0, 1, 2, 6, 7, 8], [3, 4, 5, 9]]
    # after k batches each, the processes hold the first 2 * k batches between them
    assert sorted(parts[0][:3] + parts[1][:3]) == list(range(6))


def test_nothing_missing_gives_no_process():
    assert real_bench.split([], 2, 100) == []


def child(entries, refused, seconds, cpu, why=None):
    return {"how": "in process: package_create", "entries": entries, "unchanged": 0, "refused": refused,
            "refused_why": why or {}, "first_refused": [f"t{entries}"] if refused else [],
            "seconds": seconds, "cpu_seconds": cpu, "per_second": entries / seconds,
            "per_cpu_second": entries / cpu, "batch": 500}


def test_the_children_add_up_wall_is_the_slowest_and_cpu_the_sum():
    out = real_bench.combine([child(100, 1, 50.0, 20.0, {"title: missing": 1}),
                              child(120, 2, 40.0, 30.0, {"title: missing": 1, "name: taken": 1})])
    assert out["entries"] == 220 and out["refused"] == 3
    assert out["seconds"] == 50.0 and out["cpu_seconds"] == 50.0
    assert out["per_second"] == 4.4 and out["per_cpu_second"] == 4.4
    assert out["refused_why"] == {"title: missing": 2, "name: taken": 1}
    assert out["first_refused"] == ["t100", "t120"]
    assert out["processes"] == 2 and [p["entries"] for p in out["per_process"]] == [100, 120]


def test_one_child_is_its_own_figure():
    one = child(100, 0, 50.0, 20.0)
    assert real_bench.combine([one]) == dict(one, processes=1)


def test_the_loaded_prefix_stops_at_the_first_gap():
    name = "e{}".format
    assert real_bench.prefix(name, 10, {"e0", "e1", "e2", "e4", "x"}) == 3
    assert real_bench.prefix(name, 3, {"e0", "e1", "e2", "e3"}) == 3
    assert real_bench.prefix(name, 10, {"e1"}) == 0
