"""Facebook Pages: the Page's feed, posts that tag it and their comments (Graph API polling
and the `feed` webhook), public comment replies and Messenger private replies as the Page."""

from django.utils.translation import gettext_lazy as _

from platforms.base import PRIVATE, PUBLIC, LengthRule, Platform, SourceKind
from platforms.facebook.errors import PRIVATE_REPLY_WINDOW
from platforms.facebook.fetch import FacebookPageConnector
from platforms.facebook.graph import KEY, PAGE_KIND
from platforms.facebook.send import FacebookSender
from platforms.facebook.settings import SETTINGS
from platforms.facebook.webhook import FacebookWebhook

PLATFORM = Platform(
    key=KEY, constant="FACEBOOK", label=_("Facebook"), color="#1d4ed8",
    source_kinds=(SourceKind(PAGE_KIND, "FACEBOOK_PAGE", _("Facebook: Page feed and comments"), FacebookPageConnector,
                             _("Facebook: the Page id.")),),
    own_account_help=_("Facebook: the ids of the brand's Pages."),
    credential_fields={
        "page_access_token": _("Facebook: Page access token"),
        "app_secret": _("Facebook: app secret (checks webhook signatures)"),
    },
    read_secrets=("page_access_token",), send_secrets=("page_access_token",),
    sender=FacebookSender,
    webhook=FacebookWebhook(),
    lengths={PUBLIC: LengthRule(8_000), PRIVATE: LengthRule(8_000)},
    private_reply_window=PRIVATE_REPLY_WINDOW, one_private_reply=True,
    settings=SETTINGS,
)
