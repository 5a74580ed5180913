from django.contrib import admin

from responses.models import BusinessCalendar, CannedResponse, Holiday, Notification, Response, Shift, SLAPolicy


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "language", "label", "is_active"]
    list_filter = ["brand", "language", "label", "is_active"]
    search_fields = ["title", "text"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
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
class BusinessCalendarAdmin(admin.ModelAdmin):
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
