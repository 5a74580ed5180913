from django.contrib import admin

from complaints.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["mention", "author", "created_at"]
    search_fields = ["text"]
    raw_id_fields = ["mention", "author"]
