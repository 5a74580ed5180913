from django import forms
from django.utils.translation import gettext_lazy as _

from listening.models import Credential
from platforms.registry import PLATFORMS

# The values each platform reads from a credential, from the platform registry.
SECRET_FIELDS = {name: label for p in PLATFORMS.values() for name, label in p.credential_fields.items()}


def _secret_input(label) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


# Declared on a class (not added in __init__) so the admin knows the fields exist.
_SecretInputs = type("_SecretInputs", (forms.Form,), {name: _secret_input(label) for name, label in SECRET_FIELDS.items()})


class CredentialForm(_SecretInputs, forms.ModelForm):
    """Write-only secrets: the inputs are always empty; a blank input keeps the stored
    value, a filled one replaces it. Stored values are never sent back to the browser."""

    clear = forms.MultipleChoiceField(
        label=_("Remove stored values"), required=False, choices=list(SECRET_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Credential
        fields = ["brand", "platform", "name", "is_valid", "invalid_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = set(self.instance.stored_secret_names()) if self.instance.pk else set()
        for name in SECRET_FIELDS:
            self.fields[name].help_text = _("Stored. Leave empty to keep it.") if name in stored else _("Not set.")

    def save(self, commit=True):
        credential = super().save(commit=False)
        values = credential.secrets if credential.pk else {}
        for name in self.cleaned_data.get("clear", []):
            values.pop(name, None)
        for name in SECRET_FIELDS:
            if self.cleaned_data.get(name):
                values[name] = self.cleaned_data[name]
        credential.set_secrets(values)
        if commit:
            credential.save()
        return credential
