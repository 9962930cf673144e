"""Charts as inline SVG, computed on the server: no JavaScript, no CDN, nothing for the CSP to allow.

The dashboard is right-to-left: bars grow from the right edge and the first day sits at the right.
Labels use Persian digits. Colours come from presentation attributes (the CSP forbids inline styles).

Honest axes: every chart starts at zero, its gridlines stand at round numbers (a step of 1, 2 or 5
times a power of ten) and each label names its own gridline's value exactly. A figure drawn from
fewer than five sessions (``Hidden``) is no bar of its own height: a dashed outline reaches from
zero to five, the range it lies in, and its label says «<۵».
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.central.jalali import persian_number
from kiosk.central.store.usage import MIN_SESSIONS, Hidden

VIEW_COLOR = "#0f766e"
START_COLOR = "#1d4ed8"
SUBMIT_COLOR = "#c2410c"
COLOURS = {"service_viewed": VIEW_COLOR, "request_started": START_COLOR, "request_submitted": SUBMIT_COLOR}
# «<۵» kept left-to-right inside the right-to-left page (an isolate), so "<" is never mirrored.
FEW_TEXT = "\u2066<" + persian_number(MIN_SESSIONS) + "\u2069"

Value = int | Hidden
# Room a character of a day's label takes under the axis (11 units high, Vazirmatn), about.
LABEL_UNITS_PER_CHARACTER = 6.5


@dataclass(frozen=True)
class Axis:
    step: int
    ticks: list[int]  # 0, step, 2 × step, ... up to the first at or above the largest value

    @property
    def top(self) -> int:
        return self.ticks[-1]


def nice_axis(largest: float, most_steps: int = 5) -> Axis:
    """Gridlines from zero at the smallest round step (1, 2, 5, 10, 20, 50, ...) that reaches
    ``largest`` in at most ``most_steps`` steps."""
    largest = max(0.0, largest)
    power = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * power
            steps = max(1, math.ceil(largest / step))
            if steps <= most_steps:
                return Axis(step, [step * i for i in range(steps + 1)])
        power *= 10


def value_text(value: Value) -> str:
    return FEW_TEXT if isinstance(value, Hidden) else persian_number(value)


def _reach(value: Value) -> int:
    """How far a bar reaches on the axis: a hidden figure, up to MIN_SESSIONS (it is below that)."""
    return MIN_SESSIONS if isinstance(value, Hidden) else value


@dataclass(frozen=True)
class Bar:
    """A horizontal bar, from ``x + width`` (zero, on the right) leftwards to ``x``."""

    y: float
    x: float
    width: float
    colour: str
    value_text: str
    hidden: bool


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    groups: list[BarGroup]
    label_x: float
    bar_height: float
    zero_x: float
    plot_top: float
    plot_bottom: float
    gridlines: list[tuple[float, str]]  # (x, label): the label is the gridline's value
    ticks: list[int]


def bar_chart(labels: list[str], series: dict[str, list[Value]], width: int = 560) -> BarChart:
    """Horizontal bars, a group per label (one bar per series), the labels on the right; the axis
    along the bottom."""
    label_width, left, bar_height, gap, top = 210.0, 44.0, 13.0, 12.0, 6.0
    zero_x = width - label_width - 10.0
    area = zero_x - left
    axis = nice_axis(max((_reach(v) for values in series.values() for v in values), default=0))
    group_height = len(series) * bar_height + gap
    groups = []
    for index, label in enumerate(labels):
        y0 = top + index * group_height
        bars = []
        for position, (kind, values) in enumerate(series.items()):
            value = values[index]
            length = area * _reach(value) / axis.top
            bars.append(
                Bar(y0 + position * bar_height, zero_x - length, length, COLOURS.get(kind, "#555555"),
                    value_text(value), isinstance(value, Hidden))
            )  # fmt: skip
        text = label if len(label) <= 32 else label[:31] + "…"
        groups.append(BarGroup(text, y0 + len(series) * bar_height / 2 + 4, bars))
    plot_bottom = top + len(labels) * group_height
    gridlines = [(zero_x - area * tick / axis.top, persian_number(tick)) for tick in axis.ticks]
    return BarChart(
        width, int(plot_bottom + 26), groups, width - 4.0, bar_height - 2, zero_x, top, plot_bottom, gridlines,
        axis.ticks,
    )  # fmt: skip


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    colour: str
    value_text: str
    hidden: bool = False


@dataclass(frozen=True)
class Day:
    label: str
    centre: float
    columns: list[Column]
    labelled: bool = True  # whether its label is written under the axis (not every day's fits)


@dataclass(frozen=True)
class DailyChart:
    width: int
    height: int
    baseline: float
    left: float
    days: list[Day]
    gridlines: list[tuple[float, str]]  # (y, label): the label is the gridline's value
    bar_width: float  # each column's slot
    ticks: list[int]

    @property
    def column_width(self) -> float:
        """A column as drawn: its slot less a gap (a fifth of it, 2 at most), never nothing."""
        return self.bar_width - min(2.0, self.bar_width / 5)


def daily_chart(
    day_labels: list[str], series: dict[str, list[Value]], width: int = 900, height: int = 260
) -> DailyChart:
    """Grouped columns per day (one per series), the first day on the right."""
    left, right, chart_top, baseline = 50.0, 10.0, 16.0, height - 40.0
    axis = nice_axis(max((_reach(v) for values in series.values() for v in values), default=0))
    slot = (width - left - right) / max(1, len(day_labels))
    bar_width = min(22.0, slot / (len(series) + 1))
    # As many labels as fit side by side (the longest as the measure), today's always among them.
    room = max((len(label) for label in day_labels), default=0) * LABEL_UNITS_PER_CHARACTER + 10
    every = max(1, math.ceil(room / slot))
    days = []
    for index, label in enumerate(day_labels):
        centre = width - right - index * slot - slot / 2
        columns = []
        # In right-to-left order too: the first series is the right-hand column of each group.
        for position, (kind, values) in enumerate(series.items()):
            value = values[index]
            h = (baseline - chart_top) * _reach(value) / axis.top
            x = centre + len(series) / 2 * bar_width - (position + 1) * bar_width
            columns.append(
                Column(x, baseline - h, h, COLOURS.get(kind, "#555555"), value_text(value), isinstance(value, Hidden))
            )
        labelled = (len(day_labels) - 1 - index) % every == 0  # today's label always
        days.append(Day(label, centre, columns, labelled))
    gridlines = [(baseline - (baseline - chart_top) * tick / axis.top, persian_number(tick)) for tick in axis.ticks]
    return DailyChart(width, height, baseline, left, days, gridlines, bar_width, axis.ticks)
