"""The one list of platforms. Adding a platform is one new package under platforms/ that
builds a `Platform`, plus one line here (and the migration its new choices need)."""

from platforms import bluesky, facebook, feeds, instagram, mastodon, sandbox, x
from platforms.base import NOT_POLLED, Connector, Platform

PLATFORMS: dict[str, Platform] = {p.key: p for p in (
    x.PLATFORM,
    facebook.PLATFORM,
    feeds.PLATFORM,
    instagram.PLATFORM,
    mastodon.PLATFORM,
    bluesky.PLATFORM,
    sandbox.PLATFORM,
)}


def platform(key: str) -> Platform:
    """The platform stored as `key` (Mention.platform, Credential.platform); KeyError if none."""
    return PLATFORMS[key]


def platform_of_kind(kind: str) -> Platform | None:
    return next((p for p in PLATFORMS.values() if any(k.value == kind for k in p.source_kinds)), None)


def connector_for(source) -> Connector:
    found = platform_of_kind(source.kind)
    if found is None:
        raise NOT_POLLED.error(permanent=True, kind=source.kind)
    return found.connector_for(source.kind)
