from datetime import timedelta

from django.utils import timezone

from listening.choices import EventKind, Platform
from listening.ingestion import mention_ingest
from listening.models import Author, Mention
from platforms.normalized import NormalizedAuthor, NormalizedMention
from sla.models import SLAPolicy
from tests.factories import BrandFactory, SourceFactory


def _item(external_id="1", followers=120, text="Encore une coupure @LumioFR 😡", **extra):
    return NormalizedMention(
        external_id=external_id, text=text, posted_at=timezone.now() - timedelta(minutes=30),
        author=NormalizedAuthor(external_id="u1", handle="lea_75", followers_count=followers), **extra,
    )


def test_the_same_item_seen_twice_is_stored_once(db):
    source = SourceFactory()
    first = mention_ingest(brand=source.brand, platform=Platform.TWITTER, items=[_item("1"), _item("2")], source=source)
    again = mention_ingest(brand=source.brand, platform=Platform.TWITTER, items=[_item("2"), _item("3")], source=source)
    assert (first.new, first.duplicates) == (2, 0)
    assert (again.fetched, again.new, again.duplicates) == (2, 1, 1)
    assert Mention.objects.count() == 3
    assert Mention.objects.get(external_id="2").events.filter(kind=EventKind.CREATED).count() == 1


def test_authors_are_refreshed_not_duplicated(db):
    brand = BrandFactory()
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item("1", followers=100)])
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item("2", followers=12000)])
    assert Author.objects.get().followers_count == 12000


def test_items_without_id_or_date_are_skipped_and_the_rest_goes_on(db):
    brand = BrandFactory()
    broken = NormalizedMention(external_id="", text="x", posted_at=timezone.now())
    result = mention_ingest(brand=brand, platform=Platform.TWITTER, items=[broken, _item("ok")])
    assert (result.skipped, result.new) == (1, 1)


def test_hostile_text_is_stored_faithfully(db):
    brand = BrandFactory()
    text = "<script>alert('x')</script> مرحبا 👋🏽 \u202eevil\u202c"
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item("h", text=text)])
    assert Mention.objects.get(external_id="h").text == text


def test_new_mentions_get_sla_due_time_personal_data_and_priority(db):
    brand = BrandFactory()
    SLAPolicy.objects.create(brand=brand, label="", first_response_minutes=60)
    mention_ingest(brand=brand, platform=Platform.TWITTER,
                   items=[_item("p", text="Rappelez-moi au 06 12 34 56 78 svp, toujours pas de réseau")])
    mention = Mention.objects.get(external_id="p")
    assert mention.first_response_due_at == mention.posted_at + timedelta(minutes=60)
    assert mention.exposes_personal_data
    assert mention.priority > 0
    assert any(r["code"] == "personal_data" for r in mention.priority_reasons)
