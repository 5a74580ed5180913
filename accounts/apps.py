from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

ADMIN_APPS = ("listening", "sla", "complaints", "responses", "accounts", "django_celery_beat")


def admin_role_permissions_sync(sender, using="default", **kwargs):
    """The Admin role holds every permission of the project's apps, including those of models
    added after the role was created (the roles migration can only grant what existed then)."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.using(using).filter(name="Admin").first()
    if group is not None:
        group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label__in=ADMIN_APPS))


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        post_migrate.connect(admin_role_permissions_sync, dispatch_uid="ecoute-admin-role-permissions")
