"""Triage fields of a mention, computed in memory so ingestion can set them on many
mentions before a single insert: personal data, SLA due times, priority."""

from complaints.personal_data import personal_data_kinds
from complaints.priority import compute_priority
from sla.state import first_response_due_at, resolution_due_at


def triage_fields_apply(*, mention, policies: dict, now, followers: int | None = None) -> None:
    """policies: the brand's SLA policies by label, with their clocks (sla.selectors), loaded
    once for the whole batch."""
    kinds = personal_data_kinds(f"{mention.title}\n{mention.text}")
    mention.exposes_personal_data, mention.personal_data_kinds = bool(kinds), kinds
    mention.first_response_due_at = first_response_due_at(policies=policies, label=mention.label,
                                                          posted_at=mention.posted_at)
    mention.resolution_due_at = resolution_due_at(policies=policies, label=mention.label, posted_at=mention.posted_at)
    priority_apply(mention=mention, now=now, followers=followers)


def priority_apply(*, mention, now, followers: int | None = None) -> None:
    if followers is None:
        followers = mention.author.followers_count if mention.author_id else 0
    priority = compute_priority(
        label=mention.label, followers=followers, reposts=mention.reposts_count, quotes=mention.quotes_count,
        replies=mention.replies_count, likes=mention.likes_count, posted_at=mention.posted_at, now=now,
        status=mention.status, answered=mention.first_response_at is not None,
        personal_data=mention.personal_data_kinds,
    )
    mention.priority, mention.priority_reasons = priority.score, priority.reasons
