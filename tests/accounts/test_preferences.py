"""Each user chooses their own language and time zone; the header's language menu is remembered."""

from datetime import datetime, timezone as dt_timezone

from accounts.models import Profile
from complaints.templatetags.triage import compact
from django.utils import translation
from tests.factories import AuthorFactory, MentionFactory


def test_the_language_menu_is_remembered_over_an_earlier_choice(cm_client, community_manager):
    Profile.objects.create(user=community_manager, language="fr")
    response = cm_client.post("/preferences/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Profile.objects.get(user=community_manager).language == "en"
    body = cm_client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "All brands" in body and "Toutes les marques" not in body


def test_the_language_menu_refuses_an_unknown_language_and_never_goes_elsewhere(cm_client, community_manager):
    assert cm_client.post("/preferences/language/", {"language": "xx"}).status_code == 400
    assert not Profile.objects.filter(user=community_manager).exists()
    response = cm_client.post("/preferences/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_the_language_menu_needs_a_post(cm_client):
    assert cm_client.get("/preferences/language/", {"language": "fr"}).status_code == 405


def test_a_user_chooses_a_time_zone_and_sees_times_in_it(cm_client, community_manager):
    mention = MentionFactory(text="colis perdu", posted_at=datetime(2026, 1, 15, 12, 0, tzinfo=dt_timezone.utc))
    page = f"/mentions/{mention.pk}/"
    response = cm_client.post("/preferences/", {"language": "en", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert Profile.objects.get(user=community_manager).time_zone == "Asia/Tokyo"
    assert "2026-01-15T21:00:00+09:00" in cm_client.get(page).content.decode()
    cm_client.post("/preferences/", {"language": "en", "time_zone": "America/New_York"})
    assert "2026-01-15T07:00:00-05:00" in cm_client.get(page).content.decode()


def test_preferences_refuse_an_unknown_time_zone_and_keep_the_old_one(cm_client, community_manager):
    Profile.objects.create(user=community_manager, time_zone="Europe/Paris")
    response = cm_client.post("/preferences/", {"language": "", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert Profile.objects.get(user=community_manager).time_zone == "Europe/Paris"


def test_preferences_page_speaks_french_and_needs_a_login(client, cm_client, community_manager):
    Profile.objects.create(user=community_manager, language="fr")
    body = cm_client.get("/preferences/").content.decode()
    assert "Vos préférences" in body and "Fuseau horaire" in body
    client.logout()
    assert client.get("/preferences/").status_code == 302


def test_numbers_follow_the_users_language(cm_client, community_manager):
    author = AuthorFactory(followers_count=1_500)
    MentionFactory(text="panne", author=author)
    with translation.override("fr"):
        assert compact(1_250_000) == "1,2 M"
    with translation.override("en"):
        assert compact(1_250_000) == "1.2M"
    Profile.objects.create(user=community_manager, language="fr")
    assert "1,5 k" in cm_client.get("/").content.decode()
