"""A stretch of work with the keyboard alone, as the inbox is meant to be used all day: take the
next mention, reply with a canned response, resolve, undo — the list never reloads after the
take."""

import re

import pytest

from listening.choices import CredentialPlatform, Status
from listening.models import Credential, Mention
from responses.models import CannedResponse, Response
from sla.models import SLAPolicy
from tests.factories import AuthorFactory, BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_take_reply_with_a_canned_response_resolve_and_undo_with_the_keyboard_alone(signed_in, live_server,
                                                                                     settings):
    settings.SANDBOX_ALLOWED = True
    brand = BrandFactory(name="Lumio", own_accounts="@LumioFR")
    Credential.objects.create(brand=brand, platform=CredentialPlatform.SANDBOX, name="Lumio sandbox (demo)")
    SLAPolicy.objects.create(brand=brand, label="", first_response_minutes=60)
    CannedResponse.objects.create(title="Panne fibre", language="fr", label="complaint",
                                  text="Bonjour {author}, nous regardons votre ligne. {agent_first_name}")
    top, second, third = (MentionFactory(brand=brand, priority=p, text=t, label="complaint", language="fr",
                                         author=AuthorFactory(handle=h)) for p, t, h in [
        (90, "Toujours pas de fibre depuis lundi", "lea_75"), (60, "Box en panne ce matin", "marc"),
        (30, "Débit très lent le soir", "ines")])
    page = signed_in(UserFactory(username="camille", first_name="Camille", role="Community manager"))

    page.keyboard.press("t")  # take the next mention: it is mine, open in the pane
    page.wait_for_url(re.compile(rf"open={top.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('Toujours pas de fibre')")
    assert Mention.objects.get(pk=top.pk).assignee.username == "camille"
    loads = []
    page.on("load", lambda _page: loads.append(1))

    page.keyboard.press("r")  # the composer
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'reply-text'")
    page.keyboard.press("Escape")
    page.keyboard.press("c")  # the canned responses
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'canned-search'")
    page.keyboard.type("panne")
    page.keyboard.press("Enter")  # inserted, variables filled, the cursor back in the reply
    assert page.input_value("#reply-text") == "Bonjour lea_75, nous regardons votre ligne. Camille"
    page.keyboard.press("Control+Enter")  # sent
    page.wait_for_selector("#pane #reply .response[data-response-state=sent]")
    assert Response.objects.get(mention=top).status == "sent"

    page.keyboard.press("Escape")
    page.keyboard.press("e")  # resolved: the row leaves, the next one opens
    page.wait_for_selector(f"#mention-{top.pk}", state="detached")
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('Box en panne')")
    assert Mention.objects.get(pk=top.pk).status == Status.RESOLVED
    page.keyboard.press("z")  # undo: back where it stood
    page.wait_for_selector(f"#mention-{top.pk}")
    ids = page.eval_on_selector_all("tr[data-mention]", "rows => rows.map(r => r.dataset.pk)")
    assert ids == [str(top.pk), str(second.pk), str(third.pk)]
    assert Mention.objects.get(pk=top.pk).status != Status.RESOLVED
    assert loads == []
