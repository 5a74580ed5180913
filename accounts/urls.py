from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import LoginView, language_switch, preferences

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", preferences, name="preferences"),
    path("preferences/language/", language_switch, name="language"),
]
