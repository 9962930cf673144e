"""Charts as inline SVG, computed on the server: no JavaScript, no CDN, nothing for the CSP to allow.

The dashboard is right-to-left: bars grow from the right edge and the first day sits at the right.
Labels use Persian digits. Colours come from presentation attributes (the CSP forbids inline styles).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.central.jalali import persian_number

VIEW_COLOR = "#0f766e"
SUBMIT_COLOR = "#c2410c"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    value_text: str
    y: float
    width: float
    x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    label_x: float
    bar_height: float


def bar_chart(items: list[tuple[str, int]], width: int = 560, row: int = 30) -> BarChart:
    """Horizontal bars, largest first; the label column is on the right."""
    label_width = 230.0
    area = width - label_width - 60.0
    top = max((value for _, value in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        length = max(2.0, area * value / top)
        x = width - label_width - 10.0 - length
        text = label if len(label) <= 34 else label[:33] + "…"
        bars.append(Bar(text, value, persian_number(value), index * row + 6.0, length, x))
    return BarChart(width, max(row, len(items) * row + 6), bars, width - 4.0, row - 10.0)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    colour: str
    value_text: str


@dataclass(frozen=True)
class Day:
    label: str
    centre: float
    columns: list[Column]


@dataclass(frozen=True)
class DailyChart:
    width: int
    height: int
    baseline: float
    left: float
    days: list[Day]
    gridlines: list[tuple[float, str]]
    bar_width: float


def daily_chart(day_labels: list[str], series: dict[str, list[int]], width: int = 900, height: int = 260) -> DailyChart:
    """Grouped columns per day (views, submissions), the first day on the right."""
    colours = {"service_viewed": VIEW_COLOR, "request_submitted": SUBMIT_COLOR}
    top = max((v for values in series.values() for v in values), default=0) or 1
    left, right, chart_top, baseline = 50.0, 10.0, 16.0, height - 40.0
    slot = (width - left - right) / max(1, len(day_labels))
    bar_width = min(22.0, slot / (len(series) + 1))
    days = []
    for index, label in enumerate(day_labels):
        centre = width - right - index * slot - slot / 2
        columns = []
        # In right-to-left order too: the first series is the right-hand column of each pair.
        for position, (kind, values) in enumerate(series.items()):
            value = values[index]
            h = (baseline - chart_top) * value / top
            x = centre + len(series) / 2 * bar_width - (position + 1) * bar_width
            columns.append(Column(x, baseline - h, h, colours.get(kind, "#555555"), persian_number(value)))
        days.append(Day(label, centre, columns))
    steps = 4
    gridlines = [
        (baseline - (baseline - chart_top) * i / steps, persian_number(round(top * i / steps)))
        for i in range(steps + 1)
    ]
    return DailyChart(width, height, baseline, left, days, gridlines, bar_width)
