from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from listening.choices import SourceState
from listening.forms import SECRET_FIELDS, CredentialForm
from listening.models import Author, Brand, Credential, Mention, MentionEvent, Source
from listening.polling import source_resume
from listening.schedules import source_schedule_remove, source_schedule_sync

STATE_COLOURS = {
    SourceState.HEALTHY: "#067647", SourceState.FAILING: "#b54708",
    SourceState.NEEDS_REAUTH: "#b42318", SourceState.PAUSED: "#475467",
}


def _state_badge(source):
    return format_html('<strong style="color:{}">{}</strong>', STATE_COLOURS.get(source.state, "#000"), source.get_state_display())


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0
    fields = [("kind", "target"), ("credential", "enabled", "poll_every_minutes"), "keywords", "health"]
    readonly_fields = ["health"]

    @admin.display(description=_("health"))
    def health(self, source):
        if not source.pk:
            return "—"
        return format_html(
            "{} · {} {} · {} {}<br>{}", _state_badge(source), _("last success:"), source.last_success_at or "—",
            _("consecutive failures:"), source.consecutive_failures, source.last_error or "",
        )


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
            from django.contrib.auth import get_user_model

            from accounts import roles

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
    list_display = ["target", "brand", "kind", "enabled", "state_badge", "last_success_at", "consecutive_failures", "last_error_short"]
    list_filter = ["brand", "kind", "enabled", "state"]
    search_fields = ["target", "brand__name"]
    readonly_fields = ["state", "last_polled_at", "last_success_at", "last_error", "last_error_at",
                       "consecutive_failures", "retry_not_before", "cursor"]
    actions = ["resume_polling"]

    @admin.action(description=_("Resume polling (after fixing the cause)"))
    def resume_polling(self, request, queryset):
        for source in queryset:
            source_resume(source=source)
        self.message_user(request, _("Polling resumes at the next scheduled time."))

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
        return source.last_error[:120]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    form = CredentialForm
    list_display = ["name", "brand", "platform", "is_valid", "stored", "updated_at"]
    list_filter = ["brand", "platform", "is_valid"]
    search_fields = ["name", "brand__name"]
    fieldsets = [
        (None, {"fields": ["brand", "platform", "name", "is_valid", "invalid_reason"]}),
        (_("Secrets (write-only)"), {
            "fields": list(SECRET_FIELDS) + ["clear"],
            "description": _("Stored values are encrypted and never shown. Type a value to set or replace it."),
        }),
    ]

    def save_model(self, request, credential, form, change):
        new_secrets = any(form.cleaned_data.get(name) for name in SECRET_FIELDS)
        if new_secrets:  # a new token: trust it again and resume the sources that waited for it
            credential.is_valid, credential.invalid_reason = True, ""
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
