"""The platforms' badge colours as a stylesheet, built from the platform registry, so a new
platform package colours its badges without touching Écoute's CSS (the Content-Security-
Policy allows stylesheets from this site only, not inline styles)."""

import re

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from platforms.registry import PLATFORMS

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def badges_css() -> str:
    """A platform's badge in lists and its series in report charts share its colour."""
    return "".join(f".platform-{p.key} {{ color: {p.badge_colour}; }}\n"
                   f".chart .series-{p.key} {{ fill: {p.badge_colour}; }} "
                   f".legend .series-{p.key}::before {{ background: {p.badge_colour}; }}\n"
                   for p in PLATFORMS.values() if _COLOUR.match(p.badge_colour or ""))


@require_GET
@login_not_required
@cache_control(public=True, max_age=3600)
def platform_badges_css(request):
    return HttpResponse(badges_css(), content_type="text/css; charset=utf-8")
