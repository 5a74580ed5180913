from dataclasses import asdict

from celery import shared_task

from responses.alerts import sla_alerts_send
from responses.report_refresh import report_days_refresh_due


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
    """Every 5 minutes (beat), and a few seconds after writes that made days stale (see
    responses.report_refresh): the report's stale packed days are rebuilt. Returns how many
    were stale, or -1 when another worker is rebuilding them now."""
    return report_days_refresh_due()


# --- Sending replies ---
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from responses.models import Response  # noqa: E402
from responses.services import (  # noqa: E402
    ResponseSendLater, response_give_up, response_send, responses_sweep,
)

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
    return responses_sweep()
