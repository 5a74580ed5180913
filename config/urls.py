from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from listening.badges import platform_badges
from listening.webhooks import platform_webhook

urlpatterns = [
    path("", include("complaints.urls")),
    path("", include("accounts.urls")),
    path("", include("responses.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("webhooks/<str:platform_key>/", platform_webhook, name="platform-webhook"),
    path("platforms.css", platform_badges, name="platform-badges"),
]
