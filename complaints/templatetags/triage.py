"""Display helpers for triage pages: priority reasons, reach, ages and the SLA state in words."""

from urllib.parse import parse_qs, urlsplit

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from listening.choices import Label
from sla.durations import duration_text
from sla.state import sla_state

register = template.Library()

PERSONAL_DATA_WORDS = {
    "email": gettext_lazy("e-mail"), "phone": gettext_lazy("phone"), "card": gettext_lazy("card number"),
    "iban": gettext_lazy("IBAN"), "account": gettext_lazy("account number"), "address": gettext_lazy("address"),
}


@register.filter
def compact(number) -> str:
    """12 345 → 12k, 1 200 000 → 1.2M (with the locale's decimal mark)."""
    number = int(number or 0)
    if number >= 1_000_000:
        return _("%(n)sM") % {"n": formats.number_format(round(number / 1_000_000, 1), decimal_pos=1 if number < 10_000_000 else 0)}
    if number >= 1_000:
        return _("%(n)sk") % {"n": formats.number_format(round(number / 1_000, 1) if number < 10_000 else number // 1_000)}
    return str(number)


def _reason_text(reason: dict) -> str:
    code = reason.get("code")
    if code == "label":
        return str(Label(reason["label"]).label).lower() if reason.get("label") in Label.values else ""
    if code == "followers":
        return _("%(n)s followers") % {"n": compact(reason["n"])}
    if code == "reposts":
        return _reposts_text(reason["n"], reason["hours"])
    if code == "waiting":
        return _("waiting %(d)s") % {"d": duration_text(reason["hours"] * 60)}
    if code == "personal_data":
        kinds = ", ".join(str(PERSONAL_DATA_WORDS.get(k, k)) for k in reason.get("kinds", []))
        return _("personal data (%(kinds)s): answer in private") % {"kinds": kinds}
    return ""


# Up to a day, reposts read as a count in that time ("40 reposts in 3 h"); beyond, as a rate a
# day ("1.2 reposts a day", not "19 reposts in 370 h").
RATE_FROM_HOURS = 24


def _reposts_text(n: int, hours: int) -> str:
    if hours <= RATE_FROM_HOURS:
        return ngettext("%(n)s repost in %(h)s h", "%(n)s reposts in %(h)s h", n) % {"n": compact(n), "h": hours}
    per_day = n * 24 / hours
    whole = per_day >= 10 or round(per_day, 1) == int(per_day)
    rate = compact(round(per_day)) if whole else formats.number_format(round(per_day, 1), decimal_pos=1)
    count = round(per_day) if whole else 2  # "1.2 reposts": a fraction reads plural
    return ngettext("%(rate)s repost a day", "%(rate)s reposts a day", count) % {"rate": rate}


@register.filter
def reasons(priority_reasons) -> str:
    return " · ".join(text for text in (_reason_text(r) for r in priority_reasons or []) if text)


@register.simple_tag
def sla_headline(mention):
    """The first response's state in words and colour (sla.state): the one the view attached
    to the mention for a whole page (sla_states_attach), else read for this mention."""
    state = getattr(mention, "sla", None) or sla_state(mention)
    return state.headline


@register.filter
def age(when) -> str:
    return duration_text((timezone.now() - when).total_seconds() / 60) if when else ""


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return (mapping or {}).get(key)


# How a form answers in the inbox's reading pane: posted by htmx, the pane re-rendered in place
# (complaints.views.pane_answer) instead of a whole page.
PANE_FORM = 'hx-boost="true" hx-target="#pane" hx-swap="innerHTML show:none" data-pane-form'


def inbox_open_id(url: str) -> str | None:
    """The id of the mention open in the inbox's pane at this address (`/?…&open=<id>`), or None
    when the address is not the inbox with a mention open."""
    parts = urlsplit(url or "")
    if parts.path != reverse("complaints:queue"):
        return None
    return (parse_qs(parts.query).get("open") or [None])[-1]


@register.simple_tag
def pane_form(back_url: str) -> str:
    """The attributes of a form whose way back (`next`) is the inbox with a mention open: it then
    answers in place, the list keeping its place. Elsewhere (a mention's own page, no
    JavaScript) the form posts and comes back as before."""
    return mark_safe(PANE_FORM) if inbox_open_id(back_url) else ""
