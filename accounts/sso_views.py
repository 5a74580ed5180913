"""The OpenID Connect sign-in (accounts/oidc.py): open to anonymous visitors, and not found
while single sign-on is off."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)


def _only_when_on(view):
    def wrapper(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


@_only_when_on
def sso_start(request):
    return OIDCAuthenticationRequestView.as_view()(request)


@_only_when_on
def sso_callback(request):
    try:
        return OIDCAuthenticationCallbackView.as_view()(request)
    except SuspiciousOperation as error:  # a token the provider did not sign, a replayed answer…
        logger.warning("Single sign-on refused: %s", error)
        messages.error(request, _("Single sign-on did not confirm who you are. Try again, or ask an admin."))
        return redirect(settings.LOGIN_URL)
