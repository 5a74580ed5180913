"""Every interface string has a French translation, and the compiled catalogue is current."""

import gettext
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_to_french():
    po = polib.pofile(str(PO))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(PO))
    with open(PO.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_the_queue_speaks_french(cm_client):
    body = cm_client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Toutes les marques" in body and "Se déconnecter" in body


def test_a_users_language_choice_wins_over_the_browser(cm_client, community_manager):
    from accounts.models import Profile

    Profile.objects.create(user=community_manager, language="fr")
    body = cm_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Toutes les marques" in body
