"""A closed-loop HTTP load runner: N client threads, each with its own keep-alive session,
send one request after another for a fixed time; every latency is kept."""
from __future__ import annotations

import os
import threading
import time
from typing import Callable

import requests

from .report import summarize

# op(http, n) -> None, raising on a failed request; n counts this client's requests.
Op = Callable[[requests.Session, int], None]


class Exhausted(Exception):
    """The operation has no more work (e.g. no share request left to decide)."""


def run(op: Op, clients: int, duration: float, warmup: float = 1.0, max_requests: int | None = None) -> dict:
    """Run ``op`` from ``clients`` threads for ``warmup`` + ``duration`` seconds.

    Requests that start during the warm-up are not counted. Returns the summary of
    :func:`bench.report.summarize` plus the error count, the first error and the load.
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration
    counted = 0
    made = 0   # every request sent, warm-up included (for the server's CPU per request)
    exhausted = threading.Event()

    def client(k: int) -> None:
        nonlocal counted, made
        http = requests.Session()
        n = 0
        while not exhausted.is_set():
            t0 = time.monotonic()
            if t0 >= stop_at:
                break
            if max_requests is not None:
                with lock:
                    if counted >= max_requests:
                        break
                    if t0 >= measure_from:
                        counted += 1
            try:
                op(http, k * 1_000_000 + n)
                ok, err = True, None
            except Exhausted:
                exhausted.set()
                break
            except Exception as e:  # noqa: BLE001 - a failed request is a data point, not a crash
                ok, err = False, f"{type(e).__name__}: {e}"[:300]
            t1 = time.monotonic()
            n += 1
            with lock:
                made += 1
            if t0 >= measure_from:
                with lock:
                    if ok:
                        latencies.append(t1 - t0)
                    else:
                        errors.append(err)
        http.close()

    load0 = os.getloadavg()
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = max(min(time.monotonic(), stop_at) - measure_from, 1e-9)
    out = summarize(latencies, elapsed)
    out.update({"clients": clients, "requests_sent": made, "errors": len(errors), "first_error": errors[0] if errors else None,
                "exhausted": exhausted.is_set(), "loadavg_before": [round(x, 2) for x in load0],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()]})
    return out
