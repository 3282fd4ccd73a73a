"""Issue 14 (4): coordinators invite organisations by mail in each one's language, record responses and remind."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.involvement import services
from teilhabe.involvement.models import Invitation, InvitationResponse, InvitationTarget
from teilhabe.stakeholders import services as registry
from teilhabe.stakeholders.models import Representative


def test_inviting_all_welfare_and_migrant_organisations_to_a_workshop(
    client, personas, process, registry_orgs, workshop, django_capture_on_commit_callbacks
):
    coordinator = personas["coordinator"]
    registry.contact_person_add(
        actor=coordinator, organisation=registry_orgs["verein"], name="Kontakt A", email="a@example.org"
    )
    registry.contact_person_add(
        actor=coordinator, organisation=registry_orgs["verein"], name="Kontakt B", email="b@example.org"
    )
    Representative.objects.create(
        organisation=registry_orgs["awo"],
        user=personas["participant"],
        verified_by=coordinator,
        verified_at=workshop.starts_at,
    )
    client.force_login(coordinator)
    url = reverse("involvement:invitations", args=[process.slug])
    data = {"target": "event", "event": workshop.pk, "types": ["welfare", "migrant_organisation"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    invited = set(Invitation.objects.values_list("organisation__name", flat=True))
    assert invited == {"AWO Mitte", "Diakonie Nord", "Syrischer Verein"}
    # One mail per address, in the organisation's language; nobody sees another recipient.
    assert sorted(tuple(message.to) for message in mail.outbox) == [
        ("a@example.org",),
        ("b@example.org",),
        (personas["participant"].email,),
    ]
    arabic = [message for message in mail.outbox if message.to == ["a@example.org"]][0]
    assert arabic.extra_headers["Content-Language"] == "ar"
    assert "Werkstatt Integration" in arabic.subject and "Syrischer Verein" in arabic.body
    assert "Kontakt" not in arabic.body and "b@example.org" not in arabic.body
    assert AuditEntry.objects.filter(action="invitation.sent").count() == 3
    # Inviting again skips those invited to the same event.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert Invitation.objects.count() == 3 and mail.outbox == []


def test_responses_and_reminders(
    client, personas, process, registry_orgs, workshop, django_capture_on_commit_callbacks
):
    coordinator = personas["coordinator"]
    registry.contact_person_add(actor=coordinator, organisation=registry_orgs["awo"], name="K", email="k@example.org")
    (invitation,), skipped = services.invitation_send(
        actor=coordinator, process=process, organisations=[registry_orgs["awo"]], target="event", event=workshop
    )
    assert skipped == 0
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("involvement:remind", args=[process.slug, invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.reminder_count == 1 and len(mail.outbox) == 1
    page = reverse("involvement:invitation", args=[process.slug, invitation.pk])
    assert client.post(page, {"response": "maybe"}).status_code == 400
    assert client.post(page, {"response": "accepted"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == InvitationResponse.ACCEPTED and invitation.responded_at is not None
    with pytest.raises(Conflict):
        services.invitation_remind(actor=coordinator, invitation=invitation)
    actions = list(AuditEntry.objects.filter(action__startswith="invitation.").values_list("action", flat=True))
    assert set(actions) == {"invitation.sent", "invitation.reminded", "invitation.response_recorded"}


def test_targets_must_belong_to_the_process(personas, process, closed_process, registry_orgs):
    coordinator = personas["coordinator"]
    other_phase = closed_process.phases.first()
    with pytest.raises(ApplicationError):
        services.invitation_send(
            actor=coordinator, process=process, organisations=[registry_orgs["awo"]], target="phase", phase=other_phase
        )
    with pytest.raises(ApplicationError, match="steering group"):
        services.invitation_send(
            actor=coordinator, process=process, organisations=[registry_orgs["awo"]], target="steering_group"
        )
    services.steering_group_create(actor=coordinator, process=process, name="Lenkungsgruppe")
    invitations, _ = services.invitation_send(
        actor=coordinator, process=process, organisations=list(registry_orgs.values()), target="steering_group"
    )
    assert {invitation.target for invitation in invitations} == {InvitationTarget.STEERING_GROUP}
    assert not Invitation.objects.filter(process=closed_process).exists()


@pytest.mark.parametrize("role", ["participant", "organisation_representative", "department_head", "evaluator"])
def test_only_coordinators_invite(client, personas, process, registry_orgs, role):
    with pytest.raises(NotAllowed):
        services.invitation_send(
            actor=personas[role],
            process=process,
            organisations=[registry_orgs["awo"]],
            target="phase",
            phase=process.phases.first(),
        )
    client.force_login(personas[role])
    assert client.get(reverse("involvement:invitations", args=[process.slug])).status_code == 403


def test_the_form_needs_an_organisation_or_a_type(client, personas, process, registry_orgs):
    client.force_login(personas["coordinator"])
    url = reverse("involvement:invitations", args=[process.slug])
    response = client.post(url, {"target": "phase", "phase": process.phases.first().pk})
    assert response.status_code == 400 and "types" in response.context["form"].errors
    response = client.post(url, {"target": "event", "types": ["welfare"]})
    assert response.status_code == 400 and "event" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_invitations_list_queries_do_not_grow(client, personas, process, registry_orgs, workshop):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    url = reverse("involvement:invitations", args=[process.slug])
    services.invitation_send(
        actor=coordinator, process=process, organisations=[registry_orgs["awo"]], target="event", event=workshop
    )
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.invitation_send(
        actor=coordinator,
        process=process,
        organisations=list(registry_orgs.values()),
        target="phase",
        phase=process.phases.first(),
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_one_organisation_by_its_name(client, personas, process, registry_orgs):
    client.force_login(personas["coordinator"])
    url = reverse("involvement:invitations", args=[process.slug])
    phase = process.phases.first().pk
    response = client.post(url, {"target": "phase", "phase": phase, "organisation": "Niemand e.V."})
    assert response.status_code == 400 and "organisation" in response.context["form"].errors
    assert client.post(url, {"target": "phase", "phase": phase, "organisation": "syrischer verein"}).status_code == 302
    assert list(Invitation.objects.values_list("organisation__name", flat=True)) == ["Syrischer Verein"]
