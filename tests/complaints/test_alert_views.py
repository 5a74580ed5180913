"""The crisis alerts and complaint topics pages: who may open them, POST with CSRF only,
customers' words escaped, filters in the URL, bad dates refused in plain words."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import CrisisAlert
from tests.factories import BrandFactory, CrisisAlertFactory, MentionFactory, UserFactory

pytestmark = pytest.mark.django_db

NASTY = '<script>alert("x")</script> Panne & <b>rien</b>'


@pytest.fixture
def alert(db):
    brand = BrandFactory(name="Lumio")
    viral = MentionFactory(brand=brand, text=NASTY, reposts_count=120)
    return CrisisAlertFactory(brand=brand, top_mention_ids=[viral.pk])


def client_for(role):
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


@pytest.mark.parametrize("url", ["/alerts/", "/insights/"])
@pytest.mark.parametrize(("role", "status"), [
    (None, 403), ("Community manager", 403), ("Manager", 200), ("Admin", 200),
])
def test_pages_are_for_managers_and_admins(alert, url, role, status):
    assert client_for(role).get(url).status_code == status


@pytest.mark.parametrize("url", ["/alerts/", "/insights/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_changes_are_post_only_and_for_managers(alert, action):
    url = f"/alerts/{alert.pk}/{action}/"
    assert client_for("Manager").get(url).status_code == 405
    assert client_for("Community manager").post(url).status_code == 403
    alert.refresh_from_db()
    assert alert.state == "open"


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_changes_need_the_csrf_token(alert, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role="Manager"))
    assert client.post(f"/alerts/{alert.pk}/{action}/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == "open"


def test_a_manager_acknowledges_then_resolves(alert):
    manager = UserFactory(username="nadia", first_name="Nadia", role="Manager")
    client = Client()
    client.force_login(manager)

    response = client.post(f"/alerts/{alert.pk}/acknowledge/", follow=True)
    assert response.redirect_chain[-1][0] == f"/alerts/#alert-{alert.pk}"
    assert "Alert acknowledged" in response.content.decode()
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == ("acknowledged", manager)

    again = client.post(f"/alerts/{alert.pk}/acknowledge/", follow=True).content.decode()
    assert "This alert is already acknowledged (by Nadia)." in again

    # With HTMX the alert's own partial comes back, to be swapped in place.
    partial = client.post(f"/alerts/{alert.pk}/resolve/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith(f'<article class="panel crisis-alert crisis-resolved" id="alert-{alert.pk}"')
    assert "Resolved by Nadia" in partial and "<html" not in partial
    alert.refresh_from_db()
    assert (alert.state, alert.resolved_by) == ("resolved", manager)


def test_an_unknown_alert_is_not_found(db):
    assert client_for("Manager").post("/alerts/999999/resolve/").status_code == 404


def test_the_list_shows_open_alerts_first_with_reasons_and_escaped_mentions(alert):
    resolved = CrisisAlertFactory(brand=BrandFactory(name="Volta"), state="resolved", resolved_at=timezone.now(),
                                  opened_at=timezone.now() - timedelta(minutes=5))
    body = client_for("Manager").get("/alerts/").content.decode()

    assert body.index(f'id="alert-{alert.pk}"') < body.index("History") < body.index(f'id="alert-{resolved.pk}"')
    assert "60 complaints in the last hour; usually 12 at this hour of the week." in body
    assert "Complaints were 75% of all mentions; usually 25%." in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Panne &amp; &lt;b&gt;rien&lt;/b&gt;" in body
    assert "<script>alert" not in body and "<b>rien" not in body
    assert f'href="/mentions/{alert.top_mention_ids[0]}/"' in body


@pytest.fixture
def complaints(db):
    lumio, volta = BrandFactory(name="Lumio"), BrandFactory(name="Volta")
    now = timezone.now()
    for day in range(1, 5):
        MentionFactory(brand=lumio, text=f"Encore une coupure d'électricité ce matin {day}", language="fr",
                       posted_at=now - timedelta(days=day))
        MentionFactory(brand=lumio, text=f"My bill is wrong again, double billing <i>{day}</i>", language="en",
                       posted_at=now - timedelta(days=day))
        MentionFactory(brand=volta, text=f"Livraison en retard, colis perdu {day}", language="fr",
                       posted_at=now - timedelta(days=day))
    MentionFactory(brand=lumio, text="Encore une coupure d'électricité", posted_at=now - timedelta(days=40))
    return lumio, volta


def test_topics_with_count_trend_and_escaped_examples(complaints):
    body = client_for("Manager").get("/insights/?period=7").content.decode()
    rows = body[body.index("<tbody>"):]
    assert "coupure d&#x27;électricité" in rows and "double billing" in rows and "colis perdu" in rows
    assert "★</span> new" in rows  # none of them were there the week before
    assert "double billing &lt;i&gt;4&lt;/i&gt;" in rows and "<i>" not in rows
    assert "12 complaints from" in body


def test_filters_live_in_the_url(complaints):
    lumio, _volta = complaints
    client = client_for("Manager")
    french = client.get(f"/insights/?brand={lumio.pk}&language=fr&period=30").content.decode()
    assert "coupure d&#x27;électricité" in french and "double billing" not in french and "colis perdu" not in french
    assert f'<option value="{lumio.pk}" selected>' in french and '<option value="30" selected>' in french

    today = timezone.localdate()
    dated = client.get(f"/insights/?from={today - timedelta(days=2)}&to={today}").content.decode()
    assert "6 complaints from" in dated  # days 1 and 2 of each of the three series
    # A period picked in the list wins over dates left in the URL; the form keeps the dates only while used.
    assert "13 complaints from" in client.get(f"/insights/?period=90&from={today}").content.decode()
    assert f'<input type="hidden" name="from" value="{today - timedelta(days=2)}">' in dated
    assert f'<input type="hidden" name="brand" value="{lumio.pk}">' in french


@pytest.mark.parametrize(("query", "message"), [
    ("from=07/04/2026", "“07/04/2026” is not a date: write it as YYYY-MM-DD, for example 2026-04-07."),
    ("from=2026-04-09&to=2026-04-01", "The first day of the period must come before its last day."),
    ("to=2026-04-01", "Give the first day of the period too."),
    ("from=2024-01-01&to=2026-01-01", "Choose a period of at most a year."),
])
def test_bad_dates_are_refused_in_plain_words(db, query, message):
    response = client_for("Manager").get(f"/insights/?{query}")
    assert response.status_code == 400  # as the report page answers its bad dates
    assert message.replace("“", "&ldquo;") in response.content.decode() or message in response.content.decode()


def test_an_admin_sets_a_brands_recipients_in_the_admin_and_subscribes_slack_to_alerts(alert):
    client = client_for("Admin")
    nadia = UserFactory(username="nadia", role="Manager")
    camille = UserFactory(username="camille", role="Community manager")
    form = client.get("/admin/complaints/crisissettings/add/").content.decode()
    assert f'value="{nadia.pk}"' in form and f'value="{camille.pk}"' not in form  # managers only

    response = client.post("/admin/complaints/crisissettings/add/", {
        "brand": alert.brand.pk, "enabled": "on", "email_recipients": [nadia.pk]})
    assert response.status_code == 302
    listing = client.get("/admin/complaints/crisissettings/").content.decode()
    assert "Lumio" in listing and "nadia" in listing

    hook = {"brand": alert.brand.pk, "name": "#care", "format": "slack", "events": ["alert.raised"],
            "language": "fr", "is_active": "on", "deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"}
    refused = client.post("/admin/integrations/subscription/add/", {**hook, "url": "ftp://hooks.example/x"})
    assert refused.status_code == 200 and "Enter a valid URL" in refused.content.decode()
    added = client.post("/admin/integrations/subscription/add/",
                        {**hook, "url": "https://hooks.slack.example/services/T1/B2/secret"}, follow=True)
    page = added.content.decode()
    assert "Signing secret of" in page
    listing = client.get("/admin/integrations/subscription/").content.decode()
    assert "#care" in listing and "hooks.slack.example" in listing and "secret" not in listing
    assert client.get("/admin/complaints/crisisalert/").status_code == 200
    assert client.get(f"/admin/complaints/crisisalert/{alert.pk}/change/").status_code == 200  # read-only view


def test_everyone_who_triages_sees_a_crisis_under_way(alert):
    body = client_for("Community manager").get("/").content.decode()
    assert "Crisis under way for Lumio" in body and f"?brand={alert.brand_id}&amp;label=complaint" in body
    assert 'href="/alerts/"' not in body  # the alert page is the managers'
    manager = client_for("Manager")
    assert 'See the alert' in manager.get("/").content.decode()
    alert.state = "resolved"
    alert.save()
    assert "Crisis under way" not in manager.get("/").content.decode()
