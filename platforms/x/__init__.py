"""X (formerly Twitter): search queries and an account's mentions through API v2, public
replies and direct messages as the brand's account."""

from django.utils.translation import gettext_lazy as _

from platforms.base import PRIVATE, PUBLIC, LengthRule, Platform, SourceKind
from platforms.x.errors import (
    KEY,
    MENTIONS_KIND,
    READ_SECRETS,
    SEARCH_KIND,
    SEND_SECRETS,
)
from platforms.x.fetch import XConnector
from platforms.x.rules import x_length
from platforms.x.send import XSender
from platforms.x.settings import SETTINGS

PLATFORM = Platform(
    key=KEY, constant="TWITTER", label=_("X (Twitter)"), color="#111111",
    source_kinds=(
        SourceKind(SEARCH_KIND, "X_SEARCH", _("X: search query"), XConnector,
                   _("X search: a query such as “Lumio OR @LumioFR -is:retweet”.")),
        SourceKind(MENTIONS_KIND, "X_MENTIONS", _("X: mentions of an account"), XConnector,
                   _("X mentions: the @handle.")),
    ),
    own_account_help=_("X: the handles the brand posts from (@LumioFR)."),
    credential_fields={
        "bearer_token": _("X: bearer token (reading)"),
        "consumer_key": _("X: API key (sending replies)"),
        "consumer_secret": _("X: API key secret"),
        "access_token": _("X: access token of the brand's account"),
        "access_token_secret": _("X: access token secret"),
    },
    read_secrets=READ_SECRETS, send_secrets=SEND_SECRETS,
    sender=XSender,
    lengths={PUBLIC: LengthRule(280, x_length), PRIVATE: LengthRule(10_000)},
    settings=SETTINGS,
)
