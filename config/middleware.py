from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """After the session ended, a request htmx makes (the live bar's poll, the pane, a pane's
    form) is redirected to the login page; the browser would follow that redirect inside the
    request and htmx would swap the whole login page into the live bar or the pane. htmx is told
    to open the login page as a page instead (HX-Redirect), coming back where the person was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.headers.get("HX-Request") == "true" and response.status_code in (301, 302)
                and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)):
            return HttpResponseClientRedirect(response["Location"])
        return response


class HealthCheckMiddleware:
    """Answers /healthz before host validation, HTTPS redirect and login, so a container
    health check can reach it over plain HTTP on localhost. It checks the database and, when
    REDIS_URL is set, Redis: the login counters, the cache and the task queue live
    there, so the pages fail without it and the check must say so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        if settings.REDIS_URL:
            try:
                client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
                try:
                    client.ping()
                finally:
                    client.close()
            except Exception:  # noqa: BLE001 - refused, timed out, auth: all mean unhealthy
                return HttpResponse("redis unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header (Django 5.2 has no built-in one).
    No inline scripts anywhere. Inline styles are allowed in the Django admin only,
    whose own templates use style attributes; the app's pages have none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/admin/"):
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class NulCharacterMiddleware:
    """Refuses a NUL character in the query string or a form with a plain 400, for every page
    at once: Postgres can neither store nor compare text holding one, so it would otherwise
    end as a server error wherever such a field reaches a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                _("What you sent contains a NUL character, which Écoute cannot read: remove it and try again."),
                content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
