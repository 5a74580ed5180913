"""The admin's source and credential forms: a source takes only its own brand's credential of
its own platform, a credential shows only its platform's values, and a source's health says
what is happening in the reader's language."""

from django.utils import timezone, translation

from listening.choices import Platform, SourceKind, SourceState
from listening.models import Credential, Source
from listening.polling import source_failure_record, source_poll
from platforms.feeds.fetch import GONE
from tests.factories import BrandFactory, SourceFactory
from tests.platforms.fakes import SEARCH_URL


def _credential(brand, platform, name, **secrets):
    credential = Credential(brand=brand, platform=platform, name=name)
    credential.set_secrets(secrets or {"page_access_token": "EAAB"})
    credential.save()
    return credential


def _source_data(source, credential):
    return {"brand": source.brand_id, "kind": source.kind, "target": source.target, "credential": credential.pk,
            "enabled": "on", "poll_every_minutes": "5", "keywords": ""}


def test_a_source_refuses_another_brands_credential(client, admin_user):
    lumio, other = BrandFactory(name="Lumio"), BrandFactory(name="Orbis")
    source = SourceFactory(brand=lumio, kind=SourceKind.FACEBOOK_PAGE, target="104857600000001")
    theirs = _credential(other, Platform.FACEBOOK, "Page Orbis")
    client.force_login(admin_user)
    page = client.post(f"/admin/listening/source/{source.pk}/change/", _source_data(source, theirs))
    assert page.status_code == 200 and "belongs to another brand" in page.content.decode()
    assert Source.objects.get(pk=source.pk).credential_id is None


def test_a_source_refuses_a_credential_of_another_platform(client, admin_user):
    lumio = BrandFactory(name="Lumio")
    source = SourceFactory(brand=lumio, kind=SourceKind.X_SEARCH, target="Lumio")
    facebook = _credential(lumio, Platform.FACEBOOK, "Page Lumio")
    client.force_login(admin_user)
    page = client.post(f"/admin/listening/source/{source.pk}/change/", _source_data(source, facebook)).content.decode()
    assert "This credential is for Facebook; this source needs one for X (Twitter)." in page
    x = _credential(lumio, Platform.TWITTER, "@LumioFR", bearer_token="b")
    assert client.post(f"/admin/listening/source/{source.pk}/change/", _source_data(source, x)).status_code == 302


def test_a_misconfigured_source_never_marks_another_brands_credential_invalid(http, admin_user):
    # Saved before the form checked it (or straight into the database).
    other = _credential(BrandFactory(name="Orbis"), Platform.TWITTER, "Orbis X", bearer_token="b")
    source = SourceFactory(brand=BrandFactory(name="Lumio"), kind=SourceKind.X_SEARCH, target="Lumio", credential=other)
    source_poll(source_id=source.pk)
    assert http.call_count == 0
    source.refresh_from_db()
    assert source.state == SourceState.PAUSED and "belongs to another brand" in source.last_error
    assert Credential.objects.get(pk=other.pk).is_valid


def test_a_credential_shows_only_its_platforms_values(client, admin_user):
    credential = _credential(BrandFactory(), Platform.FACEBOOK, "Page Lumio")
    client.force_login(admin_user)
    page = client.get(f"/admin/listening/credential/{credential.pk}/change/").content.decode()
    assert 'name="page_access_token"' in page and 'name="bearer_token"' not in page
    assert 'name="consumer_key"' not in page


def test_a_new_credential_refuses_another_platforms_values(client, admin_user):
    brand = BrandFactory()
    client.force_login(admin_user)
    page = client.post("/admin/listening/credential/add/", {
        "brand": brand.pk, "platform": Platform.TWITTER, "name": "@LumioFR", "is_valid": "on",
        "page_access_token": "EAAB"})
    assert page.status_code == 200 and "This value is for Facebook credentials" in page.content.decode()
    assert not Credential.objects.exists()


def test_a_never_polled_source_is_waiting_not_healthy(client, admin_user, feed_source):
    client.force_login(admin_user)
    assert feed_source.get_health_display() == "Waiting for first poll"
    listing = client.get("/admin/listening/source/").content.decode()
    assert "Waiting for first poll</strong>" in listing and ">Healthy</strong>" not in listing
    Source.objects.filter(pk=feed_source.pk).update(last_polled_at=timezone.now())
    assert ">Healthy</strong>" in client.get("/admin/listening/source/").content.decode()


def test_a_stored_error_reads_in_the_readers_language_and_old_rows_keep_their_text(client, admin_user, feed_source):
    source_failure_record(source=feed_source, error=GONE.error(permanent=True, status=410))
    feed_source.refresh_from_db()
    assert feed_source.last_error == "The feed is gone (HTTP 410). Check the URL in the source."
    with translation.override("fr"):
        assert feed_source.last_error_shown == "Le flux n’existe plus (HTTP 410). Vérifiez l’adresse de la source."
    Source.objects.filter(pk=feed_source.pk).update(last_error="Stored before codes existed.", last_error_detail={})
    feed_source.refresh_from_db()
    with translation.override("fr"):
        assert feed_source.last_error_shown == "Stored before codes existed."


def test_an_admin_can_reset_a_sources_cursor(client, admin_user, x_source, http):
    Source.objects.filter(pk=x_source.pk).update(cursor={"since_id": "12"}, state=SourceState.PAUSED)
    client.force_login(admin_user)
    client.post("/admin/listening/source/", {"action": "reset_cursor", "_selected_action": [x_source.pk]})
    x_source.refresh_from_db()
    assert x_source.cursor == {} and x_source.state == SourceState.HEALTHY
    http.get(SEARCH_URL, json={"meta": {"result_count": 0}})
    source_poll(source_id=x_source.pk)
    assert "since_id" not in http.request_history[0].url
