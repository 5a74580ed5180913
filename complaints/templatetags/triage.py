"""Display helpers for triage pages: priority reasons, reach and SLA countdowns in words."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from listening.choices import Label

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
        return ngettext("%(n)s repost in %(h)s h", "%(n)s reposts in %(h)s h", reason["n"]) % {
            "n": compact(reason["n"]), "h": reason["hours"],
        }
    if code == "waiting":
        return _("waiting %(d)s") % {"d": _duration(reason["hours"] * 3600)}
    if code == "personal_data":
        kinds = ", ".join(str(PERSONAL_DATA_WORDS.get(k, k)) for k in reason.get("kinds", []))
        return _("personal data (%(kinds)s): answer in private") % {"kinds": kinds}
    return ""


@register.filter
def reasons(priority_reasons) -> str:
    return " · ".join(text for text in (_reason_text(r) for r in priority_reasons or []) if text)


def _duration(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours}
    return ngettext("%(n)d day", "%(n)d days", hours // 24) % {"n": hours // 24}


@register.simple_tag
def sla_state(mention) -> dict:
    """{'text': 'due in 23 min' | 'breached 2 h ago' | 'answered', 'level': ok|near|breached|done}."""
    if mention.first_response_at:
        return {"text": _("answered"), "level": "done"}
    if not mention.first_response_due_at or not mention.is_open:
        return {"text": "", "level": "none"}
    left = (mention.first_response_due_at - timezone.now()).total_seconds()
    if left < 0:
        return {"text": _("breached %(d)s ago") % {"d": _duration(left)}, "level": "breached"}
    total = max((mention.first_response_due_at - mention.posted_at).total_seconds(), 1)
    used_percent = 100 * (1 - left / total)
    level = "near" if used_percent >= getattr(mention, "near_breach_percent", 80) else "ok"
    return {"text": _("due in %(d)s") % {"d": _duration(left)}, "level": level}


@register.filter
def age(when) -> str:
    return _duration((timezone.now() - when).total_seconds()) if when else ""


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return (mapping or {}).get(key)
