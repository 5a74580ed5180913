from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles


class EcouteAdminSite(admin.AdminSite):
    """The admin is for the Admin role. A logged-in user without it gets 403 (not a
    second login form), and signing in always goes through the app's throttled login."""

    site_header = _("Écoute administration")
    site_title = _("Écoute")
    index_title = _("Brands, sources, credentials and users")

    def has_permission(self, request):
        return roles.has_role(request.user, roles.ADMIN)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
