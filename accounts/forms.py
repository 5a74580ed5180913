import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _time_zone_choices():
    return [("", _("The server's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE})] + [
        (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("The browser's language"))] + list(settings.LANGUAGES))
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False, choices=_time_zone_choices,
        help_text=_("Dates and times in the queue, on mention pages and in reports are shown in this zone."))
    after_resolving = forms.ChoiceField(
        label=_("After resolving a mention"), required=False,
        choices=[("next", _("Open the next mention")), ("stay", _("Stay on the mention"))])

    def clean_after_resolving(self):
        return self.cleaned_data.get("after_resolving") or "next"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
