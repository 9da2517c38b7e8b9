"""Figures of a run: percentiles, the project / stock table, the targets (docs/benchmarks.md), the JSON."""
from __future__ import annotations

import json
import math
from pathlib import Path

# Operations both portals serve (the table's ratio column), then the project's own.
SHARED = ["search_plain", "search_zh", "search_zh_common", "search_facets", "package_show", "package_create",
          "page_dataset", "page_search"]
PROJECT_ONLY = ["share_request_create", "share_request_decide", "download", "evaluation_page", "search_suggest"]
RATIO_TARGET = 1.25          # every shared operation within 1.25x of stock at p95
FACETS_P95_MS = 200          # search with all facets, 8 clients
DECIDE_P95_MS = 50           # share_request_decide, 8 clients


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0…100) of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(latencies: list[float], elapsed: float) -> dict:
    """Throughput and latency (milliseconds) of the successful requests of one measurement."""
    values = sorted(latencies)
    ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
    return {
        "requests": len(values),
        "seconds": round(elapsed, 2),
        "throughput": round(len(values) / elapsed, 2) if elapsed > 0 else None,
        "p50_ms": ms(percentile(values, 50)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "mean_ms": ms(sum(values) / len(values)) if values else None,
        "max_ms": ms(values[-1]) if values else None,
    }


def ratio(project: float | None, stock: float | None) -> float | None:
    if not project or not stock:
        return None
    return round(project / stock, 2)


def _median(values: list) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else round((values[mid - 1] + values[mid]) / 2, 2)


def _all(results: list[dict], op: str, side: str, clients: int) -> list[dict]:
    return [r for r in results if r["op"] == op and r["side"] == side and r["clients"] == clients]


def _merge(rounds: list[dict]) -> dict:
    """Several rounds of one measurement (``--repeat``): the median of each figure, errors added."""
    measured = [r for r in rounds if not r.get("skipped")]
    if not measured:
        return rounds[0]
    out = {k: rounds[0][k] for k in ("op", "side", "clients")}
    for k in ("throughput", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "web_cpu_ms", "db_cpu_ms"):
        out[k] = _median([r.get(k) for r in measured])
    out["errors"] = sum(r.get("errors", 0) for r in measured)
    out["requests"] = sum(r.get("requests", 0) for r in measured)
    out["rounds"] = len(measured)
    out["p95_ms_rounds"] = [r.get("p95_ms") for r in measured]
    return out


def _find(results: list[dict], op: str, side: str, clients: int) -> dict | None:
    found = _all(results, op, side, clients)
    if not found:
        return None
    return found[0] if len(found) == 1 else _merge(found)


def _round_ratios(results: list[dict], op: str, clients: int) -> list[float]:
    """The p95 ratio of each round in which both sides were measured (one after the other)."""
    stock = {r.get("round", 0): r for r in _all(results, op, "stock", clients) if not r.get("skipped")}
    out = []
    for p in _all(results, op, "project", clients):
        s = stock.get(p.get("round", 0))
        r = ratio(p.get("p95_ms"), (s or {}).get("p95_ms")) if not p.get("skipped") else None
        if r is not None:
            out.append(r)
    return out


def _cpu(r: dict | None) -> float | None:
    """CPU milliseconds per request of the web server and its database (when measured): the
    figure of a side that the other programs of a shared machine do not change."""
    if not r or r.get("skipped") or r.get("web_cpu_ms") is None or r.get("db_cpu_ms") is None:
        return None
    return r["web_cpu_ms"] + r["db_cpu_ms"]


def rows(results: list[dict]) -> list[dict]:
    """One row per operation and client count, project beside stock, with the p95 ratio (with
    ``--repeat``: the medians of the rounds, and the median of the rounds' ratios)."""
    out = []
    for clients in sorted({r["clients"] for r in results}):
        for op in SHARED + PROJECT_ONLY:
            p, s = _find(results, op, "project", clients), _find(results, op, "stock", clients)
            if p is None and s is None:
                continue
            ratios = _round_ratios(results, op, clients)
            row = {"op": op, "clients": clients, "project": p, "stock": s,
                   "p95_ratio": _median(ratios) if len(ratios) > 1
                   else ratio((p or {}).get("p95_ms"), (s or {}).get("p95_ms"))}
            if len(ratios) > 1:
                row["p95_ratio_rounds"] = ratios
            cpu = ratio(_cpu(p), _cpu(s))
            if cpu is not None:
                row["cpu_ratio"] = cpu
            out.append(row)
    return out


def _cell(r: dict | None) -> str:
    if r is None:
        return f"{'—':>7} {'':>7} {'':>7} {'':>7}"
    if r.get("skipped"):
        return f"{'skipped':>7} {'':>7} {'':>7} {'':>7}"
    f = lambda v: "—" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.1f}")  # noqa: E731
    return f"{f(r.get('throughput')):>7} {f(r.get('p50_ms')):>7} {f(r.get('p95_ms')):>7} {f(r.get('p99_ms')):>7}"


def table(results: list[dict]) -> str:
    """The printed table: throughput (req/s) and p50/p95/p99 (ms) per side, ratio of p95."""
    head = (f"{'operation':<22} {'cl':>2} | {'project':^31} | {'stock':^31} | {'p95':>5}\n"
            f"{'':<22} {'':>2} | {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} | "
            f"{'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} | {'p/s':>5}")
    lines = [head, "-" * len(head.splitlines()[1])]
    for row in rows(results):
        r = row["p95_ratio"]
        mark = "" if r is None else ("  !" if r > RATIO_TARGET else "")
        errors = sum((x or {}).get("errors", 0) for x in (row["project"], row["stock"]))
        note = f"  ({errors} errors)" if errors else ""
        if row.get("p95_ratio_rounds"):
            note += "  rounds " + "/".join(f"{x:.2f}" for x in row["p95_ratio_rounds"])
        if row.get("cpu_ratio") is not None:
            note += f"  CPU {_cpu(row['project']):.0f}/{_cpu(row['stock']):.0f} ms {row['cpu_ratio']:.2f}"
        lines.append(f"{row['op']:<22} {row['clients']:>2} | {_cell(row['project'])} | {_cell(row['stock'])} | "
                     f"{'' if r is None else f'{r:.2f}':>5}{mark}{note}")
    return "\n".join(lines)


def targets(results: list[dict], clients: int = 8) -> dict:
    """The targets (RATIO_TARGET, FACETS_P95_MS, …), each with the measured figure and whether it is met."""
    out: dict = {"ratio_p95_max": RATIO_TARGET, "shared": {}}
    for row in rows(results):
        if row["op"] in SHARED and row["p95_ratio"] is not None:
            out["shared"][f"{row['op']}@{row['clients']}"] = dict(
                {"p95_ratio": row["p95_ratio"], "met": row["p95_ratio"] <= RATIO_TARGET},
                **({"rounds": row["p95_ratio_rounds"]} if "p95_ratio_rounds" in row else {}))
    facets = _find(results, "search_facets", "project", clients)
    decide = _find(results, "share_request_decide", "project", clients)
    out["search_facets_p95_ms"] = {"target": FACETS_P95_MS, "measured": (facets or {}).get("p95_ms"),
                                   "met": bool(facets and facets.get("p95_ms") is not None
                                               and facets["p95_ms"] < FACETS_P95_MS)}
    out["share_request_decide_p95_ms"] = {"target": DECIDE_P95_MS, "measured": (decide or {}).get("p95_ms"),
                                          "met": bool(decide and decide.get("p95_ms") is not None
                                                      and decide["p95_ms"] < DECIDE_P95_MS)}
    out["all_shared_met"] = all(v["met"] for v in out["shared"].values()) if out["shared"] else False
    return out


def write_json(path: Path, doc: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
