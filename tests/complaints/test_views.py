import re
from urllib.parse import unquote
from datetime import timedelta

from django.utils import timezone

from listening.choices import EventKind
from tests.factories import BrandFactory, MentionFactory
from complaints.services import mention_priority_refresh


def test_queue_lists_open_mentions_highest_priority_first(cm_client):
    low = MentionFactory(text="Juste une question sur l'offre", label="question")
    high = MentionFactory(text="Aucun réseau depuis 3 jours", label="complaint")
    MentionFactory(text="Déjà résolu", status="resolved")
    for m in (low, high):
        mention_priority_refresh(mention=m)
    body = cm_client.get("/").content.decode()
    assert body.index("Aucun réseau") < body.index("Juste une question")
    assert "Déjà résolu" not in body


def test_queue_filters_live_in_the_url(cm_client):
    a, b = BrandFactory(name="Lumio"), BrandFactory(name="Autre")
    MentionFactory(brand=a, text="chez Lumio", label="complaint")
    MentionFactory(brand=b, text="chez Autre", label="praise")
    body = cm_client.get("/", {"brand": a.pk}).content.decode()
    assert "chez Lumio" in body and "chez Autre" not in body
    body = cm_client.get("/", {"label": "praise"}).content.decode()
    assert "chez Autre" in body and "chez Lumio" not in body
    assert cm_client.get("/", {"brand": "x'; drop", "after": "junk"}).status_code == 200


def test_queue_pages_with_a_keyset_cursor(cm_client):
    brand = BrandFactory()
    for i in range(55):
        MentionFactory(brand=brand, text=f"mention numéro {i:03d}", priority=1000 - i)
    first = cm_client.get("/").content.decode()
    assert "mention numéro 049" in first and "mention numéro 050" not in first
    cursor = re.search(r'href="\?after=([^"]+)"', first).group(1)
    assert unquote(cursor).startswith("951:")  # the 50th row's priority
    second = cm_client.get("/", {"after": unquote(cursor)}).content.decode()
    assert "mention numéro 050" in second and "mention numéro 049" not in second


def test_hostile_text_is_escaped(cm_client):
    mention = MentionFactory(text="<script>alert('pwned')</script><img src=x onerror=alert(1)>")
    for page in ("/", f"/mentions/{mention.pk}/"):
        body = cm_client.get(page).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert" in body


def test_mention_page_shows_the_timeline(cm_client, community_manager):
    mention = MentionFactory()
    cm_client.post(f"/mentions/{mention.pk}/assign/", {"assignee": "me"})
    cm_client.post(f"/mentions/{mention.pk}/status/", {"status": "resolved"})
    mention.refresh_from_db()
    assert mention.assignee == community_manager and mention.status == "resolved" and mention.resolved_at
    kinds = list(mention.events.values_list("kind", flat=True))
    assert kinds == [EventKind.STATUS_CHANGED, EventKind.ASSIGNED, EventKind.STATUS_CHANGED]
    body = cm_client.get(f"/mentions/{mention.pk}/").content.decode()
    assert "Assigned" in body and "Status changed" in body


def test_an_unknown_status_is_refused_with_a_message(cm_client):
    mention = MentionFactory()
    response = cm_client.post(f"/mentions/{mention.pk}/status/", {"status": "deleted"}, follow=True)
    assert "Unknown status" in response.content.decode()
    mention.refresh_from_db()
    assert mention.status == "new"


def test_sla_breach_shows_in_the_queue(cm_client):
    from sla.models import SLAPolicy

    mention = MentionFactory(text="en retard", posted_at=timezone.now() - timedelta(hours=3, seconds=30))
    SLAPolicy.objects.create(brand=mention.brand, label="", first_response_minutes=60)
    assert "breached 2 h ago" in cm_client.get("/").content.decode()


def test_near_breach_follows_the_brands_threshold(cm_client):
    from sla.models import SLAPolicy

    posted = timezone.now() - timedelta(minutes=60)
    mention = MentionFactory(text="bientôt en retard", posted_at=posted, first_response_due_at=posted + timedelta(minutes=100))
    policy = SLAPolicy.objects.create(brand=mention.brand, label="", first_response_minutes=100, near_breach_percent=90)
    assert 'sla-ok' in cm_client.get("/").content.decode()  # 60 % used, warning at 90 %
    policy.near_breach_percent = 50
    policy.save()
    assert 'sla-near' in cm_client.get("/").content.decode()
