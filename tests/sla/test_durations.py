"""Durations as people read them, in English and in French."""

import pytest
from django.utils import translation

from sla.durations import duration_text


@pytest.mark.parametrize("minutes, english, french", [
    (0.4, "under 1 min", "moins d’1 min"),
    (45, "45 min", "45 min"),
    (410.5, "6 h 50 min", "6 h 50 min"),
    (120, "2 h", "2 h"),
    (24 * 60, "1 day", "1 jour"),
    (3 * 24 * 60 + 4 * 60 + 59, "3 days 4 h", "3 jours 4 h"),
    (15 * 24 * 60 + 10 * 60, "15 days", "15 jours"),  # beyond a week, the hours are noise
    (-90, "1 h 30 min", "1 h 30 min"),  # a time since: its size
])
def test_durations_read_as_people_read_them(minutes, english, french):
    with translation.override("en"):
        assert duration_text(minutes) == english
    with translation.override("fr"):
        assert duration_text(minutes) == french
