"""Issue 6 A: nobody but a superuser changes rights — not in the admin, not through the role services."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from teilhabe.accounts.models import Role, User
from teilhabe.accounts.services import role_assign, role_revoke
from teilhabe.conftest import PERSONA_ROLES
from teilhabe.core.errors import NotAllowed
from teilhabe.core.models import AuditEntry


def change_form_data(user, **extra):
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(extra)
    return data


def test_administrator_cannot_make_itself_superuser(client, personas):
    administrator = personas["administrator"]
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[administrator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert not {"is_superuser", "is_staff", "groups"} & set(page.context["adminform"].form.fields)
    crafted = change_form_data(
        administrator,
        display_name="Kai",
        is_superuser="on",
        is_staff="on",
        groups=[group.pk for group in Group.objects.all()],
        user_permissions=[1, 2, 3],
    )
    response = client.post(url, crafted)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    administrator.refresh_from_db()
    assert administrator.display_name == "Kai"  # the harmless part of the form was saved ...
    assert not administrator.is_superuser  # ... the rights were not
    assert list(administrator.groups.values_list("name", flat=True)) == [Role.ADMINISTRATOR.value]
    assert not administrator.user_permissions.exists()


def test_administrator_cannot_take_over_accounts_with_more_rights(client, personas, django_user_model):
    superuser = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(personas["administrator"])
    for target in (superuser, personas["coordinator"]):
        url = reverse("admin:accounts_user_change", args=[target.pk])
        assert client.get(url).context["has_change_permission"] is False  # shown, not editable
        assert client.post(url, change_form_data(target, email="kai@example.org")).status_code == 403
        target.refresh_from_db()
        assert target.email != "kai@example.org"
        password_url = reverse("admin:auth_user_password_change", args=[target.pk])
        response = client.post(password_url, {"password1": "Neu-und-lang-123", "password2": "Neu-und-lang-123"})
        assert response.status_code == 403
    # An ordinary account stays theirs to look after.
    assert client.get(reverse("admin:accounts_user_change", args=[personas["participant"].pk])).status_code == 200


@pytest.mark.parametrize("role", PERSONA_ROLES)
def test_no_role_can_assign_or_withdraw_roles(personas, role):
    actor = personas[role]
    for service in (role_assign, role_revoke):
        with pytest.raises(NotAllowed):
            service(actor=actor, user=actor, role=Role.ADMINISTRATOR)
        with pytest.raises(NotAllowed):
            service(actor=actor, user=personas["participant"], role=Role.COORDINATOR)
    actor.refresh_from_db()
    assert not actor.is_superuser
    assert list(actor.groups.values_list("name", flat=True)) == [role]
    assert not AuditEntry.objects.filter(action__startswith="user.role_").exists()


def test_superuser_assigns_roles_audited_also_from_the_admin(client, personas, django_user_model):
    superuser = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    participant = personas["participant"]
    role_assign(actor=superuser, user=participant, role=Role.COORDINATOR)
    participant.refresh_from_db()
    assert participant.is_staff and participant.groups.filter(name="coordinator").exists()
    role_revoke(actor=superuser, user=participant, role=Role.COORDINATOR)
    participant.refresh_from_db()
    assert not participant.is_staff

    client.force_login(superuser)
    groups = [Group.objects.get(name="participant").pk, Group.objects.get(name="administrator").pk]
    response = client.post(
        reverse("admin:accounts_user_change", args=[participant.pk]), change_form_data(participant, groups=groups)
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.is_staff  # the administrator role opens the admin
    assert set(participant.groups.values_list("name", flat=True)) == {"participant", "administrator"}
    actions = list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(participant.pk)).values_list(
            "action", "data"
        )
    )
    assert ("user.role_assigned", {"role": "administrator"}) in actions
    assert ("user.role_revoked", {"role": "coordinator"}) in actions
    assert any(action == "user.admin_changed" for action, _data in actions)
    assert User.objects.get(pk=participant.pk).groups.count() == 2
