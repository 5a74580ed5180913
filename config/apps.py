from django.contrib.admin.apps import AdminConfig


class EcouteAdminConfig(AdminConfig):
    default_site = "config.admin.EcouteAdminSite"
