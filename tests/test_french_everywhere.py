"""French where a French reader looks, and empty or waiting screens that say what comes there:
canned responses with their label's name, the SLA panel's agreement ("Première réponse
dépassée"), the r shortcut as a verb, each language named in its own language, a search with
no result, the notifications page before the first one, and Écoute's own favicon."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from responses.models import CannedResponse
from tests.factories import BrandFactory, MentionFactory, SLAPolicyFactory

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture
def late_complaint(db):
    brand = BrandFactory(name="Lumio")
    SLAPolicyFactory(brand=brand, first_response_minutes=60)
    return MentionFactory(brand=brand, label="complaint", posted_at=timezone.now() - timedelta(hours=3))


def test_canned_responses_name_their_label_in_french(cm_client, late_complaint):
    CannedResponse.objects.create(title="Excuses", language="fr", label="complaint", text="Toutes nos excuses.")
    body = cm_client.get(f"/mentions/{late_complaint.pk}/", **FR).content.decode()
    item = re.search(r'<button type="button" class="canned-item".*?</button>', body, re.DOTALL).group(0)
    assert "FR · Réclamation" in item and "complaint" not in item


def test_the_response_times_panel_agrees_in_french(cm_client, late_complaint):
    body = cm_client.get(f"/mentions/{late_complaint.pk}/", **FR).content.decode()
    panel = re.search(r'<section class="panel response-times".*?</section>', body, re.DOTALL).group(0)
    first = re.search(r"<h3>(.*?)</h3>", panel, re.DOTALL).group(1)
    assert re.sub(r"<.*?>", "", first).split() == ["Première", "réponse", "dépassée"]


def test_the_reply_shortcut_is_a_verb_in_french(cm_client, late_complaint):
    body = cm_client.get("/", **FR).content.decode()
    assert "<dt><kbd>r</kbd></dt><dd>Répondre</dd>" in body


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_language_is_named_in_its_own_language(cm_client, language):
    body = cm_client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    switcher = re.search(r'<select id="lang-select".*?</select>', body, re.DOTALL).group(0)
    assert re.findall(r'<option value="(\w+)" lang="\1"[^>]*>([^<]+)</option>', switcher) == [
        ("en", "English"), ("fr", "Français")]


def test_an_empty_search_says_nothing_matches_not_well_done(cm_client, late_complaint):
    body = cm_client.get("/", {"q": "facture introuvable"}).content.decode()
    assert "No mention matches “facture introuvable” with these filters." in body
    assert "Well done" not in body
    body = cm_client.get("/", {"q": "facture introuvable"}, **FR).content.decode()
    assert "Aucune mention ne correspond à « facture introuvable » avec ces filtres." in body
    assert "Show the whole queue" in cm_client.get("/", {"label": "praise"}).content.decode()


def test_an_empty_queue_says_new_mentions_will_appear(cm_client):
    body = cm_client.get("/").content.decode()
    assert "Nothing to answer: every open mention is handled. New ones appear here as they arrive." in body


def test_the_notifications_page_explains_what_will_appear_there(cm_client):
    body = cm_client.get("/notifications/").content.decode()
    assert "No notification yet." in body
    assert "nearly due or overdue for its first response or its resolution" in body
    assert "Vous êtes prévenu·e ici" in cm_client.get("/notifications/", **FR).content.decode()


def test_pages_name_ecoutes_own_favicon_served_from_static(client, cm_client):
    body = cm_client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
    assert '<link rel="icon" href="/static/favicon.ico"' in body
    svg = Path(finders.find("favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"  # an icon resource
    redirect = client.get("/favicon.ico")  # without signing in
    assert redirect.status_code == 301 and redirect["Location"] == "/static/favicon.ico"
