from django.contrib import admin

from responses.models import CannedResponse, Response, SLAPolicy


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "language", "label", "is_active"]
    list_filter = ["brand", "language", "label", "is_active"]
    search_fields = ["title", "text"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["brand", "label", "first_response_minutes", "resolution_minutes", "near_breach_percent"]
    list_filter = ["brand", "label"]


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
