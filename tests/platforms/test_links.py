"""Only http(s) links are kept, whichever way a mention arrives, and only those are shown as links."""

import hashlib
import hmac
import json

import pytest
from django.core.management import call_command

from core.text import web_url
from listening.models import Mention
from listening.polling import source_poll
from tests.factories import BrandFactory, MentionFactory

HOSTILE = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", " javascript:alert(1)",
           "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox", "/relative/path",
           "https:alert(1)", "http://", "https://exa mple.com/", "ftp://files.example/a"]


@pytest.mark.parametrize("value", HOSTILE)
def test_anything_but_an_absolute_http_link_is_dropped(value):
    assert web_url(value) == ""


def test_http_and_https_links_are_kept():
    assert web_url("https://blog.example/a?b=1#c") == "https://blog.example/a?b=1#c"
    assert web_url("HTTP://blog.example/") == "HTTP://blog.example/"


def test_a_feed_entrys_script_link_is_not_stored(http, feed_source):
    http.get("https://blog.example/feed.xml", text="""<?xml version="1.0"?><rss version="2.0"><channel>
      <title>t</title><link>https://blog.example/</link>
      <item><guid isPermaLink="false">evil-1</guid><title>Lumio</title><link>javascript:alert(1)</link>
        <description>Lumio en panne</description><pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate></item>
    </channel></rss>""")
    source_poll(source_id=feed_source.pk)
    assert Mention.objects.get().url == ""


@pytest.mark.django_db(transaction=True)
def test_a_webhook_posts_data_link_is_not_stored(client, fb_source):
    value = {"item": "post", "verb": "add", "post_id": "104857600000001_5", "message": "Lumio ?",
             "created_time": 1795420800, "permalink_url": "data:text/html,<script>alert(1)</script>",
             "from": {"id": "779", "name": "Zoé"}}
    body = json.dumps({"object": "page", "entry": [{"id": "104857600000001", "time": 1795420800,
                                                    "changes": [{"field": "feed", "value": value}]}]}).encode()
    signature = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    client.post("/webhooks/facebook/", data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)
    assert Mention.objects.get(external_id="104857600000001_5").url == ""


def test_an_imported_rows_script_link_is_not_stored(tmp_path, db):
    BrandFactory(slug="lumio")
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": "mail-1", "text": "Box HS", "posted_at": "2026-11-20T09:30:00Z",
                                "url": "javascript:alert(1)"}), encoding="utf-8")
    call_command("import_mentions", str(path), "--brand", "lumio")
    assert Mention.objects.get(external_id="mail-1").url == ""


def test_an_old_row_with_a_script_link_is_not_rendered_as_a_link(cm_client):
    mention = MentionFactory(url="javascript:alert(1)")
    response = cm_client.get(f"/mentions/{mention.pk}/")
    assert response.status_code == 200 and "Open the original" not in response.content.decode()
    assert "javascript:alert(1)" not in response.content.decode()
