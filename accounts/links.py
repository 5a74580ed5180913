"""Links that leave the site (e-mails, chat webhooks): absolute when SITE_URL is set
(e.g. https://ecoute.example.com), otherwise the bare path."""

from django.conf import settings


def site_link(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path
