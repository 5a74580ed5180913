"""Answering in a real browser: insert a canned response from the keyboard, send, and see
the first response time appear (X's API faked at the HTTP level)."""

import re

import pytest
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
    page.wait_for_url(re.compile(r"/mentions/\d+/"))
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
