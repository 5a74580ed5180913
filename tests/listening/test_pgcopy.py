from datetime import datetime, timezone

from listening.choices import Platform
from listening.ingestion import mention_ingest
from listening.models import Mention
from listening.pgcopy import _json, _text
from platforms.normalized import NormalizedAuthor, NormalizedMention
from tests.factories import BrandFactory


def test_copy_text_escapes_only_what_copy_needs():
    assert _text("plain é 👋") == "plain é 👋"
    assert _text("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    assert _text(None) == "\\N"


def test_copy_json_replaces_nul_which_postgres_refuses():
    assert _json({"t": "x\ny", "n": "a\x00b"}) == '{"t":"x\\\\ny","n":"a\\\\ufffdb"}'


def test_awkward_text_and_payloads_survive_the_copy_path(db):
    text = "tab\there\\back\nslash\r\x00 <b>&amp;</b> 🇫🇷 שלום \\N"
    item = NormalizedMention(external_id="k1", text=text, title="t\x00",
                             posted_at=datetime(2026, 11, 23, 8, tzinfo=timezone.utc),
                             author=NormalizedAuthor(external_id="a\t1", handle="h\\x", display_name="\x00"),
                             raw={"nested": ["\x00", {"k": "v\n"}], "emoji": "🙃"})
    assert mention_ingest(brand=BrandFactory(), platform=Platform.TWITTER, items=[item]).new == 1
    stored = Mention.objects.select_related("author").get(external_id="k1")
    assert stored.text == text.replace("\x00", "\ufffd")
    assert stored.raw == {"nested": ["\ufffd", {"k": "v\n"}], "emoji": "🙃"}
    assert stored.author.handle == "h\\x" and stored.author.external_id == "a\t1"
