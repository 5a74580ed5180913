from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from listening.badges import platform_badges
from listening.webhooks import platform_webhook


@login_not_required
def favicon(request):
    """Pages name their icon; this is for clients that only ask for /favicon.ico (feeds, files).
    The address is looked up when asked: with hashed file names it exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("", include("complaints.urls")),
    path("", include("accounts.urls")),
    path("", include("responses.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("webhooks/<str:platform_key>/", platform_webhook, name="platform-webhook"),
    path("favicon.ico", favicon),
    path("platforms.css", platform_badges, name="platform-badges"),
]
