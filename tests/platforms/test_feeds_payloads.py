"""What real RSS and Atom files showed: languages declared three ways, dates feedparser
parses under other names or hands back as text, entries without a date, and plain-text
Atom content."""

from datetime import datetime, timezone

from django.utils import timezone as django_timezone

from listening.models import Mention
from listening.polling import source_poll
from platforms.feeds.dates import localized_date

URL = "https://blog.example/feed.xml"

RSS_WITH_LANGUAGE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>Le blog de Chloé</title><link>https://chloe.example/</link><language>fr-FR</language>
  <item><guid>https://chloe.example/?p=12</guid><title>Ma box Lumio encore en panne</title>
    <link>https://chloe.example/?p=12</link><description>Troisième coupure cette semaine.</description>
    <pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate></item>
</channel></rss>"""

RSS_WITH_DC = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">
<channel><title>Revue de presse</title><link>https://presse.example/</link><dc:language>fr</dc:language>
  <item><guid>presse-1</guid><title>Lumio augmente ses prix</title><link>https://presse.example/1</link>
    <dcterms:created>2026-11-21T10:00:00Z</dcterms:created></item>
  <item><guid>presse-2</guid><title>Lumio : la panne expliquée</title><link>https://presse.example/2</link>
    <pubDate>lundi 23 novembre 2026 08:15</pubDate></item>
  <item><guid>presse-3</guid><title>Lumio recrute</title><link>https://presse.example/3</link></item>
</channel></rss>"""

ATOM_ENTRY_LANGUAGE_AND_TEXT = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Web history</title><id>urn:web-history</id><updated>2026-11-23T08:00:00Z</updated>
  <entry xml:lang="en"><id>urn:web-history:blink</id><title type="text">History of the &lt;blink&gt; tag</title>
    <link href="https://history.example/blink"/><updated>2026-11-23T08:00:00Z</updated>
    <content type="text">Lumio's old portal used &lt;blink&gt; &amp; &lt;marquee&gt; everywhere.</content></entry>
</feed>"""

ATOM_03 = """<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old blog</title><modified>2026-11-22T11:00:00Z</modified>
  <entry><id>tag:old.example,2026:1</id><title>Lumio et moi</title>
    <link rel="alternate" type="text/html" href="https://old.example/1"/>
    <created>2026-11-22T10:00:00+01:00</created></entry>
</feed>"""


def _poll(http, feed_source, body):
    http.get(URL, text=body, headers={"Content-Type": "application/xml"})
    return source_poll(source_id=feed_source.pk)


def test_the_channels_language_is_stored_on_its_entries(http, feed_source):
    _poll(http, feed_source, RSS_WITH_LANGUAGE)
    assert Mention.objects.get().language == "fr"


def test_an_entrys_xml_lang_wins_over_the_feeds(http, feed_source):
    _poll(http, feed_source, ATOM_ENTRY_LANGUAGE_AND_TEXT)
    assert Mention.objects.get().language == "en"


def test_dc_language_created_dates_text_dates_and_undated_entries(http, feed_source):
    before = django_timezone.now()
    result = _poll(http, feed_source, RSS_WITH_DC)
    assert result.new == 3
    created, text_dated, undated = (Mention.objects.get(url=f"https://presse.example/{n}") for n in (1, 2, 3))
    assert {created.language, text_dated.language, undated.language} == {"fr"}
    assert created.posted_at == datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
    assert text_dated.posted_at == datetime(2026, 11, 23, 8, 15, tzinfo=timezone.utc)
    assert undated.posted_at >= before and undated.raw["dated_when_first_seen"] is True
    assert "dated_when_first_seen" not in created.raw


def test_an_undated_entry_keeps_the_date_it_was_first_seen(http, feed_source):
    _poll(http, feed_source, RSS_WITH_DC)
    first = Mention.objects.get(url="https://presse.example/3").posted_at
    _poll(http, feed_source, RSS_WITH_DC)
    assert Mention.objects.get(url="https://presse.example/3").posted_at == first


def test_atom_0_3_dates(http, feed_source):
    _poll(http, feed_source, ATOM_03)
    assert Mention.objects.get().posted_at == datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def test_plain_text_atom_content_keeps_its_words(http, feed_source):
    _poll(http, feed_source, ATOM_ENTRY_LANGUAGE_AND_TEXT)
    mention = Mention.objects.get()
    assert mention.title == "History of the <blink> tag"
    assert mention.text == "Lumio's old portal used <blink> & <marquee> everywhere."


def test_localized_dates_written_as_text():
    utc = timezone.utc
    assert localized_date("mar. 24 nov. 2026 10:05 +0100") == datetime(2026, 11, 24, 9, 5, tzinfo=utc)
    assert localized_date("23. November 2026 14:30 MEZ") == datetime(2026, 11, 23, 13, 30, tzinfo=utc)
    assert localized_date("martes, 24 de noviembre de 2026") == datetime(2026, 11, 24, tzinfo=utc)
    assert localized_date("November 23, 2026 8:00 pm") == datetime(2026, 11, 23, 20, 0, tzinfo=utc)
    assert localized_date("3 février 2026") == datetime(2026, 2, 3, tzinfo=utc)
    assert localized_date("bientôt") is None and localized_date("31 février 2026") is None
    assert localized_date("1er janvier 2026") == datetime(2026, 1, 1, tzinfo=utc)
