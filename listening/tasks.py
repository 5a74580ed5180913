import logging
from dataclasses import asdict

from celery import shared_task

from listening.ingestion import mention_ingest
from listening.models import Source
from listening.polling import source_poll
from platforms.errors import PlatformError
from platforms.normalized import normalized_from_dict
from platforms.registry import platform_of_kind

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def poll_source(source_id: int) -> dict:
    """Run by beat for each source at its interval; the lock inside makes overlaps harmless."""
    return asdict(source_poll(source_id=source_id))


@shared_task(bind=True, acks_late=True, max_retries=5)
def ingest_items(self, source_id: int, items: list[dict]) -> dict:
    """Stores mentions that arrived for a source (webhook deliveries, imports). Deliveries
    that carry only ids are completed by the source's platform first; when the platform
    can't answer now, the delivery is retried later rather than lost."""
    source = Source.objects.select_related("brand", "credential").get(pk=source_id)
    normalized = [normalized_from_dict(item) for item in items]
    found = platform_of_kind(source.kind)
    try:
        if found is not None:
            normalized = found.connector_for(source.kind).complete(source, normalized)
    except PlatformError as error:
        if error.permanent:
            logger.warning("Webhook items for source %s dropped: %s", source_id, error.message)
            return {"dropped": len(normalized), "reason": error.message}
        raise self.retry(exc=error, countdown=60 * 2 ** self.request.retries)
    result = mention_ingest(brand=source.brand, platform=source.platform, source=source, items=normalized)
    return asdict(result)
