"""The one error every platform raises, fetching or sending."""

from datetime import datetime


class PlatformError(Exception):
    """A request to a platform that failed, said in plain words for the person who must act.

    permanent: retrying won't help until a person acts (bad or revoked credentials, missing
    permission, deleted item, refused reply). needs_reauth: an admin must re-authorize the
    credential. retry_at: when the platform says it will accept requests again (rate limits)."""

    def __init__(self, message: str, *, permanent: bool, needs_reauth: bool = False, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.needs_reauth = needs_reauth
        self.retry_at = retry_at
