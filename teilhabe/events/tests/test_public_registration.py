"""Registration (issue 9, point 3): with an account or a confirmed address, capacity and the waiting list that
moves up by itself, cancellation by link or account, the mails in the registrant's language, reminders."""

import datetime
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone, translation
from django.utils.translation import gettext

from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.models import AuditEntry
from teilhabe.events import services
from teilhabe.events.models import EventState, Registration, RegistrationState
from teilhabe.events.selectors import door_list, event_places_left, registration_of, waiting_position
from teilhabe.events.tasks import registrations_event_cancelled
from teilhabe.events.tests.conftest import ANONYMOUS, mails_to, public_event

pytestmark = pytest.mark.django_db


def person(number: int, language: str = ""):
    user = user_create_verified(email=f"person{number}@example.org", password=PASSWORD)
    if language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def register(committed, event, user, **kwargs):
    return committed(services.registration_create, event=event, user=user, **kwargs)


def anonymous(committed, event, email="gast@example.org", language="de", **kwargs):
    return committed(
        services.registration_create,
        event=event,
        user=ANONYMOUS,
        name=kwargs.pop("name", "Gast Name"),
        email=email,
        language=language,
        **kwargs,
    )


def confirm(committed, registration):
    token = services.registration_confirmation_token(registration)
    return committed(services.registration_confirm_email, token=token)


def refresh(registration):
    registration.refresh_from_db()
    return registration


# With an account


def test_an_account_registers_with_one_click_and_gets_a_confirmation(committed, event, participant):
    registration = register(committed, event, participant)
    assert registration.state == RegistrationState.CONFIRMED
    assert registration.email == participant.email and registration.user == participant
    assert registration.confirmed_at is not None and len(registration.token) >= 40
    [message] = mails_to(participant.email)
    assert "Stadtteildialog Mitte" in message.subject
    assert registration.token in message.body  # the link to cancel
    assert event_places_left(event) == 1
    entry = AuditEntry.objects.get(action="registration.created")
    assert entry.data == {"event": event.pk, "state": "confirmed", "account": True}
    assert participant.email not in str(entry.data)


def test_when_full_the_next_one_waits_in_order(committed, event):
    people = [person(number) for number in range(4)]
    states = [register(committed, event, someone).state for someone in people]
    assert states == ["confirmed", "confirmed", "waiting", "waiting"]
    waiting = Registration.objects.filter(state="waiting").order_by("created_at", "id")
    assert [waiting_position(registration) for registration in waiting] == [1, 2]
    notice = mails_to(people[2].email)[0]
    assert "waiting list" in notice.subject.lower() or "Warteliste" in notice.subject
    assert "1" in notice.body


def test_an_event_without_limit_takes_everyone(committed, process, personas):
    event = public_event(process, capacity=None)
    assert all(register(committed, event, person(number)).state == "confirmed" for number in range(5))
    assert event_places_left(event) is None


BEGUN = "This event has already begun or taken place, so registration is closed."


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"state": EventState.CANCELLED}, "This event has been cancelled, so registration is closed."),
        ({"state": EventState.HELD, "days": -2}, BEGUN),
        ({"days": -1}, BEGUN),
        ({"takes_registrations": False}, "This event takes no registrations: you can simply come."),
        ({"state": EventState.PROPOSED}, "This event is not open for registration."),
    ],
)
def test_registration_is_refused_with_a_clear_message(committed, process, personas, participant, overrides, message):
    event = public_event(process, **overrides)
    with translation.override("de"), pytest.raises(Conflict) as refused:
        register(committed, event, participant)
    assert str(refused.value.message) == gettext(message)
    assert not Registration.objects.exists() and not mail.outbox


def test_the_same_address_cannot_register_twice(committed, event, participant):
    register(committed, event, participant)
    with translation.override("de"), pytest.raises(ApplicationError) as refused:
        anonymous(committed, event, email=participant.email.upper())
    assert refused.value.field_errors["email"] == gettext("This e-mail address is already registered for this event.")
    assert Registration.objects.count() == 1


def test_after_cancelling_the_address_may_register_again(committed, event, participant):
    registration = register(committed, event, participant)
    committed(services.registration_cancel, registration=registration, user=participant)
    assert register(committed, event, participant).state == "confirmed"


def test_needs_and_interpretation_are_checked(committed, event, participant):
    with pytest.raises(ApplicationError) as refused:
        register(committed, event, participant, needs=["step_free", "teleport"], interpretation_language="xx")
    assert set(refused.value.field_errors) == {"needs", "interpretation_language"}
    registration = register(
        committed,
        event,
        participant,
        needs=["step_free", "childcare", "step_free"],
        needs_text="  Ich komme mit Rollstuhl.\x00 ",
        interpretation_language="ku",  # not offered, but organisers may arrange it
    )
    assert registration.needs == ["step_free", "childcare"]
    assert registration.needs_text == "Ich komme mit Rollstuhl."
    assert registration.interpretation_language == "ku"


# Without an account


def test_anonymous_registration_waits_for_the_confirmed_address(committed, event):
    registration = anonymous(committed, event, email=" Gast@Example.org ")
    assert registration.state == RegistrationState.AWAITING_CONFIRMATION
    assert registration.email == "gast@example.org" and registration.user is None
    assert event_places_left(event) == 2  # no place before the address is confirmed
    [message] = mails_to("gast@example.org")
    assert "Gast Name" not in message.body  # nothing the registrant typed: anyone can type anyone's address
    assert "/veranstaltungen/anmeldung/bestaetigen/" in message.body
    registration = confirm(committed, registration)
    assert registration.state == RegistrationState.CONFIRMED
    assert event_places_left(event) == 1
    assert registration.token in mails_to("gast@example.org")[1].body
    assert confirm(committed, registration).state == RegistrationState.CONFIRMED  # twice is harmless
    assert len(mails_to("gast@example.org")) == 2


def test_anonymous_registration_needs_name_and_address(committed, event):
    with pytest.raises(ApplicationError) as refused:
        committed(services.registration_create, event=event, user=ANONYMOUS, name=" ", email="")
    assert set(refused.value.field_errors) == {"name", "email"}


def test_a_confirmed_address_on_a_full_event_waits(committed, event):
    early = anonymous(committed, event, email="a@example.org")
    register(committed, event, person(1))
    register(committed, event, person(2))
    assert confirm(committed, early).state == RegistrationState.WAITING


def test_confirmation_links_that_are_wrong_or_old(committed, event, settings):
    registration = anonymous(committed, event)
    with pytest.raises(NotFound):
        services.registration_confirm_email(token="nonsense")
    forged = signing.dumps({"r": registration.pk, "e": "other@example.org"}, salt=services.REGISTRATION_CONFIRM_SALT)
    with pytest.raises(NotFound):
        services.registration_confirm_email(token=forged)
    token = services.registration_confirmation_token(registration)
    later = timezone.now() + datetime.timedelta(days=settings.TEILHABE_UNCONFIRMED_DAYS + 1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        with pytest.raises(ApplicationError) as expired:
            services.registration_confirm_email(token=token)
    assert expired.value.status_code == 400
    assert refresh(registration).state == RegistrationState.AWAITING_CONFIRMATION


def test_confirming_after_the_event_was_cancelled_is_refused(committed, event):
    registration = anonymous(committed, event)
    event.state, event.cancel_reason = EventState.CANCELLED, "Krank"
    event.save()
    with pytest.raises(Conflict):
        confirm(committed, registration)


# Cancelling and the waiting list


def test_a_cancelled_place_goes_to_the_first_waiting_with_a_mail(committed, event):
    first, second, third, fourth = (person(number) for number in range(4))
    holder = register(committed, event, first)
    register(committed, event, second)
    waiting_first = register(committed, event, third)
    waiting_second = register(committed, event, fourth)
    mail.outbox.clear()
    committed(services.registration_cancel, registration=holder, token=holder.token)
    assert refresh(holder).state == RegistrationState.CANCELLED and holder.cancelled_at
    assert refresh(waiting_first).state == RegistrationState.CONFIRMED and waiting_first.promoted_at
    assert refresh(waiting_second).state == RegistrationState.WAITING
    assert waiting_position(waiting_second) == 1
    [moved_up] = mail.outbox
    assert moved_up.to == [third.email] and waiting_first.token in moved_up.body
    assert AuditEntry.objects.filter(action="registration.promoted", object_id=str(waiting_first.pk)).count() == 1
    assert AuditEntry.objects.get(action="registration.cancelled").data["by"] == "link"


def test_two_cancellations_never_move_up_the_same_person_nor_overfill(committed, event):
    """What two cancellations at once could do wrong, as far as SQLite lets a test show it: each takes the event's
    lock and counts again, so a stale copy of a registration cancelled twice frees one place only, and two
    different cancellations move up two different people."""
    people = [person(number) for number in range(5)]
    registrations = [register(committed, event, someone) for someone in people]
    holder_a, holder_b, waiting_1, waiting_2, waiting_3 = registrations
    stale_copy = Registration.objects.get(pk=holder_a.pk)
    committed(services.registration_cancel, registration=holder_a, user=people[0])
    committed(services.registration_cancel, registration=stale_copy, user=people[0])  # the same, again, at once
    assert [refresh(r).state for r in (waiting_1, waiting_2, waiting_3)] == ["confirmed", "waiting", "waiting"]
    committed(services.registration_cancel, registration=holder_b, token=holder_b.token)
    assert [refresh(r).state for r in (waiting_1, waiting_2, waiting_3)] == ["confirmed", "confirmed", "waiting"]
    assert Registration.objects.filter(event=event, state="confirmed").count() == event.capacity
    assert AuditEntry.objects.filter(action="registration.promoted").count() == 2
    assert len(mails_to(people[2].email)) == 2 and len(mails_to(people[3].email)) == 2  # waiting, then moved up


def test_the_promotion_takes_the_events_lock_first(committed, event, participant):
    registration = register(committed, event, participant)
    with mock.patch.object(services, "_event_locked", wraps=services._event_locked) as locked:
        committed(services.registration_cancel, registration=registration, user=participant)
    locked.assert_called_once_with(event.pk)


def test_waiting_people_move_up_when_places_are_added(committed, event):
    people = [person(number) for number in range(4)]
    for someone in people:
        register(committed, event, someone)
    event.capacity = 3
    event.save()
    promoted = committed(services.registrations_fill_places, event=event)
    assert [registration.user for registration in promoted] == [people[2]]
    assert committed(services.registrations_fill_places, event=event) == []


def test_only_the_person_may_cancel(committed, event, participant, personas):
    registration = register(committed, event, participant)
    for user, token in ((personas["coordinator"], ""), (ANONYMOUS, ""), (ANONYMOUS, "x" * 43)):
        with pytest.raises(NotAllowed):
            services.registration_cancel(registration=registration, user=user, token=token)
    assert refresh(registration).state == RegistrationState.CONFIRMED


def test_an_account_may_cancel_a_registration_made_with_its_address(committed, event, participant):
    registration = anonymous(committed, event, email=participant.email)
    confirm(committed, registration)
    assert registration_of(participant, event) == registration
    committed(services.registration_cancel, registration=registration, user=participant)
    assert refresh(registration).state == RegistrationState.CANCELLED


def test_no_cancelling_after_the_start(committed, event, participant):
    registration = register(committed, event, participant)
    event.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    event.save()
    with pytest.raises(Conflict):
        services.registration_cancel(registration=registration, user=participant)


def test_door_list_order(committed, event):
    people = [person(number) for number in range(4)]
    for someone in people:
        register(committed, event, someone)
    anonymous(committed, event, email="later@example.org")
    door = door_list(event)
    assert [r.user for r in door.confirmed] == people[:2]
    assert [(r.user, r.position) for r in door.waiting] == [(people[2], 1), (people[3], 2)]
    assert [r.email for r in door.unconfirmed] == ["later@example.org"]
    assert len(door.rows) == 5


# Mails in the registrant's language


def test_mails_are_in_the_registrants_language(committed, event):
    arabic = person(1, language="ar")
    register(committed, event, arabic)
    anonymous(committed, event, email="tr@example.org", language="tr")
    anonymous(committed, event, email="weird@example.org", language="xx")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[arabic.email].extra_headers["Content-Language"] == "ar"
    assert 'dir="rtl"' in by_address[arabic.email].alternatives[0][0]
    assert by_address["tr@example.org"].extra_headers["Content-Language"] == "tr"
    assert by_address["weird@example.org"].extra_headers["Content-Language"] == "de"
    with translation.override("ar"):
        assert gettext("Hello,") in by_address[arabic.email].body


def test_the_mail_shows_the_time_in_berlin(committed, process, personas, participant):
    start = datetime.datetime(2031, 7, 1, 16, 0, tzinfo=datetime.UTC)  # 18:00 in Berlin (summer time)
    event = public_event(process, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    register(committed, event, participant)
    body = mails_to(participant.email)[0].body
    assert "18:00" in body and "20:00" in body and "16:00" not in body


# A cancelled event


def test_everyone_registered_hears_of_the_cancellation_once(committed, event, personas):
    arabic, german = person(1, language="ar"), person(2)
    register(committed, event, arabic)
    register(committed, event, german)
    waiting = register(committed, event, person(3))
    unconfirmed = anonymous(committed, event, email="unconfirmed@example.org")
    mail.outbox.clear()
    committed(services.event_cancel, user=personas["coordinator"], event=event, reason="Der Saal ist gesperrt.")
    assert sorted(message.to[0] for message in mail.outbox) == sorted([arabic.email, german.email, waiting.email])
    assert all("Der Saal ist gesperrt." in message.body for message in mail.outbox)
    assert {message.extra_headers["Content-Language"] for message in mail.outbox} == {"ar", "de"}
    assert set(Registration.objects.values_list("state", flat=True)) == {"cancelled"}
    assert refresh(unconfirmed).state == "cancelled"
    entry = AuditEntry.objects.get(action="event.registrations_cancelled")
    assert entry.data == {"counts": {"confirmed": 2, "waiting": 1, "awaiting_confirmation": 1}}
    assert registrations_event_cancelled.call(event_id=event.pk) == 0  # a second run sends nothing
    services.registrations_housekeeping()
    assert len(mail.outbox) == 3


def test_housekeeping_sends_the_notices_a_worker_left(committed, event, personas, participant):
    register(committed, event, participant)
    mail.outbox.clear()
    with mock.patch.object(services, "registrations_notify_cancelled"):
        committed(services.event_cancel, user=personas["coordinator"], event=event, reason="Sturm")
    assert not mail.outbox
    services.registrations_housekeeping()
    assert [message.to for message in mail.outbox] == [[participant.email]]


# Reminders


def test_reminders_go_out_once_the_day_before(committed, process, personas, settings):
    settings.TEILHABE_EVENT_REMINDER_HOURS = 24
    tomorrow = public_event(process, days=3, capacity=None)
    later = public_event(process, days=10, capacity=None)
    people = [person(number) for number in range(3)]
    register(committed, tomorrow, people[0])
    register(committed, tomorrow, people[1])
    register(committed, later, people[2])
    committed(services.registration_cancel, registration=Registration.objects.get(user=people[1]), user=people[1])
    mail.outbox.clear()
    in_two_days = timezone.now() + datetime.timedelta(days=2, hours=1)
    assert services.registration_reminders_send(now=in_two_days) == 1
    assert services.registration_reminders_send(now=in_two_days) == 0  # safe to run twice
    [reminder] = mail.outbox
    assert reminder.to == [people[0].email]
    assert "Stadtteildialog Mitte" in reminder.subject


def test_no_reminder_for_who_registers_within_the_day(committed, process, personas, participant):
    soon = public_event(process, days=0.5)
    register(committed, soon, participant)
    assert services.registration_reminders_send() == 0
    assert len(mails_to(participant.email)) == 1


# A new time or place


def test_a_new_time_or_place_is_told_to_everyone_registered_once(committed, process, personas, settings):
    settings.TEILHABE_EVENT_REMINDER_HOURS = 24
    event = public_event(process, days=3, capacity=1)
    holder, waiting = person(1, "tr"), person(2)
    register(committed, event, holder)
    register(committed, event, waiting)
    unconfirmed = anonymous(committed, event, email="neu@example.org")
    in_two_days = timezone.now() + datetime.timedelta(days=2, hours=1)
    assert services.registration_reminders_send(now=in_two_days) == 1  # the holder's reminder for the old date
    mail.outbox.clear()
    coordinator = personas["coordinator"]
    later = event.starts_at + datetime.timedelta(days=1)
    committed(
        services.event_update,
        user=coordinator,
        event=event,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=2),
    )
    assert sorted(message.to[0] for message in mail.outbox) == [holder.email, waiting.email]
    [notice] = mails_to(holder.email)
    with translation.override("tr"):
        assert notice.subject.endswith(
            str(services.MAIL_SUBJECTS["event_changed"] % {"title": "Stadtteildialog Mitte"})
        )
    assert refresh(unconfirmed).notified_version == refresh(event).time_place_version == 1
    assert AuditEntry.objects.filter(action="event.registrants_told_of_change").count() == 1
    # Safe to run twice; a title change alone tells nobody.
    mail.outbox.clear()
    assert services.registrations_event_changed_run(event_id=event.pk) == 0
    committed(services.event_update, user=coordinator, event=refresh(event), title="Stadtteildialog Mitte (neu)")
    assert not mail.outbox
    # The reminder comes again before the new date.
    assert services.registration_reminders_send(now=later - datetime.timedelta(hours=2)) == 1


def test_housekeeping_sends_the_change_notices_a_worker_left(committed, event, personas, participant):
    register(committed, event, participant)
    mail.outbox.clear()
    with mock.patch.object(services, "registrations_notify_changed"):
        committed(services.event_update, user=personas["coordinator"], event=event, venue_name="Rathaus")
    assert not mail.outbox
    services.registrations_housekeeping()
    services.registrations_housekeeping()
    assert [message.to for message in mail.outbox] == [[participant.email]]
    assert "Rathaus" in mail.outbox[0].body
