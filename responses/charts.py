"""Server-rendered SVG charts for the report: stacked bars and lines, no JavaScript, no CDN.

Each chart is an image (role="img", a <title> and an aria-label) that a screen reader names
and skips: the table printed under it holds the same numbers and is the accessible source.
Colours are CSS classes (series-0 … series-5 in static/css/reports.css), so they follow the
stylesheet, print, and forced-colours modes; a series that is a label or a platform takes that
label's or platform's class (series-complaint …), the colour of its chip in the queue.

Tables read newest period first; charts read left to right, oldest first, with short axis
labels ("1 Dec", the year under the first and at each new year) spaced so that they never overlap."""

from __future__ import annotations

import math
import re
from datetime import date

from django.utils.formats import date_format, get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sla.durations import duration_text

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 24, 40
AXIS_CHAR_WIDTH = 6.6  # an upper bound of the width of a character of the 11 px axis font, in viewBox units
AXIS_LABEL_GAP = 14


def nice_ceiling(value: float, *, whole: bool = False) -> float:
    """The axis top: four grid steps of 1, 2, 2.5 or 5 times a power of ten, reaching the value.
    whole: counts, whose steps are whole numbers."""
    if value <= 0:
        return 4 if whole else 1
    quarter = value / 4
    power = 10 ** math.floor(math.log10(quarter))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if quarter <= s * power)
    return 4 * (max(1, math.ceil(step)) if whole else step)


def _number(value: float) -> str:
    """42 or 42.5 (42,5 in French): the table's rounding, the reader's decimal mark."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))


def cell_text(value) -> str:
    """How a table cell reads on the page; the CSV has the same number with a decimal point."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))
    return str(value)


def axis_labels(days: list[date], grouping: str) -> list[tuple[str, str]]:
    """Short axis labels for periods starting on these days: (text, year), the year given
    only where it changes, so that "1 Dec / 2025 … 5 Jan / 2026" reads without repeating it."""
    labels, year = [], None
    for day in days:
        # Date formats as translations: "1 Dec" in English, "1 déc." in French.
        text = date_format(day, pgettext("chart axis, a month", "M") if grouping == "month"
                           else pgettext("chart axis, a day", "j M"))
        labels.append((text, str(day.year) if day.year != year else ""))
        year = day.year
    return labels


def _label_step(texts: list[str]) -> int:
    """Every how many periods an axis label fits without touching its neighbours."""
    widest = max((len(text) for text in texts), default=0) * AXIS_CHAR_WIDTH + AXIS_LABEL_GAP
    slot = (WIDTH - LEFT - RIGHT) / max(len(texts), 1)
    return max(1, math.ceil(widest / slot))


def _frame(*, key: str, title: str, summary: str, body: list[str], axis: list[tuple[str, str]], top: float,
           unit: str) -> SafeString:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [format_html(
        '<svg class="chart" id="chart-{}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
        key, WIDTH, HEIGHT, f"{title}. {summary}", title)]
    for i in range(5):  # grid lines and the y axis's numbers
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(format_html('<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                                 '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                                 LEFT, WIDTH - RIGHT, f"{y:.1f}", f"{y:.1f}", LEFT - 6, f"{y + 4:.1f}", _number(value)))
    parts.append(format_html('<text class="axis unit" x="{}" y="{}">{}</text>', 4, 12, unit))
    count = len(axis)
    every = _label_step([text for text, _year in axis])
    shown_year = None
    for i, (text, year) in enumerate(axis):
        if i % every:
            continue
        x = LEFT + plot_w * (i + 0.5) / max(count, 1)
        # The year under the first label and under the first label of each new year, even when
        # the period that starts the year is between two labels.
        label_year = year or next((y for _t, y in reversed(axis[:i + 1]) if y), "")
        parts.append(format_html('<text class="axis x-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                                 f"{x:.1f}", HEIGHT - BOTTOM + 16, text))
        if label_year and label_year != shown_year:
            parts.append(format_html('<text class="axis x-year" x="{}" y="{}" text-anchor="middle">{}</text>',
                                     f"{x:.1f}", HEIGHT - BOTTOM + 30, label_year))
            shown_year = label_year
    parts.extend(body)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def _series_class(index: int, key: str) -> str:
    return f"series-{key}" if key else f"series-{index}"


def bar_chart(*, key: str, title: str, x_labels: list[str], series: list[tuple[str, list]], unit: str,
              axis: list[tuple[str, str]] | None = None, series_keys: list[str] | None = None) -> SafeString:
    """Stacked bars: one bar per period, one segment per series (None counts as 0).
    x_labels name the periods in tooltips; axis (default: x_labels) is what the x axis shows.
    series_keys: the label or platform behind each series, for its colour ("" or none: by position)."""
    keys = series_keys or [""] * len(series)
    totals = [sum(values[i] or 0 for _name, values in series) for i in range(len(x_labels))]
    top = nice_ceiling(max(totals, default=0), whole=all(float(t).is_integer() for t in totals))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(x_labels), 1)
    width = max(1.0, slot * 0.7)
    body = []
    for i, label in enumerate(x_labels):
        base = 0.0
        for index, (name, values) in enumerate(series):
            value = values[i] or 0
            if not value:
                continue
            y_top = TOP + plot_h * (1 - (base + value) / top)
            height = plot_h * value / top
            body.append(  # f-strings, not format_html: hundreds of elements; only the words need escaping
                f'<rect class="{_series_class(index, keys[index])}" x="{LEFT + slot * i + (slot - width) / 2:.1f}" y="{y_top:.1f}" '
                f'width="{width:.1f}" height="{height:.1f}"><title>{escape(label)} · {escape(name)}: '
                f'{_number(value)}</title></rect>')
            base += value
    summary = _("%(n)d periods, the largest total %(max)s %(unit)s; the table below gives every figure.") % {
        "n": len(x_labels), "max": _number(max(totals, default=0)), "unit": unit}
    return _frame(key=key, title=title, summary=summary, body=body, top=top, unit=unit,
                  axis=axis or [(label, "") for label in x_labels])


def line_chart(*, key: str, title: str, x_labels: list[str], series: list[tuple[str, list]], unit: str,
               top: float | None = None, axis: list[tuple[str, str]] | None = None,
               series_keys: list[str] | None = None) -> SafeString:
    """One line per series; a period without a value (None) leaves a gap. Arguments as bar_chart's."""
    keys = series_keys or [""] * len(series)
    values = [v for _name, points in series for v in points if v is not None]
    top = top or nice_ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(x_labels), 1)
    body = []
    for index, (name, points) in enumerate(series):
        segments, current = [], []
        for i, value in enumerate(points):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append((LEFT + plot_w * (i + 0.5) / count, TOP + plot_h * (1 - value / top), x_labels[i], value))
        if current:
            segments.append(current)
        for segment in segments:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _label, _value in segment)
            body.append(f'<polyline class="line {_series_class(index, keys[index])}" points="{path}"/>')
            body.extend(f'<circle class="dot {_series_class(index, keys[index])}" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(label)} · '
                        f'{escape(name)}: {_number(value)}</title></circle>' for x, y, label, value in segment)
    summary = _("%(series)s over %(n)d periods; the table below gives every figure.") % {
        "series": ", ".join(name for name, _points in series), "n": len(x_labels)}
    return _frame(key=key, title=title, summary=summary, body=body, top=top, unit=unit,
                  axis=axis or [(label, "") for label in x_labels])


# Which columns of each report table are drawn, and how.
CHARTS = {
    "volume_label": ("bar", slice(1, -1), None),
    "volume_platform": ("bar", slice(1, -1), None),
    "first_response": ("line", slice(2, 4), None),
    "resolution": ("line", slice(2, 4), None),
    "sla": ("line", (2, 4), 100),
    "backlog": ("bar", slice(1, 2), None),
}


# Columns holding durations, and the minutes in one unit of their numbers: the page writes them
# as people read them ("6 h 50 min"); the CSV and the charts keep the numbers.
DURATIONS = {"first_response": (1, (2, 3)), "resolution": (60, (2, 3)), "agents": (1, (2,))}


def _page_cells(key: str, cells: list) -> list:
    scale, columns = DURATIONS.get(key, (None, ()))
    return [cells[0], *(duration_text(value * scale) if i in columns and value is not None else cell_text(value)
                        for i, value in enumerate(cells[1:], start=1))]


def _page_header(key: str, index: int, header: str) -> str:
    """"Median (minutes)" reads "Median" above cells that say "6 h 50 min"."""
    return re.sub(r"\s*\([^)]*\)$", "", header) if index in DURATIONS.get(key, (None, ()))[1] else header


def report_blocks(report) -> list[dict]:
    """For each table of the report: its chart (if it has one), the chart's legend, the table
    as read (newest period first)."""
    blocks = []
    for key, table in report.tables.items():
        reading = table.reading_rows()
        block = {"table": table, "chart": None, "legend": [],
                 "headers": [_page_header(key, i, header) for i, header in enumerate(table.headers)],
                 "rows": [_page_cells(key, row) for row in reading],
                 "total": _page_cells(key, table.total) if table.total else None}
        if key in CHARTS:
            kind, columns, top = CHARTS[key]
            indexes = list(range(len(table.headers)))[columns] if isinstance(columns, slice) else list(columns)
            series = [(table.headers[i], [row[i] for row in table.rows]) for i in indexes]
            keys = [table.column_keys[i] if table.column_keys else "" for i in indexes]
            x_labels = [row[0] for row in table.rows]
            axis = axis_labels(table.periods, report.filters.grouping) if table.periods else None
            draw = bar_chart if kind == "bar" else line_chart
            extra = {"top": top} if top else {}
            block["chart"] = draw(key=key, title=table.title, x_labels=x_labels, series=series, unit=table.unit,
                                  axis=axis, series_keys=keys, **extra)
            block["legend"] = [(_series_class(index, keys[index]), name) for index, (name, _values) in enumerate(series)]
        blocks.append(block)
    return blocks
