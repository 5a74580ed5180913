from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.token_views import api_token_new, api_token_revoke_view, api_tokens
from accounts.sso_views import sso_callback, sso_start
from accounts.views import LoginView, language_switch, preferences

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", preferences, name="preferences"),
    path("preferences/language/", language_switch, name="language"),
    path("preferences/api-tokens/", api_tokens, name="api-tokens"),
    path("preferences/api-tokens/new/", api_token_new, name="api-token-new"),
    path("preferences/api-tokens/<int:pk>/revoke/", api_token_revoke_view, name="api-token-revoke"),
    path("oidc/authenticate/", sso_start, name="oidc_authentication_init"),
    path("oidc/callback/", sso_callback, name="oidc_authentication_callback"),
]
