from django import forms
from django.utils.translation import gettext_lazy as _

from listening.choices import KIND_PLATFORM, Platform
from listening.models import Credential, Source
from platforms.registry import PLATFORMS

# The values each platform reads from a credential, from the platform registry.
SECRET_FIELDS = {name: label for p in PLATFORMS.values() for name, label in p.credential_fields.items()}
PLATFORM_OF_FIELD = {name: p.key for p in PLATFORMS.values() for name in p.credential_fields}


def secret_fields_of(platform: str) -> list[str]:
    """The credential values a platform reads (none for a platform without credentials)."""
    found = PLATFORMS.get(platform)
    return list(found.credential_fields) if found else []


def _secret_input(label) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


# Declared on a class (not added in __init__) so the admin knows the fields exist.
_SecretInputs = type("_SecretInputs", (forms.Form,), {name: _secret_input(label) for name, label in SECRET_FIELDS.items()})


class CredentialForm(_SecretInputs, forms.ModelForm):
    """Write-only secrets: the inputs are always empty; a blank input keeps the stored
    value, a filled one replaces it. Stored values are never sent back to the browser.
    A stored credential shows only its platform's values (the admin picks them with
    `secret_fields_of`); a new one refuses values of another platform than the one chosen."""

    clear = forms.MultipleChoiceField(
        label=_("Remove stored values"), required=False, choices=list(SECRET_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Credential
        fields = ["brand", "platform", "name", "is_valid"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = set(self.instance.stored_secret_names()) if self.instance.pk else set()
        for name in SECRET_FIELDS:
            self.fields[name].help_text = _("Stored. Leave empty to keep it.") if name in stored else _("Not set.")
        if self.instance.pk:
            own = secret_fields_of(self.instance.platform)
            for name in set(SECRET_FIELDS) - set(own):
                del self.fields[name]
            self.fields["clear"].choices = [(name, SECRET_FIELDS[name]) for name in own]
            if "platform" in self.fields:  # its values mean nothing on another platform
                self.fields["platform"].disabled = True

    def clean(self):
        cleaned = super().clean()
        platform = cleaned.get("platform") or self.instance.platform
        for name in SECRET_FIELDS:
            if name in self.fields and cleaned.get(name) and PLATFORM_OF_FIELD[name] != platform:
                self.add_error(name, _("This value is for %(other)s credentials, not %(platform)s ones.") % {
                    "other": Platform(PLATFORM_OF_FIELD[name]).label, "platform": Platform(platform).label}
                    if platform in Platform.values else _("Choose the platform first."))
        return cleaned

    def save(self, commit=True):
        credential = super().save(commit=False)
        values = credential.secrets if credential.pk else {}
        for name in self.cleaned_data.get("clear", []):
            values.pop(name, None)
        for name in secret_fields_of(credential.platform):
            if self.cleaned_data.get(name):
                values[name] = self.cleaned_data[name]
        credential.set_secrets(values)
        if commit:
            credential.save()
        return credential


class SourceForm(forms.ModelForm):
    """A source polls with one of its own brand's credentials, of its own platform: another
    brand's token would be marked invalid by this source's failures, and a Facebook token
    means nothing to X."""

    class Meta:
        model = Source
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        credential, kind = cleaned.get("credential"), cleaned.get("kind") or self.instance.kind
        brand = cleaned.get("brand") or getattr(self.instance, "brand", None)
        if credential is None or not kind:
            return cleaned
        if brand is None or credential.brand_id != brand.pk:
            self.add_error("credential", _("This credential belongs to another brand: choose one of %(brand)s's.")
                           % {"brand": brand or _("this brand")})
        elif credential.platform != KIND_PLATFORM.get(kind):
            self.add_error("credential", _("This credential is for %(theirs)s; this source needs one for %(needed)s.") % {
                "theirs": credential.get_platform_display(), "needed": Platform(KIND_PLATFORM[kind]).label})
        return cleaned
