"""The queue in French, in Chromium, at 1280 and 800 px: every filter shows its whole choice
("Toutes les plateformes", not "Toutes les plateform"), the language switcher names each
language in its own language, and the tab shows Écoute's icon."""

import pytest

from accounts import roles
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium draws a select's arrow in about 20 px on the right, inside its padding box.
SELECT_TEXT_ROOM = """() => { const canvas = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('.filters select')].map(select => {
    const style = getComputedStyle(select); canvas.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    return [select.name, select.options[select.selectedIndex].text,
            Math.ceil(canvas.measureText(select.options[select.selectedIndex].text).width), Math.floor(room)]; }); }"""


def test_french_filters_show_their_whole_choice_at_1280_and_800_px(signed_in, live_server, screenshots):
    MentionFactory(brand=BrandFactory(name="Lumio"), text="Plus d'internet depuis ce matin")
    page = signed_in(UserFactory(username="camille", role=roles.COMMUNITY_MANAGER), locale="fr-FR")
    assert page.locator("#lang-select option").all_inner_texts() == ["English", "Français"]
    assert page.locator("#lang-select").input_value() == "fr"

    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/")
        selects = page.evaluate(SELECT_TEXT_ROOM)
        assert ("platform", "Toutes les plateformes") in [(name, text) for name, text, _w, _r in selects]
        cut = [(name, text, text_width, room) for name, text, text_width, room in selects if text_width > room]
        assert cut == [], f"cut off at {width} px"
        page.screenshot(path=str(screenshots / f"queue-fr-{width}.png"))

    icon = page.evaluate("""async () => { const link = document.querySelector('link[rel=icon][type="image/svg+xml"]');
        const response = await fetch(link.href); return [response.status, response.headers.get('content-type')]; }""")
    assert icon == [200, "image/svg+xml"]
