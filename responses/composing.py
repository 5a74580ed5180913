"""What the reply composer needs: each platform's length rule, and canned responses ready
to insert (filtered by language and label, variables filled in)."""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from listening.choices import Label, Platform
from listening.models import Mention
from responses.models import CannedResponse, Visibility

X_URL_LENGTH = 23  # every link counts as a t.co link
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# X's weighted length: these ranges count 1, every other character (CJK, emoji…) counts 2.
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _LIGHT) else 2


def x_length(text: str) -> int:
    """The length X counts for a post: links 23, light characters 1, others 2."""
    links = URL.findall(text)
    rest = URL.sub("", text)
    return X_URL_LENGTH * len(links) + sum(_weight(c) for c in rest)


@dataclass(frozen=True)
class LengthRule:
    limit: int | None
    counts_links_as: int | None = None  # X: every link counts 23

    def length(self, text: str) -> int:
        return x_length(text) if self.counts_links_as else len(text)


def length_rule(*, platform: str, visibility: str) -> LengthRule:
    if platform == Platform.TWITTER:
        return LengthRule(280, X_URL_LENGTH) if visibility == Visibility.PUBLIC else LengthRule(10_000)
    if platform == Platform.FACEBOOK:
        return LengthRule(8_000)
    return LengthRule(None)


def length_problem(*, mention: Mention, text: str, visibility: str) -> str:
    """A plain sentence when the text is too long for where it goes, else ""."""
    rule = length_rule(platform=mention.platform, visibility=visibility)
    if rule.limit and rule.length(text) > rule.limit:
        return _("This reply is %(n)d characters long as %(platform)s counts them; the limit is %(limit)d.") % {
            "n": rule.length(text), "platform": mention.get_platform_display(), "limit": rule.limit}
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


def one_private_reply_message() -> str:
    return _("This comment already has a private reply: Facebook allows only one per comment.")


def composer_context(*, mention: Mention, agent, draft: str = "") -> dict:
    """Everything the composer partial shows: where replies can go, their limits, the
    canned responses, and whether to suggest answering in private."""
    from responses.selectors import facebook_private_reply_taken
    from responses.senders import SendError, sender_for

    choices = []
    for value, name in Visibility.choices:
        try:
            sender_for(mention).check(mention=mention, visibility=value)
            reason = ""
        except SendError as error:
            reason = error.message
        if not reason and value == Visibility.PRIVATE and facebook_private_reply_taken(mention=mention):
            reason = one_private_reply_message()
        rule = length_rule(platform=mention.platform, visibility=value)
        choices.append({"value": value, "name": name, "blocked": reason, "limit": rule.limit,
                        "x_links": bool(rule.counts_links_as)})
    private = mention.exposes_personal_data
    default = next((c["value"] for c in choices if not c["blocked"] and (c["value"] == Visibility.PRIVATE) == private),
                   next((c["value"] for c in choices if not c["blocked"]), ""))
    return {"visibilities": choices, "default": default, "suggest_private": private, "draft": draft,
            "canned": canned_for(mention=mention, agent=agent)}
