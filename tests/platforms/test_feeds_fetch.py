from pathlib import Path

from listening.choices import SourceState
from listening.models import Mention, Source
from listening.polling import source_poll
from platforms.feeds.fetch import MAX_FEED_BYTES

DATA = Path(__file__).parent / "data"
URL = "https://blog.example/feed.xml"


def test_google_alerts_feed_keeps_article_urls_and_safe_text(http, feed_source):
    feed_source.keywords = "Lumio"
    feed_source.save()
    http.get(URL, content=(DATA / "alerts.xml").read_bytes(), headers={"ETag": '"v1"', "Content-Type": "application/atom+xml"})
    result = source_poll(source_id=feed_source.pk)
    assert (result.new, result.errors) == (1, [])  # the recipe doesn't match the keyword filter
    mention = Mention.objects.get()
    assert mention.url == "https://news.example/panne-lumio-nord"
    assert mention.title == "Panne Lumio dans le Nord"
    assert mention.text == "Des milliers d'abonnés Lumio privés d'internet depuis vendredi."
    assert Source.objects.get(pk=feed_source.pk).cursor == {"etag": '"v1"'}


def test_conditional_get_and_304_means_nothing_new(http, feed_source):
    feed_source.cursor = {"etag": '"v1"', "modified": "Mon, 23 Nov 2026 08:00:00 GMT"}
    feed_source.save()
    http.get(URL, status_code=304)
    result = source_poll(source_id=feed_source.pk)
    assert (result.fetched, result.errors) == (0, [])
    sent = http.request_history[0].headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Mon, 23 Nov 2026 08:00:00 GMT"
    assert Source.objects.get(pk=feed_source.pk).cursor["etag"] == '"v1"'


def test_wordpress_comment_feed_with_emoji_and_rtl(http, feed_source):
    http.get(URL, content=(DATA / "wordpress-comments.xml").read_bytes())
    source_poll(source_id=feed_source.pk)
    mention = Mention.objects.get()
    assert mention.text == "Chez moi la LumiBox 7 redémarre toute seule 🙃 — مرحبا"
    assert mention.author.display_name == "Marc" and mention.url.endswith("#comment-42")


def test_a_hostile_feed_loses_only_its_bad_entries(http, feed_source):
    hostile = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>no link, no guid</title><description>lost</description></item>"
        b"<item><guid>a1</guid><title>bad bytes \xff\xfe here</title><description>&lt;iframe src=x&gt;&lt;/iframe&gt;ok\x00</description>"
        b"<pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate></item>"
        b"<item><guid>" + b"g" * 400 + b"</guid><title>long id</title><description>fine</description></item>"
        b"</channel></rss>"
    )
    http.get(URL, content=hostile)
    result = source_poll(source_id=feed_source.pk)
    assert result.new == 2 and "without id or link" in result.errors[0]
    assert Mention.objects.filter(external_id__startswith="sha256:").exists()
    survivor = Mention.objects.get(title__startswith="bad bytes")
    assert survivor.text == "ok\ufffd"  # the iframe dropped with its content, the NUL replaced


def test_a_ten_megabyte_feed_is_read_and_a_larger_one_refused(http, feed_source):
    entry = b"<item><guid>%d</guid><title>Lumio</title><description>" + b"x" * 10_600 + b"</description></item>"
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>' + b"".join(
        entry.replace(b"%d", str(i).encode()) for i in range(1000)) + b"</channel></rss>"
    assert len(body) > 10 * 1024 * 1024 - 200_000
    http.get(URL, content=body)
    assert source_poll(source_id=feed_source.pk).new == 1000
    http.get(URL, content=b"x" * (MAX_FEED_BYTES + 1))
    source_poll(source_id=feed_source.pk)
    source = Source.objects.get(pk=feed_source.pk)
    assert source.state == SourceState.PAUSED and "larger than 20 MB" in source.last_error


def test_a_gone_feed_pauses_the_source_in_plain_words(http, feed_source):
    http.get(URL, status_code=410)
    source_poll(source_id=feed_source.pk)
    assert "The feed is gone (HTTP 410)" in Source.objects.get(pk=feed_source.pk).last_error
