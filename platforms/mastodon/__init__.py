"""Mastodon, on any instance: the brand account's mention notifications and followed
hashtags, public replies and private ones (visibility "direct") as the brand's account."""

from django.utils.translation import gettext_lazy as _

from platforms.base import PRIVATE, PUBLIC, LengthRule, Platform, SourceKind
from platforms.errors import PlatformError
from platforms.mastodon.api import (
    DEFAULT_MAX_CHARACTERS,
    HASHTAG_KIND,
    INSTANCE,
    KEY,
    MENTIONS_KIND,
    SECRETS,
    TOKEN,
    instance_max_characters,
    instance_url,
)
from platforms.mastodon.fetch import MastodonConnector
from platforms.mastodon.rules import mastodon_length
from platforms.mastodon.send import MastodonSender, author_acct


def reply_limit(mention) -> int:
    """The brand's instance limit, less the @user the reply starts with."""
    credential = mention.source.credential if mention.source_id and mention.source else None
    instance = credential.secrets.get(INSTANCE) if credential else ""
    try:
        limit = instance_max_characters(instance_url(instance)) if instance else DEFAULT_MAX_CHARACTERS
    except PlatformError:  # an address the admin must fix; the default keeps the composer usable
        limit = DEFAULT_MAX_CHARACTERS
    acct = author_acct(mention)
    return limit - mastodon_length(f"@{acct} ") if acct else limit


RULE = LengthRule(DEFAULT_MAX_CHARACTERS, mastodon_length, counting="graphemes_links", limit_for=reply_limit)

PLATFORM = Platform(
    key=KEY, constant="MASTODON", label=_("Mastodon"), color="#563acc",
    source_kinds=(
        SourceKind(MENTIONS_KIND, "MASTODON_MENTIONS", _("Mastodon: mentions of the brand's account"),
                   MastodonConnector, _("Mastodon mentions: the brand's account (@Lumio@mastodon.social), "
                                        "whose access token the credential holds.")),
        SourceKind(HASHTAG_KIND, "MASTODON_HASHTAG", _("Mastodon: a hashtag"), MastodonConnector,
                   _("Mastodon hashtag: the tag, such as #lumio (as the brand's instance sees it).")),
    ),
    own_account_help=_("Mastodon: the brand's accounts as user@instance (@Lumio@mastodon.social)."),
    credential_fields={
        INSTANCE: _("Mastodon: instance address (https://mastodon.social)"),
        TOKEN: _("Mastodon: access token of the brand's account (scopes read and write)"),
    },
    read_secrets=SECRETS, send_secrets=SECRETS,
    sender=MastodonSender,
    lengths={PUBLIC: RULE, PRIVATE: RULE},
)
