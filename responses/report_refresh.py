"""The report is never cold: days that writes made stale are rebuilt in the background a few
seconds after the writes commit, so the first manager after an import or a busy day reads
packed days instead of rebuilding them (responses.report_days).

Services tell who listens what they wrote (core.events); once a batch that changes what the
report reads commits, a rebuild is asked for (responses.receivers). A burst of batches asks once:
the first claims a pending flag in Redis and enqueues the rebuild REFRESH_DELAY seconds later;
the others find the flag taken and enqueue nothing. The rebuild clears the flag before it reads
the days, so a batch committed while it runs asks again. One rebuild runs at a time (a lock);
the beat task every 5 minutes stays as a safety net."""

from django.core.cache import cache

from core import events
from core.locks import exclusive
from responses.report_days import report_days_refresh

PENDING_KEY = "report-days:refresh-pending"
REFRESH_DELAY = 5  # seconds: the batches of one burst share a rebuild
LOCK_SECONDS = 15 * 60
# What changes the rows the report reads: mentions stored or relabelled (brand, day, label,
# platform), replies and resolutions (stored response times).
STALING = frozenset({events.MENTION_CREATED, events.MENTION_LABEL_CORRECTED, events.MENTION_RESOLVED,
                     events.RESPONSE_SENT})


def report_refresh_claim() -> bool:
    """True for the first caller since the last rebuild started: it enqueues the rebuild."""
    return cache.add(PENDING_KEY, 1, timeout=REFRESH_DELAY + LOCK_SECONDS)


def report_days_refresh_due() -> int:
    """The rebuild (a worker runs it): how many days were stale, or -1 when another worker is
    rebuilding now (the flag then stays, and the next write's rebuild or beat does the rest)."""
    with exclusive("report-days-refresh", LOCK_SECONDS) as mine:
        if not mine:
            return -1
        cache.delete(PENDING_KEY)  # writes committed from now on ask for the next rebuild
        return report_days_refresh()
