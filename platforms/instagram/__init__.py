"""Instagram professional accounts (Business or Creator, linked to a Facebook Page): comments
under the account's media and their replies, media it is tagged in, and @mentions of it
in others' captions and comments (Graph API polling and the `comments` / `mentions`
webhooks); public replies to comments and mentions, and one private reply per comment as
the account."""

from django.utils.translation import gettext_lazy as _

from platforms.base import PRIVATE, PUBLIC, LengthRule, Platform, SourceKind
from platforms.instagram.fetch import InstagramConnector
from platforms.instagram.graph import ACCOUNT_KIND, KEY
from platforms.instagram.send import PRIVATE_REPLY_WINDOW, InstagramSender
from platforms.instagram.webhook import InstagramWebhook

PLATFORM = Platform(
    key=KEY, constant="INSTAGRAM", label=_("Instagram"),
    source_kinds=(SourceKind(ACCOUNT_KIND, "INSTAGRAM_ACCOUNT", _("Instagram: comments and mentions of an account"),
                             InstagramConnector,
                             target_help=_("Instagram: the numeric id of the professional account (not its "
                                           "@username).")),),
    credential_fields={
        "ig_access_token": _("Instagram: access token of the Page linked to the account"),
        "ig_app_secret": _("Instagram: app secret (checks webhook signatures)"),
    },
    read_secrets=("ig_access_token",), send_secrets=("ig_access_token",),
    sender=InstagramSender,
    webhook=InstagramWebhook(),
    # Comments: 2,200 characters. Private replies are Instagram messages: 1,000.
    lengths={PUBLIC: LengthRule(2_200), PRIVATE: LengthRule(1_000)},
    private_reply_window=PRIVATE_REPLY_WINDOW, one_private_reply=True,
    color="#b4236e",
    own_account_help=_("Instagram: the @username the brand posts from (@lumio.fr)."),
)
