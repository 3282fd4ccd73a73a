"""Issue 6 point 14: the admin speaks German (every label translatable), links only to pages the viewer may
open, and names the site after the settings, not "example.com"."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils.functional import Promise

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.processes.models import ProcessMembership, ProcessRole

CHECKED_APPS = {"accounts", "places", "processes", "stakeholders", "administration", "councils", "competitions"}


def untranslatable_labels(app_labels) -> list[str]:
    missing = []
    for model in admin.site._registry:
        if model._meta.app_label not in app_labels:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not field.concrete and not field.many_to_many:
                continue
            if not isinstance(field.verbose_name, Promise):
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def test_every_admin_field_of_these_apps_has_a_translatable_label():
    assert untranslatable_labels(CHECKED_APPS) == []


@pytest.fixture
def inspector(personas, process):
    """A staff account that may look at contributions of its process, and nothing about places."""
    user = user_create_verified(email="pruefung@example.org", password=None, roles=[Role.COORDINATOR])
    user.user_permissions.add(Permission.objects.get(codename="view_contribution"))
    ProcessMembership.objects.create(process=process, user=user, role=ProcessRole.COORDINATOR)
    return user


def test_read_only_contribution_page_links_nowhere_the_viewer_cannot_go(client, inspector, contribution, city):
    contribution.district = city.districts.first()
    contribution.save(update_fields=["district"])
    client.force_login(inspector)
    page = client.get(reverse("admin:contributions_contribution_change", args=[contribution.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert contribution.district.name in html
    for href in set(re.findall(r'href="(/admin/[^"#?]+)', html)):
        assert client.get(href).status_code == 200, href


def test_site_record_follows_the_settings(db):
    site = Site.objects.get_current()
    assert site.name == settings.SITE_NAME and site.domain == settings.SITE_URL.split("://", 1)[1]
    assert "example.com" not in (site.name, site.domain)


@pytest.mark.slow
def test_every_admin_page_opens_for_a_superuser_and_for_the_roles_that_have_it(
    client, personas, contribution, django_user_model
):
    superuser = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    for user in (superuser, personas["coordinator"], personas["administrator"]):
        client.force_login(user)
        for model, model_admin in admin.site._registry.items():
            if not model_admin.has_view_permission(type("Request", (), {"user": user})()):
                continue
            info = (model._meta.app_label, model._meta.model_name)
            listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
            assert listing.status_code == 200, (user, info)
            first = listing.context["cl"].result_list[:1]
            if first:
                page = client.get(reverse("admin:{}_{}_change".format(*info), args=[first[0].pk]))
                assert page.status_code == 200, (user, info)
            if model_admin.has_add_permission(type("Request", (), {"user": user})()):
                assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, (user, info)
