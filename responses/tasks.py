from dataclasses import asdict

from celery import shared_task

from responses.alerts import sla_alerts_send


@shared_task
def send_sla_alerts() -> dict:
    """Every minute (beat): near-breach and breach notifications. Safe to run twice at once."""
    return asdict(sla_alerts_send())


@shared_task
def recount_response_times(brand_id: int) -> int:
    """After an SLA policy or business calendar of the brand changed (admin): the open
    mentions' due times, then the stored response times."""
    from responses.timing import timings_backfill
    from sla.services import mentions_sla_refresh

    mentions_sla_refresh(brand_id=brand_id)
    return timings_backfill(brand_ids=[brand_id])


@shared_task
def refresh_report_days() -> int:
    """Every 5 minutes (beat): the report's packed days that writes made stale are rebuilt."""
    from responses.report_days import report_days_refresh

    return report_days_refresh()


# --- Sending replies (h_send) ---
from django.utils import timezone  # noqa: E402

from listening.polling import backoff_seconds  # noqa: E402
from responses.models import Response  # noqa: E402
from responses.services import ResponseSendLater, response_give_up, response_send  # noqa: E402

SEND_MAX_RETRIES = 6  # 1, 2, 4 … 32 minutes apart: about an hour of transient failures, then the agent decides


@shared_task(bind=True, acks_late=True, max_retries=SEND_MAX_RETRIES)
def send_response(self, response_id: int) -> str:
    """Sends one queued reply. Delivered twice, or redelivered after a worker died, it still
    sends at most once (see response_send)."""
    response = Response.objects.filter(pk=response_id).first()
    if response is None:
        return "deleted"
    try:
        return response_send(response=response).status
    except ResponseSendLater as later:
        if self.request.retries >= self.max_retries:
            return response_give_up(response=response, reason=later.message).status
        wait = (later.retry_at - timezone.now()).total_seconds() if later.retry_at else 0
        raise self.retry(countdown=max(wait, backoff_seconds(self.request.retries + 1))) from later
