from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.models import Profile, TeamMembership


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


class TeamMembershipInline(admin.TabularInline):
    """Brands this person works on, with a role on each. Leave the site-wide role groups
    empty to limit the person to these brands."""

    model = TeamMembership
    extra = 1
    autocomplete_fields = ["brand"]


admin.site.unregister(User)


@admin.register(User)
class EcouteUserAdmin(UserAdmin):
    inlines = [ProfileInline, TeamMembershipInline]
    list_filter = ("groups", "is_active", "is_staff", "team_memberships__brand")
