from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.forms import LanguageForm, PreferencesForm
from accounts.models import Profile
from accounts.services import profile_preferences_set
from accounts.throttle import client_address as _client_address
from accounts.throttle import login_failure_record, login_failures_clear, login_locked


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts for a while after repeated failures."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "sso_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""}

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_locked(username=username, address=_client_address(request)):
            form = self.get_form()
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Wait %(minutes)d minutes, then try again.") % {"minutes": minutes},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_record(username=self.request.POST.get("username", ""), address=_client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        login_failures_clear(username=form.get_user().get_username())
        return super().form_valid(form)


@require_POST
def language_switch(request):
    """The header's language menu: remembered on the signed-in user's profile (which wins
    over the browser), then Django's own switch sets the cookie and goes back."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose English or French."))
    if request.user.is_authenticated:
        profile_preferences_set(user=request.user, language=form.cleaned_data["language"])
    return set_language(request)


@require_http_methods(["GET", "POST"])
def preferences(request):
    """Each user's own language and time zone."""
    profile = Profile.objects.filter(user=request.user).first()
    initial = {"language": profile.language if profile else "", "time_zone": profile.time_zone if profile else "",
               "after_resolving": profile.after_resolving if profile else "next"}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile_preferences_set(user=request.user, **form.cleaned_data)
        translation.activate(form.cleaned_data["language"] or translation.get_language_from_request(request))
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form}, status=400 if form.errors else 200)
