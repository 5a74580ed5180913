import logging
from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from responses.alerts import sla_alerts_send
from responses.models import Response
from responses.report_refresh import report_days_refresh_due
from responses.sending import ResponseSendLater, response_give_up, response_send, responses_sweep
from responses.timing import timings_backfill
from sla.services import mentions_sla_refresh

logger = logging.getLogger(__name__)


@shared_task
def send_sla_alerts() -> dict:
    """Every minute (beat): near-breach and breach notifications. Safe to run twice at once."""
    return asdict(sla_alerts_send())


@shared_task
def recount_response_times(brand_id: int) -> int:
    """After an SLA policy or business calendar of the brand changed (admin): the open
    mentions' due times, then the stored response times."""
    mentions_sla_refresh(brand_id=brand_id)
    return timings_backfill(brand_ids=[brand_id])


@shared_task
def refresh_report_days() -> int:
    """Every 5 minutes (beat), and a few seconds after writes that made days stale (see
    responses.report_refresh): the report's stale packed days are rebuilt. Returns how many
    were stale, or -1 when another worker is rebuilding them now."""
    return report_days_refresh_due()


SEND_MAX_RETRIES = 6  # 1, 2, 4 … 32 minutes apart: about an hour of transient failures, then the agent decides


@shared_task(bind=True, acks_late=True, max_retries=SEND_MAX_RETRIES,
             # A worker stuck in a request is stopped before its lease runs out (prefork pools),
             # so the sweeper never hands a reply to a second worker while the first still sends.
             time_limit=max(30, settings.REPLY_SEND_LEASE_SECONDS - 30))
def send_response(self, response_id: int) -> str:
    """Sends one queued reply. Delivered twice, or redelivered after a worker died, it still
    sends at most once (see response_send)."""
    response = Response.objects.filter(pk=response_id).first()
    if response is None:
        return "deleted"
    try:
        return response_send(response=response, claim=self.request.id or "").status
    except ResponseSendLater as later:
        # Inline tasks (no worker, the demo) can't wait: a retry would reach the page as an
        # error and nothing would run it later. The agent gets the reason and Retry instead.
        inline = self.request.is_eager and self.app.conf.task_eager_propagates
        if inline or self.request.retries >= self.max_retries:
            return response_give_up(response=response, reason=later.message).status
        raise self.retry(countdown=max(0.0, (later.retry_at - timezone.now()).total_seconds())) from later


@shared_task
def sweep_replies() -> int:
    """Every minute (beat): replies past their lease (task lost, worker died) are queued again."""
    return responses_sweep(enqueue=response_enqueue)


def response_enqueue(*, response: Response) -> bool:
    """Hands the reply to the task queue (after commit). False when the queue can't be reached:
    the reply stays queued in the database and the sweeper sends it once the queue is back,
    so the person who pressed Send never gets a server error for it."""
    try:
        send_response.delay(response.pk)
    except Exception:  # noqa: BLE001 - the broker's errors vary (kombu, redis, socket); the row keeps the reply
        logger.exception("Reply %s could not be queued; the sweeper sends it when the queue is back", response.pk)
        response.queue_down = True
        return False
    response.queue_down = False
    return True
