"""A new user on the demo data answers a mention through the sandbox in a real browser:
reply → sent → the first response time shows, in the inbox's pane without a page load, with no
network and no worker (inline tasks)."""

import re

import pytest

from listening.choices import CredentialPlatform, SourceKind
from listening.models import Credential
from responses.models import Response
from sla.models import SLAPolicy
from tests.factories import AuthorFactory, BrandFactory, MentionFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reply_through_the_sandbox_then_see_the_first_response_time(signed_in, live_server, screenshots, settings,
                                                                    http):
    settings.SANDBOX_ALLOWED = True
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    Credential.objects.create(brand=brand, platform=CredentialPlatform.SANDBOX, name="Lumio sandbox (demo)")
    SLAPolicy.objects.create(brand=brand, label="", first_response_minutes=60)
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR", credential=None)
    mention = MentionFactory(brand=brand, source=source, priority=90, text="Ma box clignote orange depuis ce matin",
                             author=AuthorFactory(external_id="demo-lea", handle="lea_75"))
    page = signed_in(UserFactory(username="camille", first_name="Camille", role="Community manager"))
    page.click("text=Ma box clignote orange")
    page.wait_for_url(re.compile(rf"open={mention.pk}$"))  # beside the list
    assert "not yet" in page.locator("#response-times").inner_text()
    assert "sandbox" in page.locator("#sandbox-note").inner_text()
    assert "X (Twitter)" in page.locator(".mention-head").inner_text()  # the mention keeps its look

    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.fill("#reply-text", "Bonjour lea_75, on regarde votre box tout de suite. Camille")
    page.click("#send-reply")
    page.wait_for_selector("text=Reply queued")
    reply = page.locator("#reply .response").first.inner_text()
    assert "Sent" in reply and "Queued" not in reply
    response = Response.objects.get(mention=mention)
    assert response.status == "sent" and response.platform_reply_id.startswith("sandbox-")
    times = page.locator("#response-times").inner_text()
    assert "not yet" not in times.split("Resolution")[0]
    assert http.call_count == 0
    assert loads == [] and page.url.endswith(f"open={mention.pk}")  # answered in place, the list kept
    page.screenshot(path=str(screenshots / "sandbox-reply.png"), full_page=True)
