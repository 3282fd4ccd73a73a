"""Issue 6 J: representatives are verified by a coordinator who is someone else (four eyes), audited."""

import pytest
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.core.errors import Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.processes.models import ProcessMembership, ProcessRole
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative
from teilhabe.stakeholders.services import representative_verify


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Kulturverein", type=OrganisationType.MIGRANT_ORGANISATION)


@pytest.fixture
def second_coordinator(personas, process):
    user = user_create_verified(email="zweite@example.org", password=PASSWORD, roles=[Role.COORDINATOR])
    ProcessMembership.objects.create(process=process, user=user, role=ProcessRole.COORDINATOR)
    return user


def test_coordinator_verifies_someone_else_recorded_and_audited(personas, organisation):
    coordinator = personas["coordinator"]
    representative = Representative.objects.create(organisation=organisation, user=personas["participant"])
    representative_verify(actor=coordinator, representative=representative)
    representative.refresh_from_db()
    assert representative.verified_by == coordinator and representative.verified_at is not None
    entry = AuditEntry.objects.get(action="representative.verified")
    assert entry.actor == coordinator and entry.object_id == str(representative.pk)
    with pytest.raises(Conflict):
        representative_verify(actor=coordinator, representative=representative)


def test_self_verification_is_refused_and_a_second_coordinator_can_verify(personas, organisation, second_coordinator):
    coordinator = personas["coordinator"]
    own = Representative.objects.create(organisation=organisation, user=coordinator)
    with translation.override("en"), pytest.raises(NotAllowed, match="another coordinator"):
        representative_verify(actor=coordinator, representative=own)
    own.refresh_from_db()
    assert own.verified_at is None
    representative_verify(actor=second_coordinator, representative=own)
    own.refresh_from_db()
    assert own.verified_by == second_coordinator


def test_the_database_refuses_self_verification_too(personas, organisation):
    coordinator = personas["coordinator"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.create(organisation=organisation, user=coordinator, verified_by=coordinator)


@pytest.mark.parametrize("role", ["participant", "organisation_representative", "administrator", "evaluator"])
def test_only_coordinators_verify(personas, organisation, role):
    representative = Representative.objects.create(organisation=organisation, user=personas["jury_member"])
    with pytest.raises(NotAllowed):
        representative_verify(actor=personas[role], representative=representative)


def test_admin_verifies_through_the_service_and_shows_who_verified(client, personas, organisation):
    coordinator = personas["coordinator"]
    own = Representative.objects.create(organisation=organisation, user=coordinator)
    other = Representative.objects.create(organisation=organisation, user=personas["participant"])
    client.force_login(coordinator)
    url = reverse("admin:stakeholders_representative_changelist")
    response = client.post(url, {"action": "verify", "_selected_action": [own.pk, other.pk]}, follow=True)
    assert response.status_code == 200
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.verified_at is None and other.verified_by == coordinator
    errors = [str(message) for message in response.context["messages"] if message.level == messages.ERROR]
    assert len(errors) == 1 and str(own) in errors[0]
    listing = client.get(url)
    assert "verified_by" in listing.context["cl"].list_display
    # The verification fields cannot be set by hand, neither on the change page nor in the organisation.
    change = client.get(reverse("admin:stakeholders_representative_change", args=[own.pk]))
    assert not {"verified_at", "verified_by", "user"} & set(change.context["adminform"].form.fields)
    organisation_page = client.get(reverse("admin:stakeholders_organisation_change", args=[organisation.pk]))
    inline = organisation_page.context["inline_admin_formsets"][0].formset
    assert "verified_at" not in inline.empty_form.fields and "verified_by" not in inline.empty_form.fields
