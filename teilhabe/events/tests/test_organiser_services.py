"""The lifecycle of an event (create, propose, approve, decline, change, cancel, mark held, translate): transitions
allowed and refused, audit entries, the iCalendar sequence, the organiser rules and the cache versions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from teilhabe.administration.models import DepartmentMembership
from teilhabe.conftest import PERSONA_ROLES, make_process
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry, ContentTranslation
from teilhabe.events import services
from teilhabe.events.models import Event, EventLanguage, EventState, EventType
from teilhabe.events.selectors import EVENT_NAMESPACE, EVENTS_NAMESPACE
from teilhabe.events.tests.organiser_support import event_details, make_event, organisers, outsiders
from teilhabe.places.models import City, District, Neighbourhood

pytestmark = pytest.mark.django_db


def audit_actions(event) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="events.event", object_id=str(event.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def units(personas):
    return organisers(personas)


@pytest.fixture
def others(personas, city):
    return outsiders(city)


# Create ------------------------------------------------------------------------------------------------------


def test_coordinator_plans_an_event_public_at_once_with_languages_fields_and_audit(process, coordinator, units):
    event = services.event_create(
        user=coordinator, process=process, organiser=units["department"], **event_details(process)
    )
    event.refresh_from_db()
    assert event.state == EventState.PLANNED and event.sequence == 0
    assert event.organiser == units["department"] and event.created_by == coordinator
    assert sorted(event.languages.values_list("language", flat=True)) == ["ar", "tr"]
    assert list(event.fields_of_action.all()) == [process.fields_of_action.first()]
    assert list(event.target_groups.all()) == [process.target_groups.first()]
    assert event.capacity == 40 and event.step_free and not event.hearing_loop
    entry = AuditEntry.objects.get(action="event.created", object_id=str(event.pk))
    assert entry.actor_id == coordinator.pk
    assert entry.data["organiser"] == f"department:{units['department'].pk}"
    assert entry.data["languages"] == ["ar", "tr"] and entry.data["state"] == "planned"


def test_coordinator_without_a_department_must_name_the_organiser(process, coordinator):
    with pytest.raises(ApplicationError) as caught:
        services.event_create(user=coordinator, process=process, **event_details(process))
    assert caught.value.field_errors == {"organiser": gettext("Please choose who organises the event.")}
    assert not Event.objects.exists()


def test_coordinators_own_department_is_the_default_organiser(process, coordinator, units):
    DepartmentMembership.objects.create(department=units["department"], user=coordinator)
    event = services.event_create(user=coordinator, process=process, **event_details(process))
    assert event.organiser_department == units["department"]
    assert event.organiser_organisation is None and event.organiser_council is None


@pytest.mark.parametrize("kind", ["organisation", "council"])
def test_coordinator_may_name_an_organisation_or_a_council(process, coordinator, units, kind):
    event = services.event_create(user=coordinator, process=process, organiser=units[kind], **event_details(process))
    assert event.organiser == units[kind]


def test_coordinator_cannot_name_a_department_of_another_city(process, coordinator):
    from teilhabe.administration.models import Department

    elsewhere = City.objects.create(name="Anderswo", slug="anderswo", population=10)
    foreign = Department.objects.create(city=elsewhere, code="1", name="Fremd")
    with pytest.raises(ApplicationError) as caught:
        services.event_create(user=coordinator, process=process, organiser=foreign, **event_details(process))
    assert "organiser" in caught.value.field_errors


@pytest.mark.parametrize("role", [role for role in PERSONA_ROLES if role != "coordinator"])
def test_only_coordinators_plan_events(process, personas, units, role):
    with pytest.raises(NotAllowed):
        services.event_create(
            user=personas[role], process=process, organiser=units["department"], **event_details(process)
        )
    assert not Event.objects.exists()


def test_coordinator_of_another_process_may_not_plan_here(city, process, personas, units):
    other = make_process(city, slug="anderer")
    from teilhabe.processes.models import ProcessMembership, ProcessRole

    ProcessMembership.objects.create(process=other, user=personas["participant"], role=ProcessRole.COORDINATOR)
    with pytest.raises(NotAllowed):
        services.event_create(
            user=personas["participant"], process=process, organiser=units["department"], **event_details(process)
        )


def bad_details(process):
    start = timezone.now() + datetime.timedelta(days=3)
    elsewhere = City.objects.create(name="Anderswo", slug="anderswo", population=10)
    foreign_district = District.objects.create(city=elsewhere, number=1, name="Fremd", population=1)
    north_neighbourhood = Neighbourhood.objects.get(district__number=2)
    other_field = make_process(process.city, slug="zweiter").fields_of_action.first()
    return [
        ({"ends_at": start - datetime.timedelta(hours=1), "starts_at": start}, "ends_at"),
        ({"starts_at": None}, "starts_at"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"type": "party"}, "type"),
        ({"district": foreign_district}, "district"),
        ({"neighbourhood": north_neighbourhood}, "neighbourhood"),
        ({"fields_of_action": [other_field]}, "fields_of_action"),
        ({"languages": ["ar", "xx"]}, "languages"),
        ({"latitude": Decimal("52.37")}, "longitude"),
        ({"latitude": Decimal("95"), "longitude": Decimal("9.7")}, "latitude"),
        ({"capacity": 0}, "capacity"),
        ({"venue_name": "x" * 201}, "venue_name"),
    ]


def test_bad_details_are_refused_with_a_message_per_field_and_nothing_saved(process, coordinator, units):
    for overrides, field in bad_details(process):
        with pytest.raises(ApplicationError) as caught:
            services.event_create(
                user=coordinator, process=process, organiser=units["department"], **event_details(process, **overrides)
            )
        assert field in caught.value.field_errors, (overrides, caught.value.field_errors)
        assert caught.value.status_code == 400
    assert not Event.objects.exists() and not EventLanguage.objects.exists()


def test_neighbourhood_gives_its_district_and_no_registration_means_no_capacity(process, coordinator, units):
    neighbourhood = Neighbourhood.objects.get(district__number=2)
    event = services.event_create(
        user=coordinator,
        process=process,
        organiser=units["department"],
        **event_details(process, district=None, neighbourhood=neighbourhood, takes_registrations=False),
    )
    assert event.district == neighbourhood.district and event.capacity is None


# Propose, approve, decline -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind"), [("organisation_representative", "organisation"), ("district_council_member", "council")]
)
def test_representative_and_council_member_propose_for_their_own_unit(process, personas, units, role, kind):
    event = services.event_propose(user=personas[role], process=process, **event_details(process))
    assert event.state == EventState.PROPOSED and event.organiser == units[kind]
    assert audit_actions(event) == ["event.proposed"]


@pytest.mark.parametrize(
    "role", ["participant", "department_staff", "department_head", "coordinator", "jury_member", "administrator"]
)
def test_others_may_not_propose(process, personas, role):
    with pytest.raises(NotAllowed):
        services.event_propose(user=personas[role], process=process, **event_details(process))


def test_unverified_representative_may_not_propose(process, personas):
    from teilhabe.stakeholders.models import Representative

    Representative.objects.filter(user=personas["organisation_representative"]).update(verified_at=None)
    with pytest.raises(NotAllowed):
        services.event_propose(user=personas["organisation_representative"], process=process, **event_details(process))


def test_council_member_of_another_city_may_not_propose(personas):
    elsewhere = City.objects.create(name="Anderswo", slug="anderswo", population=10)
    District.objects.create(city=elsewhere, number=1, name="Fremd", population=1)
    foreign = make_process(elsewhere, slug="fremd")
    with pytest.raises(NotAllowed):
        services.event_propose(user=personas["district_council_member"], process=foreign, **event_details(foreign))


def test_representative_cannot_propose_for_another_organisation(process, personas, others):
    with pytest.raises(ApplicationError) as caught:
        services.event_propose(
            user=personas["organisation_representative"],
            process=process,
            organiser=others["other_organisation"],
            **event_details(process),
        )
    assert "organiser" in caught.value.field_errors
    assert not Event.objects.exists()


def test_a_proposal_must_lie_ahead(process, personas):
    past = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ApplicationError) as caught:
        services.event_propose(
            user=personas["organisation_representative"],
            process=process,
            **event_details(process, starts_at=past, ends_at=past + datetime.timedelta(hours=1)),
        )
    assert caught.value.field_errors == {"starts_at": gettext("A proposed event must begin in the future.")}


def test_coordinator_approves_a_proposal(process, personas):
    event = services.event_propose(
        user=personas["organisation_representative"], process=process, **event_details(process)
    )
    services.event_approve(user=personas["coordinator"], event=event)
    event.refresh_from_db()
    assert event.state == EventState.PLANNED and event.decided_by == personas["coordinator"]
    assert audit_actions(event) == ["event.proposed", "event.approved"]


def test_coordinator_declines_with_a_reason(process, personas):
    event = services.event_propose(user=personas["district_council_member"], process=process, **event_details(process))
    with pytest.raises(ApplicationError) as caught:
        services.event_decline(user=personas["coordinator"], event=event, reason="  ")
    assert caught.value.field_errors == {"reason": gettext("Please say why the proposal is declined.")}
    services.event_decline(user=personas["coordinator"], event=event, reason="Zur gleichen Zeit gibt es schon eine.")
    event.refresh_from_db()
    assert event.state == EventState.DECLINED and event.decline_reason.startswith("Zur gleichen")
    assert audit_actions(event) == ["event.proposed", "event.declined"]


@pytest.mark.parametrize("role", ["organisation_representative", "department_staff", "participant"])
def test_only_coordinators_decide_proposals(process, personas, units, role):
    event = make_event(process, state=EventState.PROPOSED, organiser=units["organisation"])
    with pytest.raises(NotAllowed):
        services.event_approve(user=personas[role], event=event)
    with pytest.raises(NotAllowed):
        services.event_decline(user=personas[role], event=event, reason="Nein")
    event.refresh_from_db()
    assert event.state == EventState.PROPOSED


@pytest.mark.parametrize("state", [EventState.PLANNED, EventState.DECLINED, EventState.CANCELLED, EventState.HELD])
def test_only_a_proposal_can_be_approved(process, coordinator, state):
    event = make_event(process, state=state)
    with pytest.raises(Conflict) as caught:
        services.event_approve(user=coordinator, event=event)
    assert caught.value.message == gettext("Only a proposal can be approved. This event is: %(state)s.") % {
        "state": event.get_state_display()
    }
    event.refresh_from_db()
    assert event.state == state and audit_actions(event) == []


# Change ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "raises"),
    [
        ({"title": "Stadtteildialog Mitte – neuer Titel"}, True),
        ({"starts_at_shift": datetime.timedelta(hours=1)}, True),
        ({"venue_address": "Marktplatz 2"}, True),
        ({"district_number": 2}, True),
        ({"description": "Anderer Text"}, False),
        ({"capacity": 80}, False),
        ({"languages": ["ar"]}, False),
    ],
)
def test_sequence_rises_when_title_time_or_place_of_a_public_event_change(process, coordinator, change, raises):
    event = make_event(process)
    details = dict(change)
    if "starts_at_shift" in details:
        shift = details.pop("starts_at_shift")
        details.update(starts_at=event.starts_at + shift, ends_at=event.ends_at + shift)
    if "district_number" in details:
        details["district"] = process.city.districts.get(number=details.pop("district_number"))
    services.event_update(user=coordinator, event=event, **details)
    event.refresh_from_db()
    assert event.sequence == (1 if raises else 0)
    entry = AuditEntry.objects.get(action="event.changed", object_id=str(event.pk))
    assert entry.data["sequence"] == event.sequence and entry.data["fields"]


def test_a_proposal_keeps_its_sequence_and_an_unchanged_save_records_nothing(process, personas, units):
    event = make_event(process, state=EventState.PROPOSED, organiser=units["organisation"])
    services.event_update(user=personas["organisation_representative"], event=event, title="Neuer Titel")
    event.refresh_from_db()
    assert event.title == "Neuer Titel" and event.sequence == 0
    services.event_update(user=personas["organisation_representative"], event=event, title="Neuer Titel")
    assert audit_actions(event) == ["event.changed"]


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("organisation_representative", "organisation"),
        ("district_council_member", "council"),
        ("department_staff", "department"),
        ("department_head", "department"),
    ],
)
def test_organisers_change_their_own_planned_event(process, personas, units, role, kind):
    event = make_event(process, organiser=units[kind])
    services.event_update(user=personas[role], event=event, capacity=12)
    event.refresh_from_db()
    assert event.capacity == 12


@pytest.mark.parametrize("who", ["other_representative", "other_council_member", "other_staff"])
def test_organisers_of_other_units_change_nothing(process, personas, units, others, who):
    for kind in ("organisation", "council", "department"):
        event = make_event(process, organiser=units[kind])
        with pytest.raises(NotAllowed):
            services.event_update(user=others[who], event=event, title="Gekapert")
        with pytest.raises(NotAllowed):
            services.event_cancel(user=others[who], event=event, reason="Gekapert")
        event.refresh_from_db()
        assert event.title == "Stadtteildialog Mitte" and event.state == EventState.PLANNED


@pytest.mark.parametrize("state", [EventState.DECLINED, EventState.CANCELLED, EventState.HELD])
def test_finished_events_are_not_changed(process, coordinator, state):
    event = make_event(process, state=state)
    with pytest.raises(Conflict):
        services.event_update(user=coordinator, event=event, title="Neu")


def test_organiser_moves_the_event_only_to_a_unit_of_their_own(process, personas, units, others):
    event = make_event(process, organiser=units["organisation"])
    with pytest.raises(ApplicationError) as caught:
        services.event_update(
            user=personas["organisation_representative"], event=event, organiser=others["other_organisation"]
        )
    assert "organiser" in caught.value.field_errors
    services.event_update(user=personas["coordinator"], event=event, organiser=units["council"])
    event.refresh_from_db()
    assert event.organiser == units["council"] and event.organiser_organisation is None


def test_bad_changes_are_refused_and_nothing_changes(process, coordinator):
    event = make_event(process)
    with pytest.raises(ApplicationError):
        services.event_update(user=coordinator, event=event, ends_at=event.starts_at - datetime.timedelta(hours=1))
    event.refresh_from_db()
    assert event.sequence == 0 and audit_actions(event) == []


# Cancel, mark held ------------------------------------------------------------------------------------------


def test_cancel_needs_a_reason_raises_the_sequence_and_tells_the_registered(process, coordinator, monkeypatch):
    told = []
    monkeypatch.setattr(services, "registrations_notify_cancelled", lambda *, event: told.append(event))
    event = make_event(process)
    with pytest.raises(ApplicationError) as caught:
        services.event_cancel(user=coordinator, event=event, reason="")
    assert caught.value.field_errors == {"reason": gettext("Please say why the event is cancelled.")}
    services.event_cancel(user=coordinator, event=event, reason="Die Referentin ist krank.")
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED and event.sequence == 1 and event.cancelled_at is not None
    assert event.cancel_reason == "Die Referentin ist krank."
    assert [e.pk for e in told] == [event.pk]
    assert audit_actions(event) == ["event.cancelled"]


@pytest.mark.parametrize("state", [EventState.PROPOSED, EventState.DECLINED, EventState.CANCELLED, EventState.HELD])
def test_only_planned_events_are_cancelled(process, coordinator, state):
    event = make_event(process, state=state)
    with pytest.raises(Conflict):
        services.event_cancel(user=coordinator, event=event, reason="Grund")


def test_organiser_cannot_cancel_their_proposal_before_approval(process, personas, units):
    event = make_event(process, state=EventState.PROPOSED, organiser=units["organisation"])
    with pytest.raises(Conflict):
        services.event_cancel(user=personas["organisation_representative"], event=event, reason="Doch nicht")


def test_mark_held_once_begun(process, personas, units):
    event = make_event(process, organiser=units["council"])
    with pytest.raises(Conflict) as caught:
        services.event_mark_held(user=personas["district_council_member"], event=event)
    assert caught.value.message == gettext("An event can be marked as held once it has begun.")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3), ends_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.event_mark_held(user=personas["district_council_member"], event=event)
    event.refresh_from_db()
    assert event.state == EventState.HELD and event.sequence == 1
    with pytest.raises(Conflict):
        services.event_mark_held(user=personas["district_council_member"], event=event)
    assert audit_actions(event) == ["event.held"]


@pytest.mark.parametrize("role", ["participant", "evaluator", "organisation_representative"])
def test_others_do_not_mark_held(process, personas, role):
    event = make_event(process, days=-1)
    with pytest.raises(NotAllowed):
        services.event_mark_held(user=personas[role], event=event)


# Translations --------------------------------------------------------------------------------------------------


def test_translation_of_title_and_cancel_reason(process, coordinator):
    event = make_event(process, state=EventState.CANCELLED)
    services.event_translation_set(user=coordinator, event=event, field="title", language="ar", text="حوار الحي")
    services.event_translation_set(user=coordinator, event=event, field="cancel_reason", language="tr", text="Hastalık")
    rows = ContentTranslation.objects.filter(object_id=event.pk).order_by("field")
    assert [(row.field, row.language, row.state) for row in rows] == [
        ("cancel_reason", "tr", "checked"),
        ("title", "ar", "checked"),
    ]


@pytest.mark.parametrize(
    ("field", "language", "text", "error_field"),
    [
        ("title", "xx", "Text", "language"),
        ("title", "de", "Text", "language"),
        ("created_by", "ar", "Text", "field"),
        ("cancel_reason", "ar", "Text", "field"),  # planned: there is no reason to translate
        ("title", "ar", "  ", "text"),
    ],
)
def test_bad_translations_are_refused(process, coordinator, field, language, text, error_field):
    event = make_event(process)
    with pytest.raises(ApplicationError) as caught:
        services.event_translation_set(user=coordinator, event=event, field=field, language=language, text=text)
    assert error_field in caught.value.field_errors
    assert not ContentTranslation.objects.filter(object_id=event.pk).exists()


def test_participants_do_not_translate(process, participant):
    with pytest.raises(NotAllowed):
        services.event_translation_set(
            user=participant, event=make_event(process), field="title", language="ar", text="x"
        )


# Cache versions --------------------------------------------------------------------------------------------


def test_every_write_makes_the_public_pages_and_figures_stale(
    process, coordinator, units, django_capture_on_commit_callbacks
):
    def versions(event_id):
        return (
            cache_version(EVENTS_NAMESPACE, process.pk),
            cache_version(EVENT_NAMESPACE, event_id),
            cache_version(FIGURES_NAMESPACE, process.pk),
        )

    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_create(
            user=coordinator, process=process, organiser=units["department"], **event_details(process)
        )
    steps = [
        lambda: services.event_update(user=coordinator, event=event, title="Neu"),
        lambda: services.event_translation_set(user=coordinator, event=event, field="title", language="en", text="New"),
        lambda: services.event_cancel(user=coordinator, event=event, reason="Krank"),
    ]
    for step in steps:
        before = versions(event.pk)
        with django_capture_on_commit_callbacks(execute=True):
            step()
        after = versions(event.pk)
        assert all(new != old for new, old in zip(after, before, strict=True))


def test_event_types_map_to_contribution_channels(process, personas):
    assert make_event(process, type=EventType.WORLD_CAFE).channel == "workshop"
    assert make_event(process, type=EventType.COUNCIL_SESSION).channel == "district_council"


# Mails about proposals -----------------------------------------------------------------------------------------


def test_coordinators_hear_of_a_proposal_and_the_proposer_of_the_decision(
    process, personas, django_capture_on_commit_callbacks, mailoutbox
):
    from django.utils import translation

    coordinator, representative = personas["coordinator"], personas["organisation_representative"]
    coordinator.preferred_language = "en"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_propose(user=representative, process=process, **event_details(process))
    [mail] = mailoutbox
    assert mail.to == [coordinator.email] and mail.extra_headers["Content-Language"] == "en"
    assert "Stadtteildialog Mitte" in mail.body and f"/verwaltung/veranstaltungen/{event.pk}/" in mail.body
    with translation.override("en"):
        assert gettext("An event was proposed") in mail.subject
    with django_capture_on_commit_callbacks(execute=True):
        services.event_decline(user=coordinator, event=event, reason="Am selben Abend tagt der Beirat.")
    declined = mailoutbox[-1]
    assert declined.to == [representative.email] and "Am selben Abend tagt der Beirat." in declined.body
    second = services.event_propose(user=representative, process=process, **event_details(process))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_approve(user=coordinator, event=second)
    assert [mail.to for mail in mailoutbox] == [[representative.email]]
    assert gettext("Your event proposal was approved") in mailoutbox[0].subject


def test_more_places_move_the_waiting_list_up(process, coordinator, personas):
    from teilhabe.events.models import Registration, RegistrationState

    event = make_event(process, capacity=1)
    for number, state in enumerate([RegistrationState.CONFIRMED, RegistrationState.WAITING, RegistrationState.WAITING]):
        Registration.objects.create(
            event=event,
            name=f"P{number}",
            email=f"p{number}@example.org",
            language="de",
            state=state,
            token=f"t{number}",
        )
    services.event_update(user=coordinator, event=event, capacity=2)
    states = list(Registration.objects.order_by("pk").values_list("state", flat=True))
    assert states == [RegistrationState.CONFIRMED, RegistrationState.CONFIRMED, RegistrationState.WAITING]
    services.event_update(user=coordinator, event=event, capacity=None)
    assert not Registration.objects.filter(state=RegistrationState.WAITING).exists()
