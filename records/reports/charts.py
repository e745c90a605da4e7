"""The reports page's charts as SVG drawn on the server: no script, no inline style (the site's CSP
allows neither), only shapes with presentation attributes and text escaped as text."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR = "#4a78a8"
GOAL = "#ef4444"


def histogram_svg(histogram: dict, *, width: int = 460, height: int = 180) -> SafeString:
    """Measured calls by time bin, the last bin everything longer, and the goal as a red line."""
    counts, step = histogram["counts"], histogram["width_s"]
    left, bottom, top = 36, 22, 14
    plot_w, plot_h = width - left - 6, height - bottom - top
    most = max(counts) or 1
    bar_w = plot_w / len(counts)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
        (
            (
                round(left + i * bar_w + 1, 1),
                round(top + plot_h - n / most * plot_h, 1),
                round(bar_w - 2, 1),
                round(n / most * plot_h, 1),
                BAR,
                _bin_label(i, step, len(counts)),
                n,
            )
            for i, n in enumerate(counts)
        ),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" fill="#9aa7b3" text-anchor="middle">{}</text>',
        ((round(left + i * bar_w, 1), height - 6, _minutes(i * step)) for i in range(0, len(counts), 4)),
    )
    axis = format_html(
        '<text x="2" y="{}" font-size="10" fill="#9aa7b3">{}</text>'
        '<text x="2" y="{}" font-size="10" fill="#9aa7b3">0</text>',
        top + 8,
        most,
        top + plot_h,
    )
    goal = ""
    if histogram.get("goal_s") is not None:
        x = round(left + min(histogram["goal_s"] / (step * (len(counts) - 1)), 1.0) * plot_w, 1)
        goal = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>'
            '<text x="{}" y="{}" font-size="11" fill="{}">goal {} s (P{})</text>',
            x,
            x,
            top,
            top + plot_h,
            GOAL,
            x + 4,
            top + 10,
            GOAL,
            histogram["goal_s"],
            histogram["goal_priority"],
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}{}{}</svg>',
        width,
        height,
        "Histogram of measured calls",
        bars,
        ticks,
        axis,
        goal,
    )


def bars_svg(
    values: list[tuple[str, float]],
    *,
    label: str,
    percent: bool = False,
    width: int = 700,
    height: int = 170,
    goal: float | None = None,
) -> SafeString:
    """One bar per (name, value), e.g. calls by hour or the fraction within goal by month."""
    left, bottom, top = 36, 22, 10
    plot_w, plot_h = width - left - 6, height - bottom - top
    most = 1.0 if percent else (max((v for _, v in values), default=0) or 1)
    bar_w = plot_w / max(len(values), 1)
    shown = (lambda v: f"{100 * v:.1f} %") if percent else (lambda v: f"{v:g}")
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" font-size="10" fill="#9aa7b3" text-anchor="middle">{}</text>',
        (
            (
                round(left + i * bar_w + 1, 1),
                round(top + plot_h - (v or 0) / most * plot_h, 1),
                round(max(bar_w - 2, 1), 1),
                round((v or 0) / most * plot_h, 1),
                BAR,
                name,
                shown(v or 0),
                round(left + (i + 0.5) * bar_w, 1),
                height - 6,
                name,
            )
            for i, (name, v) in enumerate(values)
        ),
    )
    line = ""
    if goal is not None:
        y = round(top + plot_h - goal / most * plot_h, 1)
        line = format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>',
            left,
            left + plot_w,
            y,
            y,
            GOAL,
        )
    top_label = "100 %" if percent else shown(most)
    axis = format_html('<text x="2" y="{}" font-size="10" fill="#9aa7b3">{}</text>', top + 8, top_label)
    return format_html(
        '<svg class="chart wide" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}{}</svg>',
        width,
        height,
        label,
        bars,
        line,
        axis,
    )


def heat_classes(grid: dict) -> list[dict]:
    """The beat × hour grid with each cell's shade (0–9) for its CSS class."""
    most = max((max(row) for row in grid["counts"]), default=0) or 1
    return [
        {"beat": beat or "–", "cells": [{"n": n, "shade": round(9 * n / most)} for n in row]}
        for beat, row in zip(grid["beats"], grid["counts"], strict=True)
    ]


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _bin_label(i: int, step: int, bins: int) -> str:
    if i == bins - 1:
        return f"{_minutes(i * step)} or more"
    return f"{_minutes(i * step)}–{_minutes((i + 1) * step)}"
