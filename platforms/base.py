"""The one interface every platform implements.

A platform package (platforms/<name>/) builds one `Platform`: what it listens to (a
Connector per source kind), how it answers (a Sender), its webhook if it has one, and its
rules (reply length, private replies, what a credential must hold). The registry
(platforms/registry.py) lists the packages; nothing else names a platform."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from platforms.errors import ErrorKind, Notice, PlatformError
from platforms.normalized import NormalizedMention
from platforms.settings import Setting, quota_setting

NOT_POLLED = ErrorKind("not_polled", _("Sources of kind “%(kind)s” are not polled."))

# Where a reply goes, as responses.models.Visibility stores it.
PUBLIC = "public"
PRIVATE = "private"


@dataclass
class FetchResult:
    items: list[NormalizedMention]
    cursor: dict
    skipped: list[str] = field(default_factory=list)  # reasons, one per item left out
    notice: Notice | str | None = None  # something the admin should know about this poll (shown in the source's health)


class Connector:
    """Fetches what is new for a source since its cursor. Implementations must not
    write to the database: the poll service stores items, then advances the cursor."""

    refreshes_engagement = False  # True where refresh() looks stored items up (X)

    def fetch(self, source, cursor: dict) -> FetchResult:
        raise NotImplementedError

    def refresh(self, source, external_ids: list[str]) -> list[NormalizedMention]:
        """The current state (engagement counts) of these already-stored items. Platforms whose
        fetch sends changed items again anyway (Facebook's overlapping re-read, feeds) need none."""
        return []

    def complete(self, source, items: list[NormalizedMention]) -> list[NormalizedMention]:
        """Webhook items as the worker stores them. A platform whose deliveries carry only ids
        looks the rest up here, with the source's credential; items it can't complete for good
        are left out. Raises a transient PlatformError to be retried."""
        return items


class Sender:
    """Publishes replies for one credential on one platform.

    A sender publishes one reply and, when an earlier attempt may have reached the platform,
    looks there for that reply before anything is posted again. It never writes to the
    database: responses/services.py records what happened."""

    def __init__(self, credential):
        self.credential = credential

    def check(self, *, mention, visibility: str) -> None:
        """Raises a permanent PlatformError when this reply can't be sent at all, before any request."""

    def send(self, response) -> str:
        """Posts the reply; returns the platform's id for it."""
        raise NotImplementedError

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        """The platform id of this reply if the platform already has it (ids in `exclude`
        belong to other responses and are never returned)."""
        raise NotImplementedError


@dataclass(frozen=True)
class LengthRule:
    limit: int | None
    counter: object = len  # how the platform counts a text (X weighs links and wide characters)
    # The composer's in-browser count: "" (characters, or X's weights when counter isn't len),
    # "graphemes", "graphemes_links" (graphemes, links 23, @user@server as @user).
    counting: str = ""
    limit_for: object = None  # mention -> limit, where it depends on the brand's server

    def length(self, text: str) -> int:
        return self.counter(text)

    def limit_of(self, mention) -> int | None:
        return self.limit_for(mention) if self.limit_for is not None else self.limit


@dataclass(frozen=True)
class SourceKind:
    value: str
    constant: str  # the name listening.choices.SourceKind gives it
    label: object
    connector: type[Connector]
    target_help: object = ""  # what the admin writes in the source's "watched" field


@dataclass(frozen=True)
class Platform:
    key: str  # stored in Mention.platform and Credential.platform
    constant: str  # the name listening.choices.Platform gives it
    label: object
    source_kinds: tuple[SourceKind, ...] = ()
    # Credential values: name -> label, and which of them reading and replying need.
    credential_fields: dict = field(default_factory=dict)
    read_secrets: tuple[str, ...] = ()
    send_secrets: tuple[str, ...] = ()
    sender: type[Sender] | None = None
    no_reply_reason: object = ""  # why replies can't be sent from Écoute, when sender is None
    webhook: object = None  # an object with handshake / verify / parse (see listening/webhooks.py)
    lengths: dict = field(default_factory=dict)  # visibility -> LengthRule
    private_reply_window: timedelta | None = None
    one_private_reply: bool = False  # the platform accepts one private reply per item (Facebook)
    settings: tuple[Setting, ...] = ()  # read from the environment by config/settings.py

    @property
    def quota_setting(self) -> str:
        """The setting holding the platform's requests per 15 minutes ("" when unlimited)."""
        return quota_setting(self.settings)
    color: str = ""  # the badge's colour (#rrggbb) on the queue and mention pages
    own_account_help: object = ""  # how the brand's own accounts on this platform are written
    # Its credentials send replies to mentions of any platform, whose rules still apply (the
    # demo's sandbox); every other platform answers only its own mentions.
    answers_any_platform: bool = False

    def length_rule(self, visibility: str) -> LengthRule:
        return self.lengths.get(visibility, LengthRule(None))

    def connector_for(self, kind: str) -> Connector:
        for source_kind in self.source_kinds:
            if source_kind.value == kind:
                return source_kind.connector()
        raise NOT_POLLED.error(permanent=True, kind=kind)


__all__ = ["PRIVATE", "PUBLIC", "Connector", "FetchResult", "LengthRule", "Platform", "PlatformError", "Sender",
           "SourceKind"]
