"""Polling a source: fetch what's new, store it, then move the cursor and record health.

The cursor is saved only after the mentions are committed, so a worker that dies in
between leaves the cursor where it was: the next poll fetches the same items again and
ingestion stores each once. A Redis lock keeps two polls of one source from overlapping."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.backoff import backoff_seconds
from core.locks import exclusive
from listening.choices import OPEN_STATUSES, Platform, SourceState
from listening.engagement import mentions_engagement_update
from listening.ingestion import mention_ingest
from listening.models import Credential, Mention, Source
from platforms.errors import ErrorKind, Notice, PlatformError
from platforms.registry import connector_for

logger = logging.getLogger(__name__)
LOCK_SECONDS = 10 * 60

CREDENTIAL_MISFIT = ErrorKind("credential_misfit", _(
    "The credential “%(name)s” belongs to another brand or another platform than this source. An admin must "
    "choose one of this brand's %(platform)s credentials for it, then resume polling."))


@dataclass
class PollResult:
    source_id: int
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    own: int = 0
    engagement_updated: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: str = ""  # why the poll didn't run: locked, disabled, paused, waiting


def _admins_notify(source: Source, message: str) -> None:
    emails = list(get_user_model().objects.filter(roles.people_with_brand_role(source.brand_id, roles.ADMIN))
                  .exclude(email="").values_list("email", flat=True).distinct())
    if emails:
        send_mail(f"[Écoute] Source paused: {source}", f"{message}\n\nThe source stays paused until it is fixed in the admin.",
                  None, emails, fail_silently=True)


def source_failure_record(*, source: Source, error: PlatformError) -> None:
    now = timezone.now()
    source.last_error, source.last_error_at, source.last_polled_at = error.message, now, now
    source.last_error_detail = error.detail()
    source.consecutive_failures += 1
    previous_state = source.state
    if error.permanent:
        source.state = SourceState.NEEDS_REAUTH if error.needs_reauth else SourceState.PAUSED
        source.retry_not_before = None
        if error.needs_reauth and source.credential_id:
            # Only a credential this source may use: never another brand's (see _credential_misfit).
            Credential.objects.filter(pk=source.credential_id, brand_id=source.brand_id,
                                      platform=source.platform).update(
                is_valid=False, invalid_reason=error.message, invalid_detail=error.detail())
    else:
        source.state = SourceState.FAILING
        source.retry_not_before = error.retry_at or now + timedelta(seconds=backoff_seconds(source.consecutive_failures))
    source.save(update_fields=["last_error", "last_error_detail", "last_error_at", "last_polled_at",
                               "consecutive_failures", "state", "retry_not_before"])
    logger.warning("Poll of source %s failed (%s): %s", source.pk, "permanent" if error.permanent else "transient", error.message)
    if error.permanent and previous_state != source.state:
        _admins_notify(source, error.message)


def source_success_record(*, source: Source, cursor: dict, notice: Notice | str | None = None) -> None:
    now = timezone.now()
    if isinstance(notice, str):  # a connector that says it in plain text (no code to translate)
        notice = Notice(notice) if notice else None
    noticed = {"notice": notice.message, "notice_detail": notice.detail(), "notice_at": now} if notice else {}
    Source.objects.filter(pk=source.pk).update(
        cursor=cursor, state=SourceState.HEALTHY, last_polled_at=now, last_success_at=now,
        consecutive_failures=0, retry_not_before=None, **noticed,
    )
    if notice:
        logger.warning("Poll of source %s: %s", source.pk, notice.message)


def _credential_misfit(source: Source) -> PlatformError | None:
    """A source polls only with a credential of its own brand and platform."""
    credential = source.credential
    if credential is None or (credential.brand_id == source.brand_id and credential.platform == source.platform):
        return None
    return CREDENTIAL_MISFIT.error(permanent=True, name=credential.name, platform=str(Platform(source.platform).label))


def source_poll(*, source_id: int) -> PollResult:
    result = PollResult(source_id=source_id)
    with exclusive(f"poll:{source_id}", LOCK_SECONDS) as mine:
        if not mine:
            result.skipped = "locked"
            return result
        source = Source.objects.select_related("brand", "credential").filter(pk=source_id).first()
        if source is None or not source.enabled:
            result.skipped = "disabled"
            return result
        if source.state in (SourceState.PAUSED, SourceState.NEEDS_REAUTH):
            result.skipped = "paused"
            return result
        if source.retry_not_before and source.retry_not_before > timezone.now():
            result.skipped = "waiting"
            return result
        try:
            misfit = _credential_misfit(source)
            if misfit:
                raise misfit
            fetched = connector_for(source).fetch(source, dict(source.cursor))
        except PlatformError as error:
            source_failure_record(source=source, error=error)
            result.errors.append(error.message)
            return result
        stored = mention_ingest(brand=source.brand, platform=source.platform, items=fetched.items, source=source,
                                flushed_by_next_commit=True)
        source_success_record(source=source, cursor=fetched.cursor, notice=fetched.notice)
        result.fetched, result.new, result.duplicates, result.own = stored.fetched, stored.new, stored.duplicates, stored.own
        result.errors += fetched.skipped + ([f"{stored.skipped} items had no id or date"] if stored.skipped else [])
        result.engagement_updated = stored.engagement_updated + _engagement_refresh(
            source=source, just_fetched={str(i.external_id) for i in fetched.items}, result=result)
        return result


def _engagement_refresh(*, source: Source, just_fetched: set[str], result: PollResult) -> int:
    """Counts of the source's recent open mentions, at most ENGAGEMENT_REFRESH_PER_POLL of the
    highest priority, once every ENGAGEMENT_REFRESH_MINUTES per source (a Redis key shared by the
    workers): each looked-up post costs the platform's read quota. A failure here is reported
    and leaves the poll's result alone."""
    limit = settings.ENGAGEMENT_REFRESH_PER_POLL
    connector = connector_for(source)
    if not limit or not connector.refreshes_engagement or not cache.add(f"engagement:{source.pk}", 1, timeout=settings.ENGAGEMENT_REFRESH_MINUTES * 60):
        return 0
    since = timezone.now() - timedelta(hours=settings.ENGAGEMENT_REFRESH_HOURS)
    ids = list(Mention.objects.filter(source=source, status__in=[s.value for s in OPEN_STATUSES], posted_at__gte=since)
               .exclude(external_id__in=just_fetched).order_by("-priority", "-id").values_list("external_id", flat=True)
               [:limit])
    try:
        items = connector.refresh(source, ids)
    except PlatformError as error:
        logger.warning("Engagement refresh of source %s failed: %s", source.pk, error.message)
        result.errors.append(f"engagement refresh: {error.message}")
        return 0
    return len(mentions_engagement_update(brand=source.brand, platform=source.platform, items=items))


@transaction.atomic
def source_resume(*, source: Source) -> None:
    """An admin fixed the cause: poll again from the next beat."""
    Source.objects.filter(pk=source.pk).update(state=SourceState.HEALTHY, consecutive_failures=0, retry_not_before=None)


@transaction.atomic
def source_cursor_reset(*, source: Source) -> None:
    """An admin wants the source read afresh: forget where polling stopped (the next poll reads
    what the platform still serves: X's last 7 days, the Page's recent posts, the whole feed)
    and poll again from the next beat. Mentions already stored are not stored twice."""
    Source.objects.filter(pk=source.pk).update(cursor={}, state=SourceState.HEALTHY, consecutive_failures=0,
                                               retry_not_before=None)
