from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext as _

from responses.models import CannedResponse, Notification, Response
from responses.tasks import recount_response_times
from sla.models import BusinessCalendar, Holiday, Shift, SLAPolicy


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "language", "label", "is_active"]
    list_filter = ["brand", "language", "label", "is_active"]
    search_fields = ["title", "text"]


class RecountsTimes:
    """A changed SLA policy or business calendar changes the brand's stored response times: they
    are counted again in the background (responses.tasks.recount_response_times)."""

    def _recount(self, request, brand_ids) -> None:
        for brand_id in {b for b in brand_ids if b}:
            transaction.on_commit(lambda b=brand_id: recount_response_times.delay(b))
        self.message_user(request, _("The brand's response times are being counted again with the new rules; "
                                     "the report shows them within a few minutes."))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._recount(request, [form.instance.brand_id])

    def delete_model(self, request, obj):
        brand_id = obj.brand_id
        super().delete_model(request, obj)
        self._recount(request, [brand_id])

    def delete_queryset(self, request, queryset):
        brand_ids = list(queryset.values_list("brand_id", flat=True))
        super().delete_queryset(request, queryset)
        self._recount(request, brand_ids)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(RecountsTimes, admin.ModelAdmin):
    list_display = ["brand", "label", "first_response_minutes", "resolution_minutes", "near_breach_percent",
                    "counted_in"]
    list_filter = ["brand", "label", "counted_in"]


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    fields = ["weekday", "starts_at", "ends_at"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0
    fields = ["date", "name"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(RecountsTimes, admin.ModelAdmin):
    """Times are in the brand's time zone (set on the brand)."""

    list_display = ["brand"]
    inlines = [ShiftInline, HolidayInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "target", "mention", "read_at", "emailed_at"]
    list_filter = ["kind", "target"]
    raw_id_fields = ["user", "mention"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["mention", "visibility", "channel", "status", "author", "sent_at"]
    list_filter = ["status", "visibility", "channel"]
    search_fields = ["text", "platform_reply_id"]
    raw_id_fields = ["mention", "author"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
