"""Geometry of the monthly trend charts; ``templates/liuzhou/evaluation/snippets/chart.html``
draws them as inline SVG (no JavaScript, nothing fetched from elsewhere)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

WIDTH, HEIGHT = 520, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36


@dataclass
class Mark:
    x: float
    y: float
    value: Optional[float]
    label: str            # the month, MM
    month: str            # YYYY-MM
    height: float = 0.0   # bars


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    kind: str             # bar | line
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)   # (y, label)
    bar_width: float = 0.0
    path: str = ""        # the line through the known points
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT


def _nice_max(value: float, unit: str) -> float:
    """The top of the axis: 100 for a rate, else a round number in four whole steps (4, 8, 12, 20, 40 …)."""
    if unit in ("pct", "score"):  # a rate, the Art 34 score: 0–100
        return 100.0
    scale = 1.0
    while True:
        for m in (4, 8, 12, 20, 40, 60, 80):
            if value <= m * scale:
                return m * scale
        scale *= 10


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def build(key: str, title: str, unit: str, kind: str, months: list[dict]) -> Chart:
    chart = Chart(key=key, title=title, unit=unit, kind=kind)
    values = [m.get(key) for m in months]
    top = _nice_max(max([v for v in values if v is not None] or [0]), unit)
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(len(months), 1)
    chart.bar_width = round(step * 0.6, 1)
    for i in range(5):
        v = top * i / 4
        chart.ticks.append((round(chart.baseline - plot_h * i / 4, 1), _fmt(v)))
    points = []
    for i, (m, v) in enumerate(zip(months, values)):
        x = round(LEFT + step * (i + 0.5), 1)
        h = 0.0 if v is None else round(plot_h * float(v) / top, 1)
        y = round(chart.baseline - h, 1)
        chart.marks.append(Mark(x=x, y=y, value=v, label=m["month"][5:], month=m["month"], height=h))
        if v is not None:
            points.append(f"{x},{y}")
    chart.path = ("M" + " L".join(points)) if points else ""
    return chart


# which flows are charted, how (the labels are the indicators')
CHARTS = (("requests_received", "bar"), ("requests_made", "bar"), ("handling_median_wd", "line"),
          ("ontime_decision", "line"), ("quality_issues", "bar"), ("data_reads", "bar"))


def trend_charts(months: list[dict], labels: dict[str, tuple[str, str]]) -> list[Chart]:
    """``labels``: indicator key → (translated label, unit)."""
    return [build(key, labels[key][0], labels[key][1], kind, months) for key, kind in CHARTS]
