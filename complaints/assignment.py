"""Round-robin auto-assignment: a brand that lists a team gets each new mention assigned to
the next person in turn, highest priority first, so nobody has to pick work from the queue."""

from django.db import transaction

from complaints.services import mention_assignment_record
from listening.choices import OPEN_STATUSES
from listening.models import Brand, Mention


def _next_index(team: list, last_id: int | None) -> int:
    """Where the turn goes on: after the last person served, or — if they left the team —
    after where they stood (user ids keep the order stable)."""
    if last_id is None:
        return 0
    return next((i for i, user in enumerate(team) if user.pk > last_id), 0)


def mentions_auto_assign(*, brand_id: int, mention_ids: list[int]) -> int:
    """Assigns these mentions of the brand, still open and unassigned, in turn to its team.
    Returns how many were assigned. The brand row is locked so two workers don't both
    hand out the same turn; a mention someone took meanwhile is left to them."""
    with transaction.atomic():
        brand = Brand.objects.select_for_update().filter(pk=brand_id).first()
        if brand is None:
            return 0
        team = list(brand.auto_assign_to.filter(is_active=True).order_by("pk"))
        if not team:
            return 0
        turn = _next_index(team, brand.auto_assign_last_id)
        mentions = Mention.objects.filter(
            pk__in=mention_ids, brand_id=brand_id, assignee__isnull=True,
            status__in=[s.value for s in OPEN_STATUSES]).order_by("-priority", "pk")
        done = 0
        for mention in mentions:
            user = team[turn % len(team)]
            if Mention.objects.filter(pk=mention.pk, assignee__isnull=True).update(assignee=user) == 0:
                continue
            mention.assignee = user
            mention_assignment_record(mention=mention, assignee=user, actor=None, in_turn=True)
            brand.auto_assign_last = user
            turn, done = turn + 1, done + 1
        if done:
            brand.save(update_fields=["auto_assign_last"])
        return done
