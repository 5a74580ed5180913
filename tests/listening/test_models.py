import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from cryptography.fernet import Fernet

from listening.choices import EventKind, Platform
from listening.models import Credential, Mention, MentionEvent
from listening.services import mention_event_add
from tests.factories import BrandFactory, MentionFactory


def test_a_mention_is_unique_per_brand_and_platform(db):
    first = MentionFactory(external_id="1789")
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory(brand=first.brand, external_id="1789")
    MentionFactory(brand=first.brand, external_id="1789", platform=Platform.FACEBOOK)
    MentionFactory(external_id="1789")  # another brand watching the same post
    assert Mention.objects.filter(external_id="1789").count() == 3


def test_credentials_are_encrypted_at_rest(db):
    credential = Credential(brand=BrandFactory(), platform=Platform.TWITTER, name="api")
    credential.set_secrets({"bearer_token": "AAAA-very-secret-token"})
    credential.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets_encrypted FROM listening_credential WHERE id = %s", [credential.pk])
        stored = cursor.fetchone()[0]
    assert "very-secret" not in stored
    assert Credential.objects.get(pk=credential.pk).secrets == {"bearer_token": "AAAA-very-secret-token"}


def test_an_old_key_listed_after_the_new_one_still_decrypts(db, settings):
    old_key = settings.CREDENTIALS_KEYS[0]
    credential = Credential(brand=BrandFactory(), platform=Platform.FACEBOOK, name="page")
    credential.set_secrets({"page_access_token": "EAAB-token"})
    credential.save()
    with override_settings(CREDENTIALS_KEYS=[Fernet.generate_key().decode(), old_key]):
        assert Credential.objects.get(pk=credential.pk).secrets["page_access_token"] == "EAAB-token"


def test_the_event_log_refuses_updates(db):
    event = mention_event_add(mention=MentionFactory(), kind=EventKind.CREATED)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        MentionEvent.objects.filter(pk=event.pk).update(kind=EventKind.REPLIED)
    assert MentionEvent.objects.get(pk=event.pk).kind == EventKind.CREATED


def test_the_queue_query_uses_the_partial_index(db):
    MentionFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        brand_id = Mention.objects.values_list("brand_id", flat=True).first()
        cursor.execute(
            "EXPLAIN SELECT id FROM listening_mention WHERE brand_id = %s AND status IN ('new','open','waiting') "
            "ORDER BY priority DESC, id DESC LIMIT 50", [brand_id],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "mention_queue_by_priority" in plan
