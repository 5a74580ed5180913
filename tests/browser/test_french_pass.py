"""A French pass over the main screens in Chromium: the inbox with a mention open, a mention's
own page with its composer, and the report. Any sentence of Écoute's English catalogue left on
screen fails the test (the French catalogue is the list of what must be translated)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import trans_real

from accounts import roles
from listening.choices import Platform, SourceKind
from responses.models import CannedResponse, Response
from tests.factories import (
    AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, SourceFactory, UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Single words that say a screen was left in English (sentences come from the catalogue).
ENGLISH_WORDS = ["Queue", "Mine", "Unassigned", "Reply", "Send", "Resolve", "Search", "Responses", "Timeline",
                 "Reports", "Assignee", "Internal notes", "Conversation", "Undo", "breached"]


def english_sentences() -> list[str]:
    """Every English text of the catalogue that French says differently, a few words long and
    without placeholders (those are matched by their parts elsewhere)."""
    with translation.override("fr"):
        catalogue = trans_real.translation("fr")._catalog
        sentences = []
        for msgid, msgstr in catalogue.items():
            if not isinstance(msgid, str) or "\x04" in msgid or msgid == msgstr:
                continue
            if "%" in msgid or "{" in msgid or msgid.count(" ") < 2 or len(msgid) < 16:
                continue
            sentences.append(msgid)
    return sentences


def english_on(page) -> list[str]:
    text = page.locator("body").inner_text()
    left = [s for s in english_sentences() if s in text]
    left += [w for w in ENGLISH_WORDS if re.search(rf"\b{re.escape(w)}\b", text)]
    return left


@pytest.fixture
def french_brand():
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    mention = MentionFactory(brand=brand, source=source, priority=90, label="complaint", language="fr",
                             posted_at=timezone.now() - timedelta(hours=3),
                             text="Toujours pas de fibre depuis lundi", author=AuthorFactory(handle="lea_75"))
    MentionFactory(brand=brand, priority=40, label="question", language="fr", text="Comment activer la 5G ?")
    Response.objects.create(mention=mention, text="Bonjour, nous regardons.", status="failed",
                            error_message="X refused the reply.")
    CannedResponse.objects.create(title="Panne fibre", language="fr", label="complaint",
                                  text="Bonjour {author}, nous regardons votre ligne.")
    return mention


def test_no_english_left_on_the_main_screens_in_french(signed_in, live_server, french_brand, screenshots):
    assert len(english_sentences()) > 200  # the check has something to check with
    page = signed_in(UserFactory(username="camille", role=roles.COMMUNITY_MANAGER), locale="fr-FR")
    page.click("text=Toujours pas de fibre")
    page.wait_for_url(re.compile(rf"open={french_brand.pk}$"))
    page.wait_for_selector("#pane .mention-text")
    assert english_on(page) == [], "the inbox with a mention open"
    page.screenshot(path=str(screenshots / "queue-fr-pane.png"))

    page.goto(f"{live_server.url}/mentions/{french_brand.pk}/")
    assert english_on(page) == [], "a mention's page"

    manager = signed_in(UserFactory(username="nadia", role=roles.MANAGER), locale="fr-FR")
    manager.goto(f"{live_server.url}/reports/")
    assert english_on(manager) == [], "the report"
