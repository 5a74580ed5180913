"""What a community manager reads on the queue and the mention page: priority reasons, dates,
the conversation — in English and in French."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accounts.models import Profile
from complaints.templatetags.triage import reasons
from tests.factories import AuthorFactory, BrandFactory, MentionFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("n, hours, english, french", [
    (40, 3, "40 reposts in 3 h", "40 partages en 3 h"),
    (19, 370, "1.2 reposts a day", "1,2 partages par jour"),  # not "19 reposts in 370 h"
    (48, 48, "24 reposts a day", "24 partages par jour"),
    (2, 48, "1 repost a day", "1 partage par jour"),
])
def test_reposts_read_as_a_rate_over_a_sensible_window(n, hours, english, french):
    reason = [{"code": "reposts", "n": n, "hours": hours}]
    with translation.override("en"):
        assert reasons(reason) == english
    with translation.override("fr"):
        assert reasons(reason) == french


def _page(client, user, language: str, path: str) -> str:
    Profile.objects.update_or_create(user=user, defaults={"language": language, "time_zone": "Europe/Paris"})
    return client.get(path).content.decode()


def test_dates_are_unambiguous_in_the_readers_language(cm_client, community_manager):
    mention = MentionFactory(posted_at=datetime(2026, 12, 6, 14, 5, tzinfo=PARIS))
    english = _page(cm_client, community_manager, "en", f"/mentions/{mention.pk}/")
    assert "6 Dec 2026, 14:05" in english and "12/06/2026" not in english and "p.m." not in english
    french = _page(cm_client, community_manager, "fr", f"/mentions/{mention.pk}/")
    assert "6 déc. 2026 14:05" in french and "06/12/2026" not in french
    assert 'title="6 Dec 2026, 14:05"' in _page(cm_client, community_manager, "en", "/")  # the queue row


def test_earlier_from_the_author_lists_only_earlier_mentions_and_thread_items_show_their_author(
        cm_client, community_manager):
    brand, claire, marc = BrandFactory(), AuthorFactory(handle="@claire"), AuthorFactory(handle="@marc")
    now = timezone.now()
    MentionFactory(brand=brand, author=claire, text="Premier message de Claire", posted_at=now - timedelta(days=3))
    mention = MentionFactory(brand=brand, author=claire, text="Ma box ne marche pas", posted_at=now - timedelta(hours=2),
                             conversation_id="c1")
    MentionFactory(brand=brand, author=claire, text="Message suivant de Claire", posted_at=now - timedelta(hours=1))
    MentionFactory(brand=brand, author=marc, text="Moi aussi, même panne", conversation_id="c1",
                   posted_at=now - timedelta(minutes=30))
    page = _page(cm_client, community_manager, "en", f"/mentions/{mention.pk}/")
    earlier = page[page.index("Earlier from"):]
    assert "Premier message de Claire" in earlier and "Message suivant de Claire" not in earlier
    thread = page[page.index("In the same thread"):page.index("Earlier from")]
    assert "Moi aussi, même panne" in thread and "@marc" in thread
