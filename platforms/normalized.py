"""What every platform produces: platform-neutral mentions, ready to ingest."""

from dataclasses import dataclass, field
from datetime import datetime

from core.text import web_url


@dataclass(frozen=True)
class NormalizedAuthor:
    external_id: str
    handle: str = ""
    display_name: str = ""
    followers_count: int = 0
    profile_url: str = ""

    def __post_init__(self):
        object.__setattr__(self, "profile_url", web_url(self.profile_url))


@dataclass
class NormalizedMention:
    external_id: str
    text: str
    posted_at: datetime
    author: NormalizedAuthor | None = None
    url: str = ""
    title: str = ""
    language: str = ""
    in_reply_to_id: str = ""
    conversation_id: str = ""
    reposts_count: int = 0
    likes_count: int = 0
    replies_count: int = 0
    quotes_count: int = 0
    raw: dict = field(default_factory=dict)

    def __post_init__(self):
        # Every path builds one (platforms, feeds, webhooks, imports): only http(s) links are kept.
        self.url = web_url(self.url)


def normalized_from_dict(data: dict) -> NormalizedMention:
    """Rebuilds a mention from its JSON form (task arguments, file imports)."""
    from datetime import datetime

    from django.utils import timezone

    fields = dict(data)
    author = fields.pop("author", None)
    posted_at = fields.pop("posted_at")
    if isinstance(posted_at, str):
        posted_at = datetime.fromisoformat(posted_at)
    if timezone.is_naive(posted_at):
        posted_at = timezone.make_aware(posted_at, timezone.utc)
    known = NormalizedMention.__dataclass_fields__
    return NormalizedMention(
        posted_at=posted_at,
        author=NormalizedAuthor(**author) if author else None,
        **{k: v for k, v in fields.items() if k in known},
    )
