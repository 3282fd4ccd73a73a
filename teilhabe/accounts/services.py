"""Writes for accounts: role groups and role assignment, the Site record, verified e-mail addresses."""

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext_lazy as _

from teilhabe.accounts.models import Role, User
from teilhabe.core.cache_versions import content_version_bump
from teilhabe.core.errors import NotAllowed
from teilhabe.core.services import audit_record

# Model permissions each role's group carries for the Django admin. Content decisions are not here:
# they are `rules` predicates with a scope (see each app's rules.py and docs/roles.md). Coordinators see
# only their own processes in the admin; contributions, comments, flags and accounts are not theirs there
# (they moderate in the site).
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
        ("stakeholders", "organisation", ["view", "add", "change"]),
        ("stakeholders", "representative", ["view", "add", "change", "delete"]),
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
        ("sites", "site", ["view"]),
        ("core", "auditentry", ["view"]),
    ],
}
STAFF_ROLES = {Role.COORDINATOR, Role.ADMINISTRATOR}


@transaction.atomic
def role_groups_sync(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Create one group per role with exactly its admin permissions; safe to run again.

    Runs in the data migration ``accounts.0002_role_groups`` and after every ``migrate`` (post_migrate),
    so a fresh deployment has its groups and new models' permissions reach them. ``apps`` is the model
    registry (a migration's historical one inside migrations).
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    wanted = {
        (app_label, model, f"{action}_{model}")
        for grants in ADMIN_PERMISSIONS.values()
        for app_label, model, actions in grants
        for action in actions
    }

    def known():
        rows = permission_model.objects.using(using).filter(codename__in={codename for *_, codename in wanted})
        return {
            (row.content_type.app_label, row.content_type.model, row.codename): row
            for row in rows.select_related("content_type")
        }

    permissions = known()
    if not wanted <= permissions.keys():  # Django makes permissions only after migrate: make them now
        for app_config in global_apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        permissions = known()
    groups = {}
    for role in Role:
        group, _created = group_model.objects.using(using).get_or_create(name=role.value)
        group.permissions.set(
            [
                permissions[(app_label, model, f"{action}_{model}")]
                for app_label, model, actions in ADMIN_PERMISSIONS.get(role, [])
                for action in actions
                if (app_label, model, f"{action}_{model}") in permissions
            ]
        )
        groups[role.value] = group
    return groups


def site_sync(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS):
    """Keep the Site record (SITE_ID) equal to SITE_NAME and the host of SITE_URL; run after every migrate.

    allauth greets and links from this record, so mails never come from "example.com".
    """
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    site, _created = Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
    global_apps.get_model("sites", "Site").objects.clear_cache()
    return site


def _role_group(role: Role) -> Group:
    return Group.objects.get_or_create(name=role.value)[0]


def _check_superuser(actor) -> None:
    if not getattr(actor, "is_superuser", False):
        raise NotAllowed(_("Only a superuser can assign or withdraw roles."))


def _staff_flag_update(user: User) -> None:
    """Staff roles open the admin; without one (and without superuser rights) the account leaves it."""
    has_staff_role = user.groups.filter(name__in=[role.value for role in STAFF_ROLES]).exists()
    is_staff = has_staff_role or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_assign(*, actor, user: User, role) -> None:
    """Give an account a platform role (its Django group). Only superusers may; audited."""
    _check_superuser(actor)
    role = Role(role)
    user.groups.add(_role_group(role))
    _staff_flag_update(user)
    audit_record(actor=actor, action="user.role_assigned", obj=user, data={"role": role.value})


@transaction.atomic
def role_revoke(*, actor, user: User, role) -> None:
    """Withdraw a platform role from an account. Only superusers may; audited."""
    _check_superuser(actor)
    role = Role(role)
    user.groups.remove(_role_group(role))
    _staff_flag_update(user)
    audit_record(actor=actor, action="user.role_revoked", obj=user, data={"role": role.value})


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
    renamed = not created and bool(display_name) and display_name != user.display_name
    user.display_name = display_name or user.display_name
    user.is_staff = bool(set(roles) & STAFF_ROLES)
    user.save()
    if renamed:
        content_version_bump()  # the new public name on every cached card and thread
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if roles:
        user.groups.add(*Group.objects.filter(name__in=[Role(role).value for role in roles]))
    return user


@transaction.atomic
def user_anonymise(*, user: User, actor) -> User:
    """Close an account: erase what identifies the person and keep what they did — how accounts are deleted.

    Supports, reports, comments and contributions stay with the now nameless, inactive account, so every
    denormalised counter stays exact and the audit chain keeps its references (issue 6, point 3). Deleting
    the row itself is ``teilhabe.contributions.services.user_delete`` (superusers only). The person
    themselves or a superuser may anonymise an account.
    """
    if not getattr(actor, "is_authenticated", False) or (actor.pk != user.pk and not actor.is_superuser):
        raise NotAllowed()
    user.email = f"deleted-{user.pk}@invalid"  # unique and undeliverable (.invalid is reserved, RFC 2606)
    user.display_name = user.first_name = user.last_name = user.preferred_language = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.anonymised", obj=user)
    content_version_bump()  # the name goes from every cached page at once
    return user
