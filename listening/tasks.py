import logging
from dataclasses import asdict

from celery import shared_task

from listening.ingestion import delivered_items_ingest
from listening.models import Source
from listening.polling import source_poll
from platforms.errors import PlatformError

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
    try:
        return asdict(delivered_items_ingest(source=source, items=items))
    except PlatformError as error:
        if error.permanent:
            logger.warning("Webhook items for source %s dropped: %s", source_id, error.message)
            return {"dropped": len(items), "reason": error.message}
        raise self.retry(exc=error, countdown=60 * 2 ** self.request.retries)
