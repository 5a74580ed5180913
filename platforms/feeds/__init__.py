"""Blogs and news through RSS and Atom feeds (Google Alerts, WordPress comment feeds…).
Read only: a blog is answered on the blog itself."""

from django.utils.translation import gettext_lazy as _

from platforms.base import Platform, SourceKind
from platforms.feeds.fetch import FEED_KIND, KEY, FeedConnector
from platforms.feeds.settings import SETTINGS

PLATFORM = Platform(
    key=KEY, constant="BLOG", label=_("Blog / RSS"), color="#7a2e0e",
    source_kinds=(SourceKind(FEED_KIND, "FEED", _("Blog: RSS or Atom feed"), FeedConnector, _("Blog: the feed URL.")),),
    no_reply_reason=_("Blog posts can't be answered from Écoute: reply on the blog itself, then record the "
                      "reply as handled elsewhere."),
    settings=SETTINGS,
)
