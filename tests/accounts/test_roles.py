from django.contrib.auth.models import Group

from accounts import roles
from tests.factories import UserFactory


def test_the_migration_creates_the_three_roles_with_permissions(db):
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(groups) >= {"Community manager", "Manager", "Admin"}
    cm = {p.codename for p in groups["Community manager"].permissions.all()}
    admin = {p.codename for p in groups["Admin"].permissions.all()}
    assert "view_mention" in cm and "change_credential" not in cm
    assert {"add_credential", "change_source", "add_brand", "change_user"} <= admin


def test_each_role_includes_the_one_before(db):
    cm = UserFactory(role=roles.COMMUNITY_MANAGER)
    manager = UserFactory(role=roles.MANAGER)
    admin = UserFactory(role=roles.ADMIN)
    nobody = UserFactory()
    assert roles.has_role(cm, roles.COMMUNITY_MANAGER) and not roles.has_role(cm, roles.MANAGER)
    assert roles.has_role(manager, roles.COMMUNITY_MANAGER) and not roles.has_role(manager, roles.ADMIN)
    assert roles.has_role(admin, roles.ADMIN)
    assert not roles.has_role(nobody, roles.COMMUNITY_MANAGER)
