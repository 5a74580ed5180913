"""The response-time report against figures computed by hand, in business hours.

Lumio works Monday to Friday, 09:00–17:00 Paris time; its SLA (every label) is a first response
within 60 business minutes and a resolution within 8 business hours. The period is the week of
Monday 3 March 2025, by day; "now" is Monday 10 March, 12:00.

| mention | posted (Paris)   | label/platform     | what happened                               | first resp. | resolution |
| m1      | Mon 3, 08:30     | complaint/X        | Camille replies 09:45, resolves 11:00       | 45 met      | 120 met    |
| m2      | Mon 3, 16:30     | question/Facebook  | Sam replies Tue 09:40, still open           | 70 missed   | overdue    |
| m3      | Fri 7, 18:00     | complaint/X        | Camille replies Mon 10, 09:20, then waiting | 20 met      | paused     |
| m4      | Sat 8, 10:00     | praise/X           | ignored, nobody assigned                    | —           | —          |
| m5      | Tue 4, 10:00     | complaint/blog     | nobody answered                             | overdue     | overdue    |
| m6      | Wed 5, 09:00     | question/X         | Sam replies 09:30, resolves Thu 10:00       | 30 met      | 540 missed |
| m7, m8  | Feb 24 / Mar 10  | outside the period, still open: only in the backlog                              |

m3 in calendar time would be 3,800 minutes; in business hours it is 20.
"""

import csv
import io
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts import roles
from complaints.classification import mention_triage_prepare
from complaints.services import mention_status_set
from listening.choices import Platform, Status
from responses.charts import bar_chart, line_chart
from responses.models import MentionTiming
from responses.reports import ReportFilters, report_build
from responses.sending import response_record_sent
from responses.timing_sql import moment_before
from sla.durations import duration_text
from sla.models import CountedIn
from tests.factories import (
    BrandFactory, BusinessCalendarFactory, MentionFactory, ShiftFactory, SLAPolicyFactory, UserFactory,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def lumio(db):
    brand = BrandFactory(name="Lumio", slug="lumio", time_zone="Europe/Paris")
    calendar = BusinessCalendarFactory(brand=brand)
    for weekday in range(5):
        ShiftFactory(calendar=calendar, weekday=weekday, starts_at=time(9), ends_at=time(17))
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, resolution_minutes=480,
                     counted_in=CountedIn.BUSINESS_HOURS)
    camille = UserFactory(username="camille", first_name="Camille", role=roles.COMMUNITY_MANAGER)
    sam = UserFactory(username="sam", first_name="Sam", role=roles.COMMUNITY_MANAGER)

    def mention(posted, label, platform="twitter"):
        return mention_triage_prepare(mention=MentionFactory(brand=brand, posted_at=posted, label=label,
                                                             platform=platform))

    m = {"m1": mention(at(3, 8, 30), "complaint"), "m2": mention(at(3, 16, 30), "question", "facebook"),
         "m3": mention(at(7, 18), "complaint"), "m4": mention(at(8, 10), "praise"),
         "m5": mention(at(4, 10), "complaint", "blog"), "m6": mention(at(5, 9), "question"),
         "m7": mention(at(24, 10, month=2), "other"), "m8": mention(at(10, 11, 30), "question")}
    response_record_sent(mention=m["m1"], text="On regarde", author=camille, sent_at=at(3, 9, 45))
    mention_status_set(mention=m["m1"], status=Status.RESOLVED, actor=camille, at=at(3, 11))
    response_record_sent(mention=m["m2"], text="Oui", author=sam, sent_at=at(4, 9, 40))
    response_record_sent(mention=m["m3"], text="Pouvez-vous...", author=camille, sent_at=at(10, 9, 20))
    mention_status_set(mention=m["m3"], status=Status.WAITING, actor=camille, at=at(10, 9, 20))
    mention_status_set(mention=m["m4"], status=Status.IGNORED, actor=camille, at=at(8, 10, 30))
    response_record_sent(mention=m["m6"], text="Oui", author=sam, sent_at=at(5, 9, 30))
    mention_status_set(mention=m["m6"], status=Status.RESOLVED, actor=sam, at=at(6, 10))
    BrandFactory(name="Other brand")  # not chosen: its mentions must not count
    MentionFactory(brand__name="Elsewhere", posted_at=at(4, 10))
    return brand, m


def week_report(brand, **extra):
    filters = ReportFilters(brand_ids=(brand.pk,), start=date(2025, 3, 3), end=date(2025, 3, 9), grouping="day",
                            time_zone="Europe/Paris", **extra)
    return report_build(filters=filters, now=NOW)


def test_times_are_stored_in_business_hours_when_they_become_known(lumio):
    _brand, m = lumio
    m3 = MentionTiming.objects.get(mention=m["m3"])
    assert (m3.counted_in, m3.first_response_minutes, m3.first_response_met) == (CountedIn.BUSINESS_HOURS, 20, True)
    assert m3.resolution_minutes is None and m3.agent.username == "camille"
    m6 = MentionTiming.objects.get(mention=m["m6"])
    assert (m6.first_response_minutes, m6.resolution_minutes, m6.resolution_met) == (30, 540, False)
    assert not MentionTiming.objects.filter(mention=m["m4"]).exists()  # ignored, nobody's: nothing to measure
    mention_status_set(mention=m["m6"], status=Status.OPEN, actor=None, at=at(7, 9))  # reopened
    assert MentionTiming.objects.get(mention=m["m6"]).resolution_minutes is None


def test_volume_by_label_and_platform(lumio):
    tables = week_report(lumio[0]).tables
    labels = tables["volume_label"]
    assert labels.headers == ["Day", "Complaint", "Question", "Praise", "Other", "Total"]
    assert [row[0] for row in labels.rows] == [f"2025-03-0{d}" for d in range(3, 10)]
    assert labels.rows[0] == ["2025-03-03", 1, 1, 0, 0, 2]
    assert labels.rows[5] == ["2025-03-08", 0, 0, 1, 0, 1]
    assert labels.total == ["Total", 3, 2, 1, 0, 6]
    by_platform = tables["volume_platform"]
    totals = dict(zip(by_platform.headers, by_platform.total))
    assert by_platform.headers[1:-1] == [str(label) for _value, label in Platform.choices]  # one column per channel
    assert {name: n for name, n in totals.items() if n} == {"Day": "Total", "X (Twitter)": 4, "Facebook": 1,
                                                           "Blog / RSS": 1, "Total": 6}


def test_medians_and_90th_percentiles_by_day_and_for_the_week(lumio):
    tables = week_report(lumio[0]).tables
    first = tables["first_response"]
    assert first.rows[0] == ["2025-03-03", 2, 57.5, 67.5]
    assert first.rows[1] == ["2025-03-04", 0, None, None]
    assert first.rows[4] == ["2025-03-07", 1, 20.0, 20.0]
    assert first.total == ["Whole period", 4, 37.5, 62.5]  # 20, 30, 45, 70 minutes
    assert tables["resolution"].rows[2] == ["2025-03-05", 1, 9.0, 9.0]
    assert tables["resolution"].total == ["Whole period", 2, 5.5, 8.3]  # 2 h and 9 h


def test_sla_compliance_counts_open_mentions_past_their_due_time(lumio):
    sla = week_report(lumio[0]).tables["sla"]
    assert sla.rows[0] == ["2025-03-03", 2, 50.0, 2, 50.0]
    assert sla.rows[1] == ["2025-03-04", 1, 0.0, 1, 0.0]  # m5: never answered
    assert sla.rows[4] == ["2025-03-07", 1, 100.0, 0, None]  # m3 waits for the customer: no verdict yet
    assert sla.total == ["Whole period", 5, 60.0, 4, 25.0]


def test_backlog_ages_are_counted_in_business_hours(lumio):
    backlog = week_report(lumio[0]).tables["backlog"]
    # m8 30 min; m3 3 business hours (66 calendar hours); m5 34 h; m2 35.5 h; m7 82 h
    assert [row[1] for row in backlog.rows] == [1, 1, 0, 0, 2, 1]
    assert backlog.total == ["Total", 5]


def test_agents(lumio):
    agents = week_report(lumio[0]).tables["agents"]
    assert agents.rows == [["Camille", 2, 32.5, 100.0], ["Sam", 2, 50.0, 50.0]]


def test_weeks_and_months_are_in_the_managers_time_zone(lumio):
    brand, _m = lumio
    filters = ReportFilters(brand_ids=(brand.pk,), start=date(2025, 2, 1), end=date(2025, 3, 31), grouping="month",
                            time_zone="Europe/Paris")
    volume = report_build(filters=filters, now=NOW).tables["volume_label"]
    assert [row[0] for row in volume.rows] == ["February 2025", "March 2025"]
    assert [row[-1] for row in volume.rows] == [1, 7]
    # In Los Angeles, m1 (Monday 08:30 in Paris) was posted on Sunday 2 March, 23:30.
    la = ReportFilters(brand_ids=(brand.pk,), start=date(2025, 3, 2), end=date(2025, 3, 3), grouping="day",
                       time_zone="America/Los_Angeles")
    assert [row[-1] for row in report_build(filters=la, now=NOW).tables["volume_label"].rows] == [1, 1]


def test_percentiles_agree_with_postgres_percentile_cont(lumio):
    import numpy as np
    from django.db import connection

    from responses.report_figures import percentiles

    rng = np.random.default_rng(3)
    for values in ([20.0, 30.0, 45.0, 70.0], [7.25], rng.exponential(90, 1001).tolist(), (rng.integers(0, 9, 40) * 1.0).tolist()):
        with connection.cursor() as cursor:
            cursor.execute("SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) v",
                           [values])
            in_sql = cursor.fetchone()[0]
        assert percentiles(np.array(values + [float("nan")])) == in_sql  # NaN: no time yet, ignored
    assert percentiles(np.array([float("nan")])) == [None, None]


def test_moment_before_walks_back_business_hours(lumio):
    from sla.selectors import sla_policies_by_label

    clock = sla_policies_by_label(brand_id=lumio[0].pk)[""].clock
    cut = moment_before(clock=clock, end=NOW, minutes=4 * 60)
    assert abs((cut - at(7, 16)).total_seconds()) <= 1  # Mon 09:00–12:00, then Friday's last hour


def test_charts_are_accessible_images_with_the_numbers_as_tooltips():
    svg = bar_chart(key="v", title="Mentions & co", x_labels=["a", "b"], series=[("X", [2, 0]), ("Blog", [1, None])],
                    unit="mentions")
    assert 'role="img"' in svg and "<title>Mentions &amp; co</title>" in svg and 'aria-label="Mentions &amp; co.' in svg
    assert svg.count("<rect") == 2 and "a · X: 2" in svg
    line = line_chart(key="t", title="T", x_labels=["a", "b", "c"], series=[("Median", [1.5, None, 3])], unit="min")
    assert line.count("<polyline") == 2  # a gap where there is no value


def _screen_tables(html: str) -> list[list[list[str]]]:
    tables = []
    for table in re.findall(r"<table.*?</table>", html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        tables.append([[re.sub(r"<.*?>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                       for row in rows])
    return tables


def test_the_figures_csv_is_exactly_the_screen(lumio, client):
    client.force_login(UserFactory(username="nadia", role=roles.MANAGER))
    query = {"brand": lumio[0].pk, "start": "2025-03-03", "end": "2025-03-09", "group": "day"}
    page = client.get(reverse("responses:report"), query)
    assert page.status_code == 200
    export = client.get(reverse("responses:report-figures-csv") + "?" + page.context["export_query"])
    assert export["Content-Disposition"] == 'attachment; filename="ecoute-report-2025-03-03-2025-03-09.csv"'
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    sections = []
    for line in lines[1:]:  # after the line saying what the report covers: blank, title, the table
        if not line:
            sections.append([])
        else:
            sections[-1].append([cell or "—" for cell in line])
    sections = [section[1:] for section in sections]
    screen = _screen_tables(page.content.decode())
    assert ["Whole period", "4", "37.5", "62.5"] in sections[2]
    # The screen writes durations as people read them; the CSV keeps the numbers (and the unit
    # in the header).
    assert screen[2][0] == ["Day", "Answered", "Median", "90th percentile"]
    assert ["2025-03-03", "2", "57 min", "1 h 7 min"] in screen[2] and ["Whole period", "4", "37 min", "1 h 2 min"] in screen[2]
    durations = {2: (1, (2, 3)), 3: (60, (2, 3)), 6: (1, (2,))}  # first response, resolution, agents
    for index, (scale, columns) in durations.items():
        sections[index] = [[re.sub(r" \(.*\)$", "", cell) if i in columns else cell for i, cell in enumerate(row)]
                           if row is sections[index][0] else
                           [duration_text(float(cell) * scale) if i in columns and cell != "—" else cell
                            for i, cell in enumerate(row)] for row in sections[index]]
    assert sections == screen


def test_the_mentions_csv_lists_each_mention_with_its_times(lumio, client):
    client.force_login(UserFactory(username="nadia", role=roles.MANAGER))
    export = client.get(reverse("responses:report-mentions-csv"),
                        {"brand": lumio[0].pk, "start": "2025-03-03", "end": "2025-03-09"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 7 and rows[-1]["Mention"] == "End of export: 6 mentions."
    m3 = next(r for r in rows if r["Mention"] == str(lumio[1]["m3"].pk))
    assert (m3["Posted"], m3["First response (minutes)"], m3["First response on time"], m3["Agent"]) == (
        "2025-03-07T18:00:00+01:00", "20.0", "yes", "Camille")
    assert m3["Counted in"] == "Business hours (the brand's calendar)"
    assert m3["Link"].endswith(f"/mentions/{lumio[1]['m3'].pk}/")
    assert (m3["Platform"], m3["Label"]) == ("X (Twitter)", "Complaint")


def test_the_mentions_csv_names_labels_and_statuses_in_the_readers_language(lumio, client):
    client.force_login(UserFactory(username="nadia", role=roles.MANAGER))
    export = client.get(reverse("responses:report-mentions-csv"),
                        {"brand": lumio[0].pk, "start": "2025-03-03", "end": "2025-03-09"}, HTTP_ACCEPT_LANGUAGE="fr")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    rows, end = rows[:-1], rows[-1]  # the last line says the export is complete
    assert end["Mention"].startswith("Fin de l")
    m3 = next(r for r in rows if r["Mention"] == str(lumio[1]["m3"].pk))
    assert (m3["Plateforme"], m3["Étiquette"], m3["Compté en"]) == (
        "X (Twitter)", "Réclamation", "Heures ouvrées (calendrier de la marque)")
    assert {r["Statut"] for r in rows} <= {"Nouvelle", "Ouverte", "En attente du client", "Résolue", "Ignorée"}
    assert "complaint" not in {r["Étiquette"] for r in rows}


@pytest.mark.parametrize("role, status", [
    (None, 302), (roles.COMMUNITY_MANAGER, 403), (roles.MANAGER, 200), (roles.ADMIN, 200), ("both", 200)])
@pytest.mark.parametrize("name", ["responses:report", "responses:report-figures-csv", "responses:report-mentions-csv"])
def test_only_managers_and_admins_open_reports(client, db, role, status, name):
    if role == "both":
        user = UserFactory(username="cm-manager", role=roles.COMMUNITY_MANAGER)
        user.groups.add(UserFactory(username="other-manager", role=roles.MANAGER).groups.get())
    elif role:
        user = UserFactory(username="someone", role=role)
    if role:
        client.force_login(user)
    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize("query, message", [
    ({"start": "2025-03-09", "end": "2025-03-03"}, "The first day must be on or before the last day."),
    ({"start": "03/09/2025"}, "Write the date as YYYY-MM-DD, for example 2025-03-31."),
    ({"start": "2020-01-01", "end": "2025-01-01"}, "A report covers at most three years"),
    ({"start": "2024-01-01", "end": "2025-03-01", "group": "day"}, "Grouped by day, a report covers at most a year"),
    ({"group": "year"}, "Group by day, week or month (not “year”)."),
    ({"brand": "99999"}, "There is no brand 99999: choose brands from the list."),
])
def test_bad_settings_get_a_plain_explanation(client, manager, query, message):
    client.force_login(manager)
    page = client.get(reverse("responses:report"), query)
    assert page.status_code == 400 and message in page.content.decode()
    export = client.get(reverse("responses:report-figures-csv"), query)
    assert export.status_code == 400 and message in export.content.decode()


def test_backfill_recomputes_stored_times_after_a_policy_change(lumio):
    from django.core.management import call_command

    brand, m = lumio
    brand.sla_policies.update(counted_in=CountedIn.CALENDAR)
    MentionTiming.objects.filter(mention=m["m1"]).delete()
    call_command("timings_backfill", "--brand", "lumio", stdout=io.StringIO())
    m3 = MentionTiming.objects.get(mention=m["m3"])
    assert (m3.counted_in, m3.first_response_minutes, m3.first_response_met) == (CountedIn.CALENDAR, 3800, False)
    assert MentionTiming.objects.get(mention=m["m1"]).first_response_minutes == 75  # 08:30 → 09:45
    with pytest.raises(Exception, match="no brand with the short name “nope”"):
        call_command("timings_backfill", "--brand", "nope")


def test_a_mentions_csv_that_fails_midway_says_it_is_incomplete(lumio, client, monkeypatch):
    """The 200 is sent with the first row: a later failure must not leave a file that looks whole."""
    from responses import report_views

    real = report_views._mention_rows

    def failing_rows(**kwargs):
        rows = real(**kwargs)
        yield next(rows)
        rows.close()
        raise OverflowError("date value out of range")

    monkeypatch.setattr(report_views, "_mention_rows", failing_rows)
    client.force_login(UserFactory(username="nadia", role=roles.MANAGER))
    export = client.get(reverse("responses:report-mentions-csv"),
                        {"brand": lumio[0].pk, "start": "2025-03-03", "end": "2025-03-09"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and "this file is incomplete" in lines[-1]
    assert not any(line.startswith("End of export") for line in lines)


def test_the_report_reads_naturally_in_french_and_english(lumio, client):
    from accounts.models import Profile

    nadia = UserFactory(username="nadia", role=roles.MANAGER)
    client.force_login(nadia)
    query = {"brand": lumio[0].pk, "start": "2025-03-03", "end": "2025-03-09", "group": "day"}
    english = client.get(reverse("responses:report"), query).content.decode()
    as_of = re.search(r"Open mentions as of ([^<]*?)\. A first", english)
    assert as_of and re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", as_of.group(1))  # one period, no "p.m.."
    Profile.objects.create(user=nadia, language="fr")
    french = _screen_tables(client.get(reverse("responses:report"), query).content.decode())
    assert french[2][0] == ["Jour", "Avec réponse", "Médiane", "90e centile"]
    assert ["Toute la période", "4", "37 min", "1 h 2 min"] in french[2]
