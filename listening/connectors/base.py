"""The one interface every platform connector implements."""

from dataclasses import dataclass, field
from datetime import datetime

import requests

from listening.normalized import NormalizedMention

HTTP_TIMEOUT = (5, 30)  # connect, read: a platform that hangs must not hang a worker


class ConnectorError(Exception):
    """A fetch that failed, said in plain words for the admin.

    permanent: retrying won't help until a person acts (bad or revoked credentials, missing
    permission, deleted page). needs_reauth: the person must re-authorize the credential.
    retry_at: when the platform says it will accept requests again (rate limits)."""

    def __init__(self, message: str, *, permanent: bool, needs_reauth: bool = False, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.needs_reauth = needs_reauth
        self.retry_at = retry_at


@dataclass
class FetchResult:
    items: list[NormalizedMention]
    cursor: dict
    skipped: list[str] = field(default_factory=list)  # reasons, one per item left out


class Connector:
    """Fetches what is new for a source since its cursor. Implementations must not
    write to the database: the poll service stores items, then advances the cursor."""

    platform: str = ""
    refreshes_engagement = False  # True where refresh() looks stored items up (X)

    def fetch(self, source, cursor: dict) -> FetchResult:
        raise NotImplementedError

    def refresh(self, source, external_ids: list[str]) -> list[NormalizedMention]:
        """The current state (engagement counts) of these already-stored items. Platforms whose
        fetch sends changed items again anyway (Facebook's overlapping re-read, feeds) need none."""
        return []


class TimeoutSession(requests.Session):
    """A requests session that always has a timeout, for clients that set none."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def network_error(error: Exception, platform: str) -> ConnectorError:
    return ConnectorError(
        f"{platform} could not be reached ({error.__class__.__name__}). Écoute will retry.", permanent=False,
    )
