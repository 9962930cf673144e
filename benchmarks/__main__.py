"""Run every benchmark, print the table, write benchmarks/results/latest.{json,md,png}.

    .venv/bin/python -m benchmarks [--only startup,tap_latency,...] [--quick] [--redraw]
                                   [--dashboard-requests 1000000]

``--quick`` (or ``KIOSK_BENCH_QUICK=1``) repeats less, for working on the benchmarks; the
recorded results come from a full run. Benchmarks assert nothing: each figure says whether its
target was met. The chart is drawn with Qt itself (QPainter on a QImage, offscreen), so the
benchmarks need nothing the kiosk does not already have.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from benchmarks.common import RESULTS, Figure, machine

# In the order they run: the in-process ones share one QApplication.
MODULES = (
    "startup", "tap_latency", "journey", "search", "search_quality", "read_aloud", "enqueue", "drain", "memory",
    "idle_cpu", "bundle", "preview", "dashboard_scale",
)  # fmt: skip


def verdict(figure: Figure) -> str:
    return {True: "met", False: "MISSED", None: "not measured"}[figure.met]


def print_table(figures: list[Figure]) -> None:
    width = max((len(f.title) for f in figures), default=10)
    for figure in figures:
        print(f"{figure.title:<{width}}  {figure.shown:<48}  {figure.target:<34}  {verdict(figure)}")
        if figure.note:
            print(f"{'':<{width}}  note: {figure.note}")


def markdown(figures: list[Figure], info: dict[str, object], when: str) -> str:
    lines = [
        f"Measured {when} on {info['cpus']} × {info['cpu'] or 'CPU'}, {info['memory']} RAM, {info['system']}, "
        f"Python {info['python']}, PySide6 {info['pyside6']}, Qt platform `{info['qt_platform']}`.",
        "",
        "| figure | measured | target | |",
        "|---|---|---|---|",
    ]
    for figure in figures:
        if figure.value is None:
            shown = figure.note or figure.shown
        else:
            shown = figure.shown + (f" ({figure.note})" if figure.note else "")
        mark = {True: "✅ met", False: "❌ missed", None: "— not measured"}[figure.met]
        lines.append(f"| {figure.title} | {shown} | {figure.target} | {mark} |")
    return "\n".join(lines) + "\n"


def draw_chart(figures: list[Figure], path: Path, when: str) -> None:
    """Each figure as a bar: measured / target limit (1.0 = exactly on target; shorter is better)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    rows = [f for f in figures if f.against_target() is not None]
    width, row_h, left, top = 1400, 40, 600, 70
    height = top + row_h * max(1, len(rows)) + 60
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(QFont("DejaVu Sans", 15, QFont.Weight.Bold))
    painter.drawText(20, 32, "Pishkhan benchmarks: measured / target (bar left of the line = target met)")
    painter.setFont(QFont("DejaVu Sans", 11))
    painter.drawText(20, 54, when)
    scale_max = max([2.0, *[min(f.against_target() or 0.0, 6.0) for f in rows]])
    metrics = QFontMetrics(painter.font())
    plot_w = width - left - 90
    for index, figure in enumerate(rows):
        y = top + index * row_h
        ratio = figure.against_target() or 0.0
        painter.setPen(QColor("#102a43"))
        title = metrics.elidedText(figure.title, Qt.TextElideMode.ElideRight, left - 30)
        painter.drawText(
            QRectF(10, y, left - 20, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, title
        )
        bar = plot_w * min(ratio, scale_max) / scale_max
        painter.fillRect(QRectF(left, y + 8, bar, row_h - 16), QColor("#2f855a" if figure.met else "#c53030"))
        painter.drawText(QRectF(left + bar + 6, y, 90, row_h), Qt.AlignmentFlag.AlignVCenter, f"{ratio:.2f}")
    target_x = left + plot_w / scale_max
    painter.setPen(QPen(QColor("#102a43"), 2, Qt.PenStyle.DashLine))
    painter.drawLine(int(target_x), top - 6, int(target_x), top + row_h * len(rows) + 6)
    painter.drawText(int(target_x) - 20, top + row_h * len(rows) + 26, "target")
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(path))


def run(only: list[str]) -> tuple[list[Figure], dict[str, float]]:
    figures: list[Figure] = []
    seconds: dict[str, float] = {}
    for name in MODULES:
        if only and name not in only:
            continue
        print(f"-- {name}", flush=True)
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            found = module.measure()
        except Exception as exc:  # one broken benchmark must not lose the others' results
            traceback.print_exc()
            found = [Figure(name, name, None, "", "", None, note=f"failed: {type(exc).__name__}: {exc}")]
        seconds[name] = round(time.perf_counter() - start, 1)
        print_table(found)
        figures.extend(found)
    return figures, seconds


def write_reports(stem: str, figures: list[Figure], info: dict[str, object], started: datetime) -> None:
    when = started.strftime("%Y-%m-%d %H:%M UTC")
    (RESULTS / f"{stem}.md").write_text(markdown(figures, info, when), encoding="utf-8")
    draw_chart(figures, RESULTS / f"{stem}.png", f"{when}, {info['cpus']} CPUs, {info['cpu']}")


def redraw() -> int:
    """The table and the chart again from the recorded numbers (after a change to how they look)."""
    document = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
    figures = [Figure(**f) for f in document["figures"]]
    write_reports("latest", figures, document["machine"], datetime.fromisoformat(document["when"]))
    print_table(figures)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(MODULES))
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (not for recorded results)")
    parser.add_argument("--redraw", action="store_true", help="rewrite latest.md and latest.png from latest.json")
    parser.add_argument(
        "--dashboard-requests", type=int, default=None,
        help="requests stored for dashboard_scale (default 1,000,000; --quick: 20,000); filled once and kept",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.dashboard_requests:
        os.environ["KIOSK_BENCH_DASHBOARD_REQUESTS"] = str(args.dashboard_requests)
    if args.redraw:
        return redraw()
    if args.quick:
        os.environ["KIOSK_BENCH_QUICK"] = "1"
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    started = datetime.now(UTC)
    figures, seconds = run(only)
    info = machine()
    print()
    print_table(figures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "latest" if not (only or args.quick) else "partial"
    document = {
        "when": started.isoformat(timespec="seconds"),
        "machine": info,
        "quick": bool(args.quick),
        "seconds_per_benchmark": seconds,
        "figures": [f.as_dict() for f in figures],
    }
    (RESULTS / f"{stem}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_reports(stem, figures, info, started)
    print(f"\nwritten: {RESULTS / (stem + '.json')}, .md, .png (in {sum(seconds.values()):.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
