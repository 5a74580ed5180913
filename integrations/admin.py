"""Admins subscribe URLs to a brand's events and read each subscription's delivery log."""

import secrets
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.events import EVENT_TYPES
from integrations.models import Delivery, DeliveryStatus, Subscription
from integrations.services import delivery_resend


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("Events"), choices=[(e, e) for e in EVENT_TYPES],
                                       widget=forms.CheckboxSelectMultiple)
    new_secret = forms.CharField(
        label=_("Signing secret"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty: Écoute makes one when the subscription is created and shows it once. "
                    "Type a value to replace it."))

    class Meta:
        model = Subscription
        fields = ["brand", "name", "url", "format", "events", "language", "is_active"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    max_num = 0
    fields = ["created_at", "event_type", "event_id", "status", "attempts", "response_code", "duration_ms",
              "next_attempt_at", "last_error"]
    readonly_fields = fields
    ordering = ["-created_at"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "brand", "host", "format", "is_active", "consecutive_failures"]
    list_filter = ["brand", "format", "is_active"]
    readonly_fields = ["consecutive_failures", "disabled_reason"]
    inlines = [DeliveryInline]

    @admin.display(description=_("host"))
    def host(self, subscription):
        return urlsplit(subscription.url).hostname  # the path of a Slack hook is a credential: not listed

    def save_model(self, request, obj, form, change):
        typed = form.cleaned_data.get("new_secret")
        if typed or not obj.secret_encrypted:
            value = typed or secrets.token_urlsafe(32)
            obj.set_secret(value)
            if not typed:
                messages.warning(request, _("Signing secret of “%(name)s”, shown only now: %(secret)s")
                                 % {"name": obj.name, "secret": value})
        if obj.is_active and change and "is_active" in form.changed_data:
            obj.consecutive_failures, obj.disabled_reason = 0, ""
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subscription", "event_type", "status", "attempts", "response_code", "duration_ms",
                    "next_attempt_at"]
    list_filter = ["status", "event_type", "subscription__brand"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"))
    def resend(self, request, queryset):
        for delivery in queryset.filter(status=DeliveryStatus.GAVE_UP):
            delivery_resend(delivery=delivery)
