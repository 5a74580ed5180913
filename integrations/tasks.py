from celery import shared_task

from integrations.services import deliveries_due, delivery_send


@shared_task(ignore_result=True)
def send_due_deliveries() -> int:
    """Sends what is due, a batch at a time (after a commit, and from the beat every minute)."""
    due = deliveries_due()
    for delivery_id in due:
        delivery_send(delivery_id=delivery_id)
    if len(due) == 200:
        send_due_deliveries.delay()
    return len(due)
