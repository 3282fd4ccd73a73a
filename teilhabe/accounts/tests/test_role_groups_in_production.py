"""Issue 6 point 16: a fresh deployment has its role groups and their admin permissions from migrations
alone, and barrier reports reach someone."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import ADMIN_PERMISSIONS, role_assign


def codenames(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_migrations_alone_create_every_role_group_with_its_admin_permissions():
    # No role_groups_sync() here and no persona fixture: only what `migrate` left in the test database.
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    for role in Role:
        expected = {
            f"{app}.{action}_{model}" for app, model, actions in ADMIN_PERMISSIONS.get(role, []) for action in actions
        }
        assert codenames(Group.objects.get(name=role.value)) == expected, role
    assert "processes.change_phase" in codenames(Group.objects.get(name="coordinator"))


def test_barrier_reports_reach_superusers_while_nobody_handles_them(
    client, django_user_model, django_capture_on_commit_callbacks
):
    root = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:accessibility"), {"message": "Der Knopf ist nicht erreichbar."})
    assert [message.to for message in mail.outbox] == [[root.email]]

    # Once the superuser gives someone the coordinator role, the reports go there.
    coordinator = django_user_model.objects.create_user(email="koordination@example.org", password="x")
    role_assign(actor=root, user=coordinator, role=Role.COORDINATOR)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:accessibility"), {"message": "Der Kontrast ist zu schwach."})
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
