"""Issue 6 point 5: analog input is recorded by a service with its provenance; the database enforces it."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from teilhabe.conftest import PERSONA_ROLES, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.processes.models import ProcessMembership, ProcessRole


def record(process, user, **overrides):
    data = {
        "process": process,
        "user": user,
        "channel": Channel.PAPER_FORM,
        "title": "Beratung in der Stadtteilbibliothek",
        "body": "Einmal im Monat eine Sprechstunde der Ausländerbehörde in der Bibliothek.",
        "fields_of_action": [process.fields_of_action.first()],
        "original_date": timezone.localdate() - datetime.timedelta(days=3),
        "form_serial": "LIP4-00001",
        "publication_consent": True,
    }
    data.update(overrides)
    return services.contribution_record_analog(**data)


def test_coordinator_records_a_paper_form_with_its_provenance_in_row_and_audit(process, coordinator):
    contribution = record(process, coordinator)
    contribution.refresh_from_db()
    assert (contribution.channel, contribution.entered_by, contribution.author) == (
        Channel.PAPER_FORM,
        coordinator,
        None,
    )
    assert contribution.form_serial == "LIP4-00001" and contribution.status == Status.PUBLISHED
    entry = AuditEntry.objects.get(action="contribution.created", object_id=str(contribution.pk))
    assert entry.actor_id == coordinator.pk
    assert entry.data["channel"] == "paper_form" == contribution.channel
    assert entry.data["entered_by"] == coordinator.pk
    assert entry.data["form_serial"] == "LIP4-00001"
    assert entry.data["original_date"] == contribution.original_date.isoformat()
    assert entry.data["publication_consent"] is True


def test_workshop_result_carries_its_group_size_and_is_accepted_after_the_phase(closed_process, coordinator):
    contribution = record(closed_process, coordinator, channel=Channel.WORKSHOP, form_serial="", group_size=12)
    assert contribution.group_size == 12 and contribution.channel == Channel.WORKSHOP
    assert (
        AuditEntry.objects.get(object_id=str(contribution.pk), action="contribution.created").data["group_size"] == 12
    )


@pytest.mark.parametrize("role", [role for role in PERSONA_ROLES if role != "coordinator"])
def test_only_coordinators_enter_analog_input(process, personas, role):
    with pytest.raises(NotAllowed):
        record(process, personas[role])
    assert not Contribution.objects.exclude(channel=Channel.ONLINE).exists()


def test_coordinator_of_another_process_may_not(process, city, personas):
    other = make_process(city, slug="anderer")
    ProcessMembership.objects.create(process=other, user=personas["participant"], role=ProcessRole.COORDINATOR)
    with pytest.raises(NotAllowed):
        record(process, personas["participant"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": Channel.ONLINE}, "channel"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"original_date": timezone.localdate() + datetime.timedelta(days=2)}, "original_date"),
        ({"group_size": 0}, "group_size"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_provenance_is_a_field_error(process, coordinator, overrides, field):
    with pytest.raises(ApplicationError) as raised:
        record(process, coordinator, **overrides)
    assert field in raised.value.field_errors


def test_a_form_serial_is_entered_once_per_process(process, closed_process, coordinator):
    record(process, coordinator)
    with pytest.raises(ApplicationError) as raised:
        record(process, coordinator, title="Doppelt erfasst")
    assert "form_serial" in raised.value.field_errors
    assert record(closed_process, coordinator).process == closed_process  # another process has its own serials


def test_without_consent_analog_input_is_kept_but_never_published(process, coordinator):
    contribution = record(process, coordinator, publication_consent=False)
    assert contribution.status == Status.IN_MODERATION and not contribution.publication_consent
    with pytest.raises(services.Conflict):
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=True)
    assert Contribution.objects.get(pk=contribution.pk).status == Status.IN_MODERATION


def test_online_contributions_record_their_channel(contribution):
    entry = AuditEntry.objects.get(action="contribution.created", object_id=str(contribution.pk))
    assert entry.data["channel"] == "online" == contribution.channel


# The database itself refuses rows that contradict their provenance, whoever writes them.


def _raw(process, **fields):
    with transaction.atomic():
        return Contribution.objects.create(process=process, title="T", body="B", publication_consent=True, **fields)


def test_database_requires_entered_by_for_analog_input(process):
    with pytest.raises(IntegrityError):
        _raw(process, channel=Channel.LETTER)


def test_database_requires_an_author_or_address_for_online_input(process):
    with pytest.raises(IntegrityError):
        _raw(process, channel=Channel.ONLINE)
    assert _raw(process, channel=Channel.ONLINE, author_email="gast@example.org").pk


def test_database_keeps_form_serials_unique_per_process(process, closed_process, coordinator):
    _raw(process, channel=Channel.PAPER_FORM, entered_by=coordinator, form_serial="S-1")
    with pytest.raises(IntegrityError):
        _raw(process, channel=Channel.PAPER_FORM, entered_by=coordinator, form_serial="S-1")
    _raw(closed_process, channel=Channel.PAPER_FORM, entered_by=coordinator, form_serial="S-1")
    _raw(process, channel=Channel.WORKSHOP, entered_by=coordinator)  # empty serials never clash
    _raw(process, channel=Channel.WORKSHOP, entered_by=coordinator)
