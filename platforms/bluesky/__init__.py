"""Bluesky (AT Protocol): the brand account's notifications (mentions, replies, quotes) and
search queries, public replies in the thread as the brand's account. No private replies."""

from django.utils.translation import gettext_lazy as _

from platforms.base import PUBLIC, LengthRule, Platform, SourceKind
from platforms.bluesky.fetch import BlueskyConnector
from platforms.bluesky.send import BlueskySender
from platforms.bluesky.xrpc import (
    APP_PASSWORD,
    HANDLE,
    KEY,
    MENTIONS_KIND,
    SEARCH_KIND,
    SECRETS,
    SERVICE,
)
from platforms.lengths import grapheme_count

PLATFORM = Platform(
    key=KEY, constant="BLUESKY", label=_("Bluesky"), color="#0a66d8",
    source_kinds=(
        SourceKind(MENTIONS_KIND, "BLUESKY_MENTIONS", _("Bluesky: mentions, replies and quotes of the brand's account"),
                   BlueskyConnector, _("Bluesky notifications: the brand's handle (lumio.bsky.social), whose app "
                                       "password the credential holds.")),
        SourceKind(SEARCH_KIND, "BLUESKY_SEARCH", _("Bluesky: search query"), BlueskyConnector,
                   _("Bluesky search: words or a phrase, such as “Lumio” or “@lumio.bsky.social”.")),
    ),
    credential_fields={
        HANDLE: _("Bluesky: handle of the brand's account (lumio.bsky.social)"),
        APP_PASSWORD: _("Bluesky: app password of the brand's account"),
        SERVICE: _("Bluesky: server address, when not https://bsky.social"),
    },
    read_secrets=SECRETS, send_secrets=SECRETS,
    sender=BlueskySender,
    lengths={PUBLIC: LengthRule(300, grapheme_count, counting="graphemes")},
    own_account_help=_("Bluesky: the brand's handles (lumio.bsky.social)."),
)
