from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.models import Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class EcouteUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_filter = ("groups", "is_active", "is_staff")
