from celery import shared_task

from complaints.assignment import mentions_auto_assign


@shared_task
def auto_assign_mentions(brand_id: int, mention_ids: list[int]) -> int:
    """New mentions of a brand with a team, after ingestion stored them (pipeline.ingestion):
    assigned in turn (complaints.assignment)."""
    return mentions_auto_assign(brand_id=brand_id, mention_ids=mention_ids)
