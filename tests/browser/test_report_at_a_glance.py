"""A manager reads a year of the report at a glance, on a wide screen and on a narrow one, in
English and French: complaints are red in the chart as in the queue's chips, the axis labels of
52 weeks don't overlap, the newest week is on top, the tables keep their headers at 800 px and
scroll sideways, and the top bar stays on one line with "Log out" whole."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from listening.choices import Label, Platform
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def a_year_of_mentions():
    brand = BrandFactory(name="Lumio")
    now = timezone.now()
    labels = [Label.COMPLAINT, Label.QUESTION, Label.PRAISE, Label.OTHER]
    platforms = [Platform.TWITTER, Platform.FACEBOOK, Platform.BLOG]
    for day in range(0, 364, 3):
        MentionFactory(brand=brand, posted_at=now - timedelta(days=day, hours=2), label=labels[day % 4],
                       platform=platforms[day % 3])
    return brand


def _open_year(page, live_server):
    today = timezone.localdate()
    page.goto(f"{live_server.url}/reports/?start={(today - timedelta(days=364)).isoformat()}&end={today.isoformat()}"
              "&group=week")


X_LABEL_BOXES = """() => [...document.querySelectorAll('#chart-volume_label .x-label, #chart-volume_label .x-year')]
    .map(t => t.getBoundingClientRect()).map(r => [r.left, r.right, r.top, r.bottom])"""


def _overlaps(boxes) -> list:
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]]


@pytest.mark.parametrize("locale,language,log_out", [("en-GB", "en", "Log out"), ("fr-FR", "fr", "Se déconnecter")])
def test_a_year_by_week_reads_at_a_glance_at_1280_and_800_px(signed_in, a_year_of_mentions, live_server, screenshots,
                                                            locale, language, log_out):
    manager = UserFactory(username=f"nadia-{language}", first_name="Nadia", last_name="Benali", role=roles.MANAGER)
    page = signed_in(manager, locale=locale)
    if page.locator("#lang-select").input_value() != language:
        with page.expect_navigation():
            page.select_option("#lang-select", language)
    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        _open_year(page, live_server)

        # Complaint red in the chart, the legend and the queue's chip alike.
        chip_red = page.evaluate("""() => { const chip = document.createElement('span');
            chip.className = 'tag tag-complaint'; document.body.append(chip);
            const colour = getComputedStyle(chip).color; chip.remove(); return colour; }""")
        assert chip_red == "rgb(180, 35, 24)"
        bars = page.locator("#chart-volume_label rect.series-complaint")
        assert bars.count() > 10
        assert page.evaluate("() => getComputedStyle(document.querySelector("
                             "'#chart-volume_label rect.series-complaint')).fill") == chip_red
        assert page.evaluate("() => getComputedStyle(document.querySelector("
                             "'#block-volume_label .legend .series-complaint'), '::before').backgroundColor") == chip_red

        # 52 weeks, labelled every few weeks, the year under the first label: nothing overlaps.
        boxes = page.evaluate(X_LABEL_BOXES)
        assert 6 <= len(boxes) <= 20
        assert _overlaps(boxes) == []

        # The newest week first.
        first_row = page.locator("[data-table=volume_label] tbody tr").first.locator("th").inner_text()
        last_row = page.locator("[data-table=volume_label] tbody tr").last.locator("th").inner_text()
        assert first_row > last_row  # "week of 2026-11-30" after "week of 2025-12-01"

        # Headers in view, a real table (not the queue's cards), scrolled sideways when too wide.
        header = page.locator("[data-table=sla] thead th").nth(2)
        assert header.is_visible()
        assert page.evaluate("() => getComputedStyle(document.querySelector('[data-table=sla]')).display") == "table"
        assert page.evaluate("() => getComputedStyle(document.querySelector('[data-table=sla] thead')).display") \
            == "table-header-group"
        overflow = page.evaluate("""() => { const wrap = document.querySelector('#block-sla .table-wrap');
            return [wrap.scrollWidth, wrap.clientWidth, getComputedStyle(wrap).overflowX,
                    document.documentElement.scrollWidth, window.innerWidth]; }""")
        _scroll_width, _client_width, overflow_x, page_width, window_width = overflow
        assert overflow_x == "auto"
        assert page_width <= window_width  # the page itself never scrolls sideways

        # One line of top bar; "Log out" whole and inside the window.
        bar = page.locator(".topbar").bounding_box()
        assert bar["height"] <= 48
        button = page.get_by_role("button", name=log_out)
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= window_width
        assert box["height"] < 24  # one line of 14 px text
        assert page.evaluate("b => b.scrollWidth <= b.clientWidth", button.element_handle())
        nav_links = page.evaluate("() => [...document.querySelectorAll('.topbar nav a')].map(a => a.getBoundingClientRect().height)")
        assert max(nav_links) < 28  # no link breaks over two lines

        heights = page.evaluate("() => [...document.querySelectorAll('.report-table thead th')]"
                                ".map(th => th.getBoundingClientRect().height)")
        assert max(heights) < 34  # headers on one line: the table scrolls rather than squeezing them

        page.screenshot(path=str(screenshots / f"report-{language}-{width}.png"), full_page=False)
