from dataclasses import asdict

from celery import shared_task

from listening.ingestion import mention_ingest
from listening.models import Source
from listening.polling import source_poll
from platforms.normalized import normalized_from_dict


@shared_task(acks_late=True)
def poll_source(source_id: int) -> dict:
    """Run by beat for each source at its interval; the lock inside makes overlaps harmless."""
    return asdict(source_poll(source_id=source_id))


@shared_task(acks_late=True)
def ingest_items(source_id: int, items: list[dict]) -> dict:
    """Stores mentions that arrived for a source (webhook deliveries, imports)."""
    source = Source.objects.select_related("brand").get(pk=source_id)
    result = mention_ingest(
        brand=source.brand, platform=source.platform, source=source,
        items=[normalized_from_dict(item) for item in items],
    )
    return asdict(result)
