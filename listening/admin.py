from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import roles
from listening.choices import SourceState
from listening.forms import CredentialForm, SourceForm, secret_fields_of
from listening.models import Author, Brand, Credential, Mention, MentionEvent, Source
from listening.polling import source_cursor_reset, source_resume
from platforms.registry import PLATFORMS
from listening.schedules import source_schedule_remove, source_schedule_sync

STATE_COLOURS = {
    SourceState.HEALTHY: "#067647", SourceState.FAILING: "#b54708",
    SourceState.NEEDS_REAUTH: "#b42318", SourceState.PAUSED: "#475467",
}


WAITING_COLOUR = "#475467"


def _state_badge(source):
    colour = WAITING_COLOUR if source.never_polled else STATE_COLOURS.get(source.state, "#000")
    return format_html('<strong style="color:{}">{}</strong>', colour, source.get_health_display())


def _health(source):
    """State, last success, failures, the last error and the last notice, in the reader's language."""
    if not source.pk:
        return "—"
    notice = format_html("<br>{} {}", _("Notice:"), source.notice_shown) if source.notice else ""
    return format_html(
        "{} · {} {} · {} {}<br>{}{}", _state_badge(source), _("last success:"), source.last_success_at or "—",
        _("consecutive failures:"), source.consecutive_failures, source.last_error_shown, notice,
    )


class SourceInline(admin.StackedInline):
    model = Source
    form = SourceForm
    extra = 0
    fields = [("kind", "target"), ("credential", "enabled", "poll_every_minutes"), "keywords", "health"]
    readonly_fields = ["health"]

    @admin.display(description=_("health"))
    def health(self, source):
        return _health(source)


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    fields = ["name", "platform", "is_valid"]
    readonly_fields = ["name", "platform", "is_valid"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # added from the credential form, where secrets are write-only


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "source_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SourceInline, CredentialInline]
    filter_horizontal = ["auto_assign_to"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "auto_assign_to":  # people who triage: active, with a role
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True).filter(
                Q(groups__name__in=list(roles.RANK)) | Q(is_superuser=True)).distinct().order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("sources"))
    def source_count(self, brand):
        return brand.sources.count()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Source:
            for source in formset.deleted_objects:
                source_schedule_remove(source_id=source.pk)
            for source in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
                source_schedule_sync(source=source)

    def delete_model(self, request, brand):
        source_ids = list(brand.sources.values_list("pk", flat=True))
        super().delete_model(request, brand)
        for source_id in source_ids:
            source_schedule_remove(source_id=source_id)

    def delete_queryset(self, request, queryset):
        source_ids = list(Source.objects.filter(brand__in=queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for source_id in source_ids:
            source_schedule_remove(source_id=source_id)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["target", "brand", "kind", "enabled", "state_badge", "last_success_at", "consecutive_failures", "last_error_short"]
    list_filter = ["brand", "kind", "enabled", "state"]
    search_fields = ["target", "brand__name"]
    exclude = ["state"]  # set by polling; shown, in words, by `health`
    readonly_fields = ["health", "last_polled_at", "last_success_at", "last_error_at", "retry_not_before", "cursor"]
    actions = ["resume_polling", "reset_cursor"]

    @admin.display(description=_("health"))
    def health(self, source):
        return _health(source)

    @admin.action(description=_("Resume polling (after fixing the cause)"))
    def resume_polling(self, request, queryset):
        for source in queryset:
            source_resume(source=source)
        self.message_user(request, _("Polling resumes at the next scheduled time."))

    @admin.action(description=_("Read afresh: forget where polling stopped, then resume"))
    def reset_cursor(self, request, queryset):
        for source in queryset:
            source_cursor_reset(source=source)
        self.message_user(request, _("The next poll reads what the platform still serves; mentions already "
                                     "stored are not stored twice."))

    def save_model(self, request, source, form, change):
        super().save_model(request, source, form, change)
        source_schedule_sync(source=source)

    def delete_model(self, request, source):
        source_id = source.pk
        super().delete_model(request, source)
        source_schedule_remove(source_id=source_id)

    def delete_queryset(self, request, queryset):
        source_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for source_id in source_ids:
            source_schedule_remove(source_id=source_id)

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, source):
        return _state_badge(source)

    @admin.display(description=_("last error"))
    def last_error_short(self, source):
        return source.last_error_shown[:120]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    form = CredentialForm
    list_display = ["name", "brand", "platform", "is_valid", "stored", "updated_at"]
    list_filter = ["brand", "platform", "is_valid"]
    search_fields = ["name", "brand__name"]
    readonly_fields = ["why_invalid"]

    def get_fieldsets(self, request, obj=None):
        """A stored credential shows its platform's values only; a new one lists each
        platform's values under its name (the form refuses another platform's)."""
        described = _("Stored values are encrypted and never shown. Type a value to set or replace it.")
        head = (None, {"fields": ["brand", "platform", "name", "is_valid", "why_invalid"]})
        if obj is not None:
            return [head, (_("Secrets (write-only)"), {
                "fields": secret_fields_of(obj.platform) + ["clear"], "description": described})]
        return [head] + [(_("Secrets for %(platform)s (write-only)") % {"platform": p.label}, {
            "fields": list(p.credential_fields), "description": described}) for p in PLATFORMS.values()
            if p.credential_fields]

    @admin.display(description=_("why it is invalid"))
    def why_invalid(self, credential):
        return credential.invalid_reason_shown or "—"

    def save_model(self, request, credential, form, change):
        new_secrets = any(form.cleaned_data.get(name) for name in secret_fields_of(credential.platform))
        if new_secrets:  # a new token: trust it again and resume the sources that waited for it
            credential.is_valid, credential.invalid_reason, credential.invalid_detail = True, "", {}
        super().save_model(request, credential, form, change)
        if new_secrets:
            for source in credential.sources.filter(state=SourceState.NEEDS_REAUTH):
                source_resume(source=source)

    @admin.display(description=_("stored values"))
    def stored(self, credential):
        return ", ".join(credential.stored_secret_names()) or "—"


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["handle", "display_name", "platform", "followers_count", "updated_at"]
    list_filter = ["platform"]
    search_fields = ["handle", "display_name", "external_id"]


class MentionEventInline(admin.TabularInline):
    model = MentionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "data"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    """Read-mostly: triage happens in the queue, where every change is logged."""

    list_display = ["external_id", "brand", "platform", "label", "status", "priority", "posted_at"]
    list_filter = ["brand", "platform", "label", "status", "language"]
    search_fields = ["external_id", "text", "author__handle"]
    date_hierarchy = "posted_at"
    list_select_related = ["brand"]
    raw_id_fields = ["author", "source", "assignee", "label_corrected_by"]
    inlines = [MentionEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
