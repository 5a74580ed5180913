from datetime import datetime, timedelta, timezone

from complaints.priority import compute_priority
from complaints.templatetags.triage import reasons

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _priority(**overrides):
    args = dict(label="complaint", followers=12000, reposts=35, quotes=5, replies=3, likes=100,
                posted_at=NOW - timedelta(hours=3), now=NOW, status="new", answered=False, personal_data=[])
    return compute_priority(**{**args, **overrides})


def test_reasons_read_as_words():
    assert reasons(_priority().reasons) == "complaint · 12k followers · 40 reposts in 3 h · waiting 3 h"


def test_a_complaint_outranks_praise_from_the_same_author():
    assert _priority().score > _priority(label="praise").score


def test_personal_data_raises_priority_and_says_to_answer_in_private():
    plain, exposed = _priority(), _priority(personal_data=["card"])
    assert exposed.score > plain.score
    assert "personal data (card number): answer in private" in reasons(exposed.reasons)


def test_waiting_time_raises_priority_until_answered():
    assert _priority(posted_at=NOW - timedelta(hours=5)).score > _priority(posted_at=NOW - timedelta(hours=1)).score
    assert "waiting" not in reasons(_priority(answered=True).reasons)


def test_closed_mentions_leave_the_queue():
    assert _priority(status="resolved").score == 0
