from accounts import roles


def user_roles(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "is_manager": roles.has_role(user, roles.MANAGER),
        "is_admin": roles.has_role(user, roles.ADMIN),
    }
