"""What the reply composer needs: each platform's length rule, and canned responses ready
to insert (filtered by language and label, variables filled in)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from listening.choices import Label
from listening.models import Mention
from platforms.base import LengthRule
from platforms.errors import PlatformError
from platforms.registry import PLATFORMS
from responses.models import CannedResponse, Visibility
from responses.selectors import private_reply_taken
from responses.senders import sender_for


def length_rule(*, platform: str, visibility: str) -> LengthRule:
    rules = PLATFORMS.get(platform)
    return rules.length_rule(visibility) if rules else LengthRule(None)


def length_problem(*, mention: Mention, text: str, visibility: str) -> str:
    """A plain sentence when the text is too long for where it goes, else ""."""
    rule = length_rule(platform=mention.platform, visibility=visibility)
    limit = rule.limit_of(mention)
    if limit and rule.length(text) > limit:
        return _("This reply is %(n)d characters long as %(platform)s counts them; the limit is %(limit)d.") % {
            "n": rule.length(text), "platform": mention.get_platform_display(), "limit": limit}
    return ""


def canned_fill(text: str, *, mention: Mention, agent) -> str:
    """Fills {author}, {brand} and {agent_first_name}; other braces stay as written."""
    author = ""
    if mention.author:
        author = mention.author.handle or mention.author.display_name
    values = {"{author}": author, "{brand}": mention.brand.name,
              "{agent_first_name}": agent.first_name or agent.get_username()}
    for variable, value in values.items():
        text = text.replace(variable, value)
    return text


@dataclass(frozen=True)
class CannedChoice:
    title: str
    text: str
    language: str
    label: str

    @property
    def label_name(self) -> str:
        """The label as the reader's language names it ("Réclamation"), not its code."""
        return Label(self.label).label if self.label in Label.values else self.label


def canned_for(*, mention: Mention, agent) -> list[CannedChoice]:
    """Active canned responses for the mention's brand (or every brand), its language first,
    those for its label first."""
    rows = CannedResponse.objects.filter(is_active=True).filter(Q(brand=mention.brand) | Q(brand__isnull=True)) \
        .filter(Q(label=mention.label) | Q(label=""))
    choices = [CannedChoice(r.title, canned_fill(r.text, mention=mention, agent=agent), r.language, r.label) for r in rows]
    return sorted(choices, key=lambda c: (c.language != mention.language, c.label != mention.label, c.title.lower()))


def one_private_reply_message(*, mention: Mention) -> str:
    return _("This comment already has a private reply: %(platform)s allows only one per comment.") % {
        "platform": mention.get_platform_display()}


def composer_context(*, mention: Mention, agent, draft: str = "") -> dict:
    """Everything the composer partial shows: where replies can go, their limits, the
    canned responses, and whether to suggest answering in private."""
    choices, through = [], None
    for value, name in Visibility.choices:
        try:
            sender = sender_for(mention)
            sender.check(mention=mention, visibility=value)
            through = sender.credential.platform
            reason = ""
        except PlatformError as error:
            reason = error.shown()
        if not reason and value == Visibility.PRIVATE and private_reply_taken(mention=mention):
            reason = one_private_reply_message(mention=mention)
        rule = length_rule(platform=mention.platform, visibility=value)
        choices.append({"value": value, "name": name, "blocked": reason, "limit": rule.limit_of(mention),
                        "x_links": rule.counter is not len and not rule.counting, "counting": rule.counting})
    private = mention.exposes_personal_data
    default = next((c["value"] for c in choices if not c["blocked"] and (c["value"] == Visibility.PRIVATE) == private),
                   next((c["value"] for c in choices if not c["blocked"]), ""))
    # With nothing sendable, why is said once, beside the disabled Send button (both channels
    # usually share the reason: no account keys for the platform).
    send_blocked = [] if default else list(dict.fromkeys(c["blocked"] for c in choices))
    return {"visibilities": choices, "default": default, "suggest_private": private, "draft": draft,
            "send_blocked": send_blocked,
            "canned": canned_for(mention=mention, agent=agent),
            "stand_in": through is not None and through != mention.platform}
