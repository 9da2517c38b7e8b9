"""The benchmark's figures: percentiles, the project / stock table, the targets of docs/benchmarks.md."""
from __future__ import annotations

import json

from bench import report, runner


def row(op, side, clients, p95, **kw):
    return dict({"op": op, "side": side, "clients": clients, "throughput": 10.0, "p50_ms": p95 / 2,
                 "p95_ms": p95, "p99_ms": p95 * 1.2, "errors": 0}, **kw)


def test_nearest_rank_percentiles():
    values = [i / 1000 for i in range(1, 101)]          # 1 … 100 ms
    assert report.percentile(values, 50) == 0.05
    assert report.percentile(values, 95) == 0.095
    assert report.percentile(values, 99) == 0.099
    assert report.percentile([0.2], 99) == 0.2
    assert report.percentile([], 50) is None


def test_summary_in_milliseconds_and_requests_per_second():
    s = report.summarize([0.010, 0.020, 0.030, 0.040], elapsed=2.0)
    assert s["requests"] == 4 and s["throughput"] == 2.0
    assert (s["p50_ms"], s["p95_ms"], s["max_ms"], s["mean_ms"]) == (20.0, 40.0, 40.0, 25.0)
    empty = report.summarize([], elapsed=1.0)
    assert empty["requests"] == 0 and empty["p95_ms"] is None


def test_table_pairs_the_sides_with_the_ratio_and_marks_what_misses_the_target():
    results = [row("search_facets", "project", 8, 150), row("search_facets", "stock", 8, 100),
               row("package_show", "project", 8, 60), row("package_show", "stock", 8, 50),
               row("share_request_decide", "project", 8, 40),
               {"op": "download", "side": "project", "clients": 8, "skipped": True, "note": "404"}]
    rows = {r["op"]: r for r in report.rows(results)}
    assert rows["search_facets"]["p95_ratio"] == 1.5 and rows["package_show"]["p95_ratio"] == 1.2
    assert rows["share_request_decide"]["p95_ratio"] is None
    text = report.table(results)
    facets_line = next(line for line in text.splitlines() if line.startswith("search_facets"))
    show_line = next(line for line in text.splitlines() if line.startswith("package_show"))
    assert facets_line.rstrip().endswith("1.50  !") and show_line.rstrip().endswith("1.20")
    assert "skipped" in next(line for line in text.splitlines() if line.startswith("download"))


def test_targets_of_issue_9():
    results = [row("search_facets", "project", 8, 150), row("search_facets", "stock", 8, 140),
               row("share_request_decide", "project", 8, 60)]
    t = report.targets(results)
    assert t["shared"]["search_facets@8"] == {"p95_ratio": 1.07, "met": True} and t["all_shared_met"]
    assert t["search_facets_p95_ms"]["met"] and not t["share_request_decide_p95_ms"]["met"]
    results.append(row("package_show", "project", 8, 70))
    results.append(row("package_show", "stock", 8, 50))
    assert not report.targets(results)["all_shared_met"]


def test_rounds_give_the_median_of_each_rounds_ratio_and_of_each_figure():
    """--repeat: each round pairs the two sides measured one after the other; a noisy round
    does not decide the verdict."""
    results = []
    for rnd, (p95_project, p95_stock) in enumerate([(130, 100), (300, 120), (110, 100)]):
        results += [row("search_zh", "project", 8, p95_project, round=rnd),
                    row("search_zh", "stock", 8, p95_stock, round=rnd)]
    results.append(row("share_request_decide", "project", 8, 40, round=0))
    results.append(row("share_request_decide", "project", 8, 80, round=1))
    results.append(row("share_request_decide", "project", 8, 45, round=2))
    r = {x["op"]: x for x in report.rows(results)}["search_zh"]
    assert r["p95_ratio_rounds"] == [1.3, 2.5, 1.1]
    assert r["p95_ratio"] == 1.3                      # the middle round, not the noisy 2.5
    assert r["project"]["p95_ms"] == 130 and r["stock"]["p95_ms"] == 100 and r["project"]["rounds"] == 3
    t = report.targets(results)
    assert t["shared"]["search_zh@8"] == {"p95_ratio": 1.3, "met": False, "rounds": [1.3, 2.5, 1.1]}
    assert t["share_request_decide_p95_ms"]["measured"] == 45
    line = next(x for x in report.table(results).splitlines() if x.startswith("search_zh"))
    assert "rounds 1.30/2.50/1.10" in line


def test_json_is_written_in_utf8(tmp_path):
    path = report.write_json(tmp_path / "results" / "x.json", {"note": "不予共享"})
    assert json.loads(path.read_text("utf-8")) == {"note": "不予共享"}
    assert "不予共享" in path.read_text("utf-8")


def test_runner_counts_requests_errors_and_stops_when_work_runs_out():
    calls = []

    def op(http, n):
        calls.append(n)
        if len(calls) % 5 == 0:
            raise ValueError("boom")
        if len(calls) > 40:
            raise runner.Exhausted()

    r = runner.run(op, clients=2, duration=30, warmup=0)
    assert r["exhausted"] and r["clients"] == 2
    assert r["requests"] + r["errors"] == len(calls) - 1     # the call that found no work is not counted
    assert r["errors"] == sum(1 for i in range(1, len(calls)) if i % 5 == 0)
    assert r["first_error"].startswith("ValueError")


def test_runner_keeps_to_max_requests():
    r = runner.run(lambda http, n: None, clients=3, duration=30, warmup=0, max_requests=25)
    assert r["requests"] == 25 and r["errors"] == 0


def test_common_chinese_queries_fill_a_page_on_every_side():
    from bench import cli, corpus

    class Side:   # what query_hits asks of a side's workload: the entries a query finds
        def __init__(self, found):
            self.found = found

        def hits(self, q):
            return self.found.get(q, 0)

    first, second, third = corpus.CHINESE_QUERIES[:3]
    hits, common = cli.query_hits({"project": Side({first: 300, second: 25, third: 19}),
                                   "stock": Side({first: 20, second: 0, third: 400})})
    assert hits[first] == {"project": 300, "stock": 20}
    assert common == [first]
    assert "search_zh_common" in report.SHARED


def test_repeat_must_be_at_least_one_round(capsys):
    import pytest
    from bench import cli
    with pytest.raises(SystemExit):
        cli.parse(["--repeat", "0"])
    assert "--repeat" in capsys.readouterr().err
    assert cli.parse(["--repeat", "3"]).repeat == 3


def test_cpu_per_request_is_compared_beside_the_latency():
    """The web server's and its database's CPU per request (medians of the rounds): the figure
    a shared machine does not disturb."""
    results = []
    for rnd, (web_p, db_p, web_s, db_s) in enumerate([(70, 18, 66, 15), (90, 30, 60, 14), (72, 17, 64, 16)]):
        results += [dict(row("package_create", "project", 8, 200, round=rnd), web_cpu_ms=web_p, db_cpu_ms=db_p),
                    dict(row("package_create", "stock", 8, 180, round=rnd), web_cpu_ms=web_s, db_cpu_ms=db_s)]
    r = {x["op"]: x for x in report.rows(results)}["package_create"]
    assert (r["project"]["web_cpu_ms"], r["project"]["db_cpu_ms"]) == (72, 18)
    assert (r["stock"]["web_cpu_ms"], r["stock"]["db_cpu_ms"]) == (64, 15)
    assert r["cpu_ratio"] == round(90 / 79, 2)
    line = next(x for x in report.table(results).splitlines() if x.startswith("package_create"))
    assert "CPU 90/79 ms 1.14" in line
    results.append(row("search_zh", "project", 8, 100))   # an older result without CPU: no ratio
    results.append(row("search_zh", "stock", 8, 100))
    assert "cpu_ratio" not in {x["op"]: x for x in report.rows(results)}["search_zh"]
