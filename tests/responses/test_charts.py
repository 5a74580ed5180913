"""The report's charts read at a glance: short axis labels that never crowd each other, the year
where it changes, labels in their chips' colours, and tables with the newest period on top."""

import re
from datetime import date, timedelta
from itertools import pairwise

from django.utils import translation

from responses.charts import (
    AXIS_CHAR_WIDTH,
    LEFT,
    RIGHT,
    WIDTH,
    axis_labels,
    bar_chart,
    report_blocks,
)
from responses.reports import Report, ReportFilters, Table


def _weeks(first: date, count: int) -> list[date]:
    return [first + timedelta(weeks=i) for i in range(count)]


def test_axis_labels_are_short_with_the_year_where_it_changes():
    with translation.override("en"):
        labels = axis_labels(_weeks(date(2025, 12, 1), 6), "week")
        assert labels[:2] == [("1 Dec", "2025"), ("8 Dec", "")]
        assert labels[5] == ("5 Jan", "2026")
        assert axis_labels([date(2025, 12, 1), date(2026, 1, 1)], "month") == [("Dec", "2025"), ("Jan", "2026")]
    with translation.override("fr"):
        assert axis_labels([date(2026, 2, 2)], "week") == [("2 fév.", "2026")]
        assert axis_labels([date(2026, 8, 1)], "month") == [("août", "2026")]


def _x_labels(svg: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in re.findall(r'class="axis x-label" x="([\d.]+)"[^>]*>([^<]*)<', svg)]


def test_a_year_by_week_has_labels_that_do_not_overlap():
    days = _weeks(date(2025, 12, 1), 53)
    with translation.override("en"):
        svg = bar_chart(key="v", title="T", x_labels=[d.isoformat() for d in days], series=[("Complaint", [1] * 53)],
                        unit="mentions", axis=axis_labels(days, "week"), series_keys=["complaint"])
    labels = _x_labels(svg)
    assert 6 <= len(labels) <= 20
    for (x1, text1), (x2, text2) in pairwise(labels):
        assert x2 - x1 > (len(text1) + len(text2)) / 2 * AXIS_CHAR_WIDTH, (text1, text2)
    assert all(x <= WIDTH - RIGHT and x >= LEFT for x, _text in labels)
    # The year under the first label and under the first label of 2026, once each.
    years = re.findall(r'class="axis x-year"[^>]*>(\d{4})<', svg)
    assert years == ["2025", "2026"]


def test_label_series_take_their_chips_colour_and_tables_read_newest_first():
    days = _weeks(date(2026, 3, 2), 3)
    table = Table(key="volume_label", title="Mentions by label", headers=["Week", "Complaint", "Question", "Total"],
                  rows=[[f"week of {d.isoformat()}", i, 1, i + 1] for i, d in enumerate(days)],
                  total=["Total", 3, 3, 6], periods=days, column_keys=["", "complaint", "question", ""])
    backlog = Table(key="backlog", title="Open mentions by age", headers=["Waiting for", "Open mentions"],
                    rows=[["under 1 h", 2], ["1–4 h", 1]])
    filters = ReportFilters(brand_ids=(), start=days[0], end=days[-1] + timedelta(days=6), grouping="week",
                            time_zone="Europe/Paris")
    with translation.override("en"):
        blocks = report_blocks(Report(filters=filters, now=None, tables={"volume_label": table, "backlog": backlog}))
    volume, ages = blocks
    assert [row[0] for row in volume["rows"]] == ["week of 2026-03-16", "week of 2026-03-09", "week of 2026-03-02"]
    assert [row[0] for row in ages["rows"]] == ["under 1 h", "1–4 h"]  # not periods: kept in their order
    assert volume["legend"] == [("series-complaint", "Complaint"), ("series-question", "Question")]
    svg = str(volume["chart"])
    assert svg.count('class="series-complaint"') == 2  # weeks 2 and 3 (week 1 has no complaint)
    # The chart still reads left to right, oldest first.
    assert [text for _x, text in _x_labels(svg)] == ["2 Mar", "9 Mar", "16 Mar"]
