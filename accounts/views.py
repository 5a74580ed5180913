from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from accounts.throttle import login_failure_record, login_failures_clear, login_locked


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts for a while after repeated failures."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

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
