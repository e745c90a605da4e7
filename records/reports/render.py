"""A report's figures as a file: CSV (one table with a header row) or PDF (tables and charts drawn with
reportlab's own graphics). The same figures make the same bytes: the PDF is written invariant (no
creation time, no random document id), so a report given to a council can be made again and its
SHA-256 compared.
"""

import csv
import io
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from records.reports.standards import REASONS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue().encode()


def compliance_csv(figures: dict) -> bytes:
    by = figures.get("by")
    header = [
        "interval",
        "priority",
        *([by] if by else []),
        "count",
        "median_s",
        "p90_s",
        "goal_s",
        "target",
        "within_goal",
        "met",
        "excluded",
        *REASONS,
    ]
    rows = []
    for interval in figures["intervals"]:
        for row in interval["rows"]:
            rows.append(
                [
                    interval["interval"],
                    row["priority"] or "all",
                    *([row[by]] if by else []),
                    row["count"],
                    row["median_s"],
                    row["p90_s"],
                    row["goal_s"],
                    row["target"],
                    row["within_goal"],
                    row["met"],
                    row["excluded"],
                    *(row["exclusions"].get(reason, 0) for reason in REASONS),
                ]
            )
    return _csv(header, rows)


WORKLOAD_COLUMNS = ["calls", "units_sent", "busy_hours", "busy_share", "on_duty_hours", "utilisation"]


def workload_csv(figures: dict) -> bytes:
    by = figures["by"]
    return _csv(
        [by, *WORKLOAD_COLUMNS],
        [[row[by], *(row.get(column) for column in WORKLOAD_COLUMNS)] for row in figures["rows"]],
    )


def local_time(iso: str) -> str:
    return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S %Z")


def seconds_text(value: float | None) -> str:
    if value is None:
        return "–"
    whole = round(value)
    return f"{whole} s" if whole < 120 else f"{whole // 60} min {whole % 60:02d} s"


def fraction_text(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


STYLES = getSampleStyleSheet()
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)


def _text(text: str, style: str = "BodyText") -> Paragraph:
    # Paragraphs parse markup: what comes from data is escaped.
    return Paragraph(escape(text), STYLES[style])


def histogram_drawing(
    histogram: dict, title: str, width: float = 120 * mm, height: float = 55 * mm
) -> Drawing:
    """Bars of the interval's measured calls by bin, and the goal as a red line."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, width - 45, height - 45
    counts = histogram["counts"]
    chart.data = [counts]
    chart.bars[0].fillColor = colors.HexColor("#4a78a8")
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 6
    step = histogram["width_s"]
    labels = [f"{i * step // 60}:{i * step % 60:02d}" if i % 2 == 0 else "" for i in range(len(counts) - 1)]
    chart.categoryAxis.categoryNames = [*labels, "more"]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 0
    drawing.add(chart)
    goal = histogram.get("goal_s")
    if goal is not None:
        x = chart.x + chart.width * min(goal / (step * (len(counts) - 1)), 1.0)
        drawing.add(Line(x, chart.y, x, chart.y + chart.height, strokeColor=colors.red, strokeWidth=1.2))
        drawing.add(
            String(
                x + 2,
                chart.y + chart.height - 6,
                f"goal {goal} s (P{histogram['goal_priority']})",
                fontSize=6,
                fillColor=colors.red,
            )
        )
    drawing.add(String(0, height - 10, title, fontSize=8, fontName="Helvetica-Bold"))
    return drawing


def heat_map_drawing(grid: dict, width: float = 250 * mm, cell_h: float = 6 * mm) -> Drawing:
    """Calls by beat (rows) and hour (columns), darker for more."""
    beats, counts = grid["beats"], grid["counts"]
    left, cell_w = 40, (width - 50) / 24
    height = cell_h * (len(beats) + 2)
    drawing = Drawing(width, height)
    top = max((max(row) for row in counts), default=0) or 1
    for r, (beat, row) in enumerate(zip(beats, counts, strict=True)):
        y = height - cell_h * (r + 2)
        drawing.add(String(2, y + cell_h / 3, f"beat {beat or '–'}", fontSize=6))
        for hour, n in enumerate(row):
            shade = 1 - 0.85 * n / top
            drawing.add(
                Rect(
                    left + hour * cell_w,
                    y,
                    cell_w - 1,
                    cell_h - 1,
                    strokeWidth=0,
                    fillColor=colors.Color(shade, shade * 0.9 + 0.1 * (1 - shade), 1),
                )
            )
            drawing.add(String(left + hour * cell_w + 2, y + cell_h / 3, str(n), fontSize=5))
    for hour in range(24):
        drawing.add(String(left + hour * cell_w + 2, height - cell_h + 4, f"{hour:02d}", fontSize=6))
    return drawing


def _header(figures: dict, title: str) -> list[Flowable]:
    asked = ", ".join(f"{name} {figures[name]}" for name in ("priority", "agency", "by") if figures.get(name))
    lines = [
        _text(title, "Title"),
        _text(
            f"Calls received {figures['from']} to {figures['to']} (both days "
            f"included){'; ' + asked if asked else ''}."
        ),
    ]
    if "standard" in figures and isinstance(figures["standard"], dict):
        lines.append(_text(f"Standard: {figures['standard']['name']}."))
    return lines


def compliance_pdf(figures: dict, histograms: dict) -> bytes:
    by = figures.get("by")
    story = _header(figures, "Response-time compliance")
    story.append(
        _text(
            "Percentiles are interpolated (as PostgreSQL's percentile_cont); compliance is the "
            "fraction of measured calls within the goal, against the standard's target. Calls "
            "left out of an interval are counted by reason in the last columns."
        )
    )
    for interval in figures["intervals"]:
        rows = [
            [
                "priority",
                *([by] if by else []),
                "calls",
                "median",
                "90th pct",
                "goal",
                "within goal",
                "target",
                "met",
                "excluded",
                *[r.replace("_", " ") for r in REASONS],
            ]
        ]
        for row in interval["rows"]:
            rows.append(
                [
                    f"P{row['priority']}" if row["priority"] else "all",
                    *([str(row[by])] if by else []),
                    str(row["count"]),
                    seconds_text(row["median_s"]),
                    seconds_text(row["p90_s"]),
                    seconds_text(row["goal_s"]) if row["goal_s"] else ("own" if row["target"] else "–"),
                    fraction_text(row["within_goal"]),
                    fraction_text(row["target"]),
                    {True: "yes", False: "no", None: "–"}[row["met"]],
                    str(row["excluded"]),
                    *(str(row["exclusions"].get(reason, 0)) for reason in REASONS),
                ]
            )
        table = Table(rows, repeatRows=1)
        table.setStyle(GRID)
        block = [Spacer(1, 4 * mm), _text(interval["name"], "Heading3")]
        if interval["interval"] in histograms:
            block.append(
                histogram_drawing(
                    histograms[interval["interval"]], f"{interval['interval']}: measured calls by time"
                )
            )
        story.append(KeepTogether([*block, table]))
    story += [Spacer(1, 4 * mm), _text("Why calls are left out", "Heading3")]
    story += [_text(f"{code.replace('_', ' ')}: {text}") for code, text in REASONS.items()]
    return _pdf(story, "Response-time compliance")


def workload_pdf(figures: dict) -> bytes:
    by = figures["by"]
    story = _header(figures, "Workload and unit-hour utilisation")
    peak = figures["peak_concurrent_calls"]
    story.append(
        _text(f"Peak concurrent calls: {peak['count']}" + (f", from {peak['at']}." if peak["at"] else "."))
    )
    rows = [[by, "calls", "units sent", "busy h", "share of busy", "on duty h", "utilisation"]]
    for row in figures["rows"]:
        rows.append(
            [
                str(row.get("name") or row[by]),
                str(row["calls"]),
                str(row["units_sent"]),
                f"{row['busy_hours']:.1f}",
                fraction_text(row["busy_share"]),
                f"{row['on_duty_hours']:.1f}" if "on_duty_hours" in row else "–",
                fraction_text(row.get("utilisation")),
            ]
        )
    table = Table(rows, repeatRows=1)
    table.setStyle(GRID)
    story += [Spacer(1, 3 * mm), table, Spacer(1, 5 * mm)]
    rows = [["discipline", "units", "busy h", "on duty h", "utilisation", "minutes with no unit free"]]
    for row in figures["disciplines"]:
        rows.append(
            [
                row["name"],
                str(row["units"]),
                f"{row['busy_hours']:.1f}",
                f"{row['on_duty_hours']:.1f}",
                fraction_text(row["utilisation"]),
                f"{row['minutes_no_unit_available']:.1f}",
            ]
        )
    table = Table(rows, repeatRows=1)
    table.setStyle(GRID)
    story += [
        KeepTogether([_text("By discipline", "Heading3"), table]),
        Spacer(1, 5 * mm),
        KeepTogether(
            [_text("Calls by beat and hour of day", "Heading3"), heat_map_drawing(figures["beat_hour"])]
        ),
    ]
    return _pdf(story, "Workload")


def _pdf(story: list[Flowable], title: str) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=title,
        author="CAD",
        invariant=1,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    )
    document.build(story)
    return out.getvalue()
