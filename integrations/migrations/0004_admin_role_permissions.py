"""The Admin role manages webhook subscriptions and reads their delivery log, and edits team
memberships and API tokens (models added after the roles were created)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="integrations"))
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="accounts",
                                                     content_type__model__in=["teammembership", "apitoken"]))


class Migration(migrations.Migration):
    dependencies = [("integrations", "0003_crisis_hooks_as_subscriptions"), ("accounts", "0004_api_tokens"),
                    ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
