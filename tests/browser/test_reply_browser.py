"""Answering in a real browser: insert a canned response from the keyboard, send, and see
the first response time appear (X's API faked at the HTTP level)."""

import re

import pytest
from django.utils import timezone
import requests_mock

from listening.choices import Platform, SourceKind
from responses.models import CannedResponse, Response
from tests.factories import (
    AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, SourceFactory, UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reply_with_a_canned_response(signed_in, live_server, screenshots):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    mention = MentionFactory(brand=brand, source=source, external_id="1800000000000000001", priority=90,
                             text="Toujours pas de fibre depuis lundi", author=AuthorFactory(external_id="100", handle="lea_75"))
    CannedResponse.objects.create(title="Panne fibre", language="fr", label="complaint",
                                  text="Bonjour {author}, nous regardons votre ligne tout de suite. {agent_first_name}")
    page = signed_in(UserFactory(username="camille", first_name="Camille", role="Community manager"))
    page.click("text=Toujours pas de fibre")
    page.wait_for_url(re.compile(rf"/\?open={mention.pk}$"))  # in the reading pane
    assert "not yet" in page.locator("#response-times").inner_text()

    page.keyboard.press("c")  # the canned search, then Enter inserts the first match
    page.keyboard.type("fibre")
    page.keyboard.press("Enter")
    assert page.input_value("#reply-text") == "Bonjour lea_75, nous regardons votre ligne tout de suite. Camille"
    assert page.locator("[data-count]").inner_text().endswith("/ 280")
    with requests_mock.Mocker(real_http=True) as http:  # the browser's own requests go to the live server
        http.post("https://api.twitter.com/2/tweets", status_code=201,
                  json={"data": {"id": "1900000000000000001", "text": "@lea_75 Bonjour"}})
        page.click("#send-reply")
        page.wait_for_selector("text=Reply queued")
    assert Response.objects.get(mention=mention).status == "sent"
    page.reload()
    times = page.locator("#response-times").inner_text()
    assert "Sent" in page.locator("#reply").inner_text()
    assert "not yet" not in times.split("Resolution")[0]
    page.screenshot(path=str(screenshots / "reply.png"), full_page=True)


def test_the_reply_state_updates_in_place_and_a_blocked_send_says_why_once(signed_in, live_server):
    """A reply on its way shows "Queued…" and turns into "Sent" or "Failed" (with the reason
    and Retry) without a reload; with no way to send, Send is disabled and why is said once."""
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    mention = MentionFactory(brand=brand, source=source, priority=90, text="Box en panne depuis hier",
                             author=AuthorFactory(external_id="100", handle="lea_75"))
    waiting = Response.objects.create(mention=mention, text="Bonjour Léa, on regarde.", status="queued")
    failing = Response.objects.create(mention=mention, text="Pouvez-vous nous écrire en privé ?", status="sending")
    facebook = MentionFactory(brand=brand, platform=Platform.FACEBOOK, priority=10, text="Pas de réseau à Lyon")
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    loads = []
    page.on("load", lambda _page: loads.append(1))

    page.click("text=Box en panne depuis hier")
    page.wait_for_selector(f"#response-{waiting.pk} >> text=Queued")
    Response.objects.filter(pk=waiting.pk).update(status="sent", sent_at=timezone.now())
    Response.objects.filter(pk=failing.pk).update(
        status="failed", error_message="X refused the reply: the post was deleted.")
    page.wait_for_selector(f"#response-{waiting.pk} .status-sent")
    page.wait_for_selector(f"#response-{failing.pk} >> text=the post was deleted")
    assert page.locator(f"#response-{failing.pk} button:has-text('Retry')").is_visible()
    assert loads == []

    page.click("text=Pas de réseau à Lyon")  # no Facebook keys for this brand
    page.wait_for_selector("#pane #send-blocked")
    assert page.locator("#send-reply").is_disabled()
    why = "Replies on Facebook need the brand's account keys — ask an admin."
    assert page.locator("#send-blocked").inner_text() == why
    assert page.locator("#pane").inner_text().count("account keys") == 1
    assert facebook.pk
