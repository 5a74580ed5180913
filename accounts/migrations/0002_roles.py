"""Creates the three role groups and their model permissions.

Permissions only exist after post_migrate, so they are created here first."""

from django.db import migrations

COMMUNITY_MANAGER_PERMS = [
    "listening.view_brand", "listening.view_mention", "listening.view_author", "listening.view_mentionevent",
    "complaints.view_note", "complaints.add_note",
    "responses.view_response", "responses.add_response", "responses.view_cannedresponse",
]
MANAGER_PERMS = COMMUNITY_MANAGER_PERMS + [
    "listening.view_source", "responses.view_slapolicy",
    "responses.add_cannedresponse", "responses.change_cannedresponse",
]
ADMIN_APPS = ["listening", "complaints", "responses", "accounts", "django_celery_beat", "integrations"]
ADMIN_EXTRA = ["auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group"]


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(codes):
        found = []
        for code in codes:
            app_label, codename = code.split(".")
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return found

    Group.objects.get_or_create(name="Community manager")[0].permissions.set(perms(COMMUNITY_MANAGER_PERMS))
    Group.objects.get_or_create(name="Manager")[0].permissions.set(perms(MANAGER_PERMS))
    admin_perms = list(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)) + perms(ADMIN_EXTRA)
    Group.objects.get_or_create(name="Admin")[0].permissions.set(admin_perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Community manager", "Manager", "Admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("listening", "0001_initial"),
        ("complaints", "0001_initial"),
        ("responses", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
