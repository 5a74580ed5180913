"""Round-robin auto-assignment of a brand's new mentions to its team."""

from datetime import timedelta

from django.utils import timezone

from complaints.assignment import mentions_auto_assign
from listening.choices import EventKind, Platform, Status
from listening.ingestion import mention_ingest
from listening.models import Mention
from platforms.normalized import NormalizedAuthor, NormalizedMention
from tests.factories import BrandFactory, MentionFactory, UserFactory


def _item(n: int, followers: int = 100) -> NormalizedMention:
    return NormalizedMention(external_id=f"rr-{n}", text=f"Toujours pas de connexion, jour {n}",
                             posted_at=timezone.now() - timedelta(minutes=n),
                             author=NormalizedAuthor(external_id=f"a{n}", handle=f"client{n}", followers_count=followers))


def test_new_mentions_go_to_the_team_in_turn_highest_priority_first(db, django_capture_on_commit_callbacks):
    brand = BrandFactory()
    camille, sam = UserFactory(username="camille"), UserFactory(username="sam")
    brand.auto_assign_to.set([sam, camille])
    with django_capture_on_commit_callbacks(execute=True):
        result = mention_ingest(brand=brand, platform=Platform.TWITTER,
                                items=[_item(1), _item(2, followers=90_000), _item(3)])
    mentions = list(Mention.objects.filter(pk__in=result.new_ids).order_by("-priority", "pk"))
    assert [m.assignee.username for m in mentions] == ["camille", "sam", "camille"]  # user-id order, in turn
    assert mentions[0].author.followers_count == 90_000
    assert all(m.status == Status.OPEN for m in mentions)
    event = mentions[0].events.get(kind=EventKind.ASSIGNED)
    assert event.actor is None and event.data == {"to": "camille", "in_turn": True}
    # The next arrival carries on where the turn stopped.
    with django_capture_on_commit_callbacks(execute=True):
        later = mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item(4)])
    assert Mention.objects.get(pk=later.new_ids[0]).assignee == sam


def test_people_who_left_are_skipped_and_taken_mentions_are_left_alone(db):
    brand = BrandFactory()
    a, b, c = UserFactory(username="ana"), UserFactory(username="bea"), UserFactory(username="cyd")
    brand.auto_assign_to.set([a, b, c])
    brand.auto_assign_last = a
    brand.save()
    b.is_active = False
    b.save()
    taken = MentionFactory(brand=brand, priority=90, assignee=a)
    free = [MentionFactory(brand=brand, priority=80 - i) for i in range(3)]
    resolved = MentionFactory(brand=brand, priority=95, status=Status.RESOLVED)
    other_brand = MentionFactory(priority=99)
    ids = [m.pk for m in [taken, *free, resolved, other_brand]]
    assert mentions_auto_assign(brand_id=brand.pk, mention_ids=ids) == 3
    assert [Mention.objects.get(pk=m.pk).assignee.username for m in free] == ["cyd", "ana", "cyd"]
    assert Mention.objects.get(pk=taken.pk).assignee == a
    assert Mention.objects.get(pk=resolved.pk).assignee is None
    assert Mention.objects.get(pk=other_brand.pk).assignee is None


def test_a_brand_without_a_team_assigns_nobody(db, django_capture_on_commit_callbacks):
    brand = BrandFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item(1)])
    assert [c.__module__ for c in callbacks] == ["responses.receivers"]  # the report's refresh; no assignment task
    assert Mention.objects.get(pk=result.new_ids[0]).assignee is None
    assert mentions_auto_assign(brand_id=brand.pk, mention_ids=result.new_ids) == 0


def test_the_mention_page_says_who_got_it_in_turn(cm_client):
    brand = BrandFactory()
    brand.auto_assign_to.set([UserFactory(username="sam")])
    mention = MentionFactory(brand=brand)
    mentions_auto_assign(brand_id=brand.pk, mention_ids=[mention.pk])
    body = cm_client.get(f"/mentions/{mention.pk}/").content.decode()
    assert "→ sam (in turn)" in body
