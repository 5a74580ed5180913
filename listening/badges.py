"""The platforms' badge colours as a stylesheet, from the registry: a new platform brings its
colour in its package. A stylesheet (not inline styles) because the Content-Security-Policy
allows styles from this site only."""

import re

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from platforms.registry import PLATFORMS

_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def badges_css() -> str:
    """A platform's badge in lists and its series in report charts share its colour."""
    return "\n".join(f".platform-{p.key} {{ color: {p.color}; }} .chart .series-{p.key} {{ fill: {p.color}; }} "
                     f".legend .series-{p.key}::before {{ background: {p.color}; }}" for p in PLATFORMS.values()
                     if _COLOUR.match(p.color or "") and re.fullmatch(r"[a-z0-9_-]+", p.key)) + "\n"


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def platform_badges(request):
    return HttpResponse(badges_css(), content_type="text/css; charset=utf-8")
