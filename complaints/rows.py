"""What a queue row shows, worked out in Python for a whole page at once.

A page has fifty rows; written as template expressions, each row resolved three URLs, two
choice labels, the reach, the reasons, the age and the SLA state through the template engine,
which cost more than the page's SQL. Here the same texts are computed once per row with the
page's constants (URL shapes, choice labels) looked up once per page; the row partial only
prints them, escaped as before."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import ngettext

from complaints.templatetags.triage import age, compact, reasons
from listening.choices import Label, Platform
from listening.models import Mention
from sla.state import sla_state
from sla.tracking import Headline

_SENTINEL = 987654321  # stands for the row's id in a reversed URL: an int path segment, never a real one here


@dataclass
class QueueRow:
    open_url: str
    assign_url: str
    status_url: str
    platform: str
    label: str
    assignee_name: str  # "" when nobody has it
    followers: SafeString | str  # "1.2k followers", "" without followers
    reasons: str
    age: str
    posted: str  # the full date and time, in the reader's zone and format
    sla: Headline


def _url_shape(name: str):
    prefix, _sentinel, suffix = reverse(name, args=[_SENTINEL]).rpartition(str(_SENTINEL))
    return lambda pk: f"{prefix}{pk}{suffix}"


def queue_rows_prepare(*, mentions: list[Mention]) -> list[Mention]:
    """Sets `mention.row` (QueueRow) on each mention for the row partial. The mentions carry
    their SLA state (sla.state.sla_states_attach) or it is read here, one by one."""
    open_url, assign_url, status_url = (_url_shape(name) for name in (
        "complaints:mention", "complaints:mention-assign", "complaints:mention-status"))
    platforms = {value: str(name) for value, name in Platform.choices}
    labels = {value: str(name) for value, name in Label.choices}
    for mention in mentions:
        assignee = mention.assignee if mention.assignee_id else None
        author = mention.author if mention.author_id else None
        followers = author.followers_count if author else 0
        state = getattr(mention, "sla", None) or sla_state(mention)
        mention.row = QueueRow(
            open_url=open_url(mention.pk), assign_url=assign_url(mention.pk), status_url=status_url(mention.pk),
            platform=platforms.get(mention.platform, mention.platform),
            label=labels.get(mention.label, mention.label),
            assignee_name=(assignee.get_full_name() or assignee.get_username()) if assignee else "",
            # As {% blocktranslate %} writes it: the count escaped, the sentence as translated.
            followers=mark_safe(ngettext("%(c)s follower", "%(c)s followers", followers)
                                % {"c": conditional_escape(compact(followers))}) if followers else "",
            reasons=reasons(mention.priority_reasons), age=age(mention.posted_at),
            posted=date_format(template_localtime(mention.posted_at), "SHORT_DATETIME_FORMAT"),
            sla=state.headline,
        )
    return mentions
