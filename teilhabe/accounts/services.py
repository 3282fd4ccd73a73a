"""Writes for accounts: persona-independent role groups and verified e-mail addresses."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from teilhabe.accounts.models import Role, User

# Model permissions each role's group carries for the Django admin. Content decisions are not here:
# they are `rules` predicates with a scope (see each app's rules.py and docs/roles.md).
ADMIN_PERMISSIONS = {
    Role.COORDINATOR: [
        ("processes", "process", ["view", "change"]),
        ("processes", "phase", ["view", "add", "change", "delete"]),
        ("processes", "fieldofaction", ["view", "add", "change", "delete"]),
        ("processes", "targetgroup", ["view", "add", "change", "delete"]),
        ("processes", "processmembership", ["view", "add", "change", "delete"]),
        ("core", "contenttranslation", ["view", "add", "change", "delete"]),
        ("core", "accessibilityfeedback", ["view", "change"]),
        ("competitions", "fund", ["view", "add", "change"]),
        ("competitions", "call", ["view", "add", "change"]),
        ("competitions", "jurymembership", ["view", "add", "change", "delete"]),
        ("contributions", "contribution", ["view"]),
        ("contributions", "comment", ["view"]),
        ("contributions", "flag", ["view"]),
        ("stakeholders", "organisation", ["view", "add", "change"]),
        ("stakeholders", "representative", ["view", "add", "change", "delete"]),
        ("accounts", "user", ["view"]),
    ],
    Role.ADMINISTRATOR: [
        ("accounts", "user", ["view", "add", "change"]),
        ("auth", "group", ["view"]),
        ("places", "city", ["view", "add", "change"]),
        ("places", "district", ["view", "add", "change"]),
        ("places", "neighbourhood", ["view", "add", "change"]),
        ("administration", "department", ["view", "add", "change"]),
        ("administration", "departmentmembership", ["view", "add", "change", "delete"]),
        ("councils", "districtspace", ["view", "add", "change"]),
        ("councils", "councilmembership", ["view", "add", "change", "delete"]),
        ("sites", "site", ["view", "change"]),
        ("core", "auditentry", ["view"]),
    ],
}
STAFF_ROLES = {Role.COORDINATOR, Role.ADMINISTRATOR}


@transaction.atomic
def role_groups_sync() -> dict[str, Group]:
    """Create one group per role with its admin permissions; safe to run again."""
    groups = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = []
        for app_label, model, actions in ADMIN_PERMISSIONS.get(role, []):
            permissions += list(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
        group.permissions.set(permissions)
        groups[role.value] = group
    return groups


@transaction.atomic
def user_create_verified(*, email: str, password: str | None, display_name: str = "", roles=()) -> User:
    """Create (or update) an account whose e-mail address counts as verified, with role groups.

    Without a password the account cannot sign in (demo authors, imported people).
    """
    user, created = User.objects.get_or_create(email=email.lower(), defaults={"display_name": display_name})
    if password is None:
        user.set_unusable_password()
    elif created or not user.check_password(password):
        user.set_password(password)
    user.display_name = display_name or user.display_name
    user.is_staff = bool(set(roles) & STAFF_ROLES)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if roles:
        user.groups.add(*Group.objects.filter(name__in=[Role(role).value for role in roles]))
    return user
