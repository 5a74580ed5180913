"""The person's own API tokens: create one (its text shown once), see them, revoke one."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke


def _tokens_page(request, *, new_token: str = "", error: str = "", status: int = 200):
    if not roles.has_role(request.user, roles.COMMUNITY_MANAGER):
        raise Http404
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_token": new_token, "error": error},
                  status=status)


@require_GET
def api_tokens(request):
    return _tokens_page(request)


@require_POST
def api_token_new(request):
    name = request.POST.get("name", "").strip()
    if not name:
        return _tokens_page(request, error=_("Give the token a name that says what it is for."), status=400)
    if not roles.has_role(request.user, roles.COMMUNITY_MANAGER):
        raise Http404
    _token, plain = api_token_create(user=request.user, name=name)
    # Rendered, not redirected: the token's text exists only in this answer.
    return _tokens_page(request, new_token=plain)


@require_POST
def api_token_revoke_view(request, pk: int):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token)
    return redirect("api-tokens")
