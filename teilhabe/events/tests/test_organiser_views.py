"""The organisers' workspace pages: who sees which page (404 for an event one does not manage, 403 for a step one
may not take, 409 for a step the event's state refuses), every form's good and bad input (4xx, never 500, nothing
saved), and the navigation's link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from teilhabe.core.models import AuditEntry
from teilhabe.events.models import AttendanceCount, Event, EventState
from teilhabe.events.tests.organiser_support import client_of, make_event, organisers, outsiders

pytestmark = pytest.mark.django_db


def url(name, event=None, **kwargs):
    if event is not None:
        kwargs["pk"] = event.pk
    return reverse(f"events:{name}", kwargs=kwargs)


@pytest.fixture
def units(personas):
    return organisers(personas)


@pytest.fixture
def others(personas, city):
    return outsiders(city)


def form_data(process, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "type": "district_dialogue",
        "title": "Stadtteildialog Nord",
        "description": "Gemeinsam über Nachbarschaft sprechen.",
        "starts_at": start.strftime("%Y-%m-%dT18:00"),
        "ends_at": start.strftime("%Y-%m-%dT20:00"),
        "venue_name": "Freizeitheim",
        "venue_address": "Weg 3",
        "district": str(process.city.districts.get(number=2).pk),
        "step_free": "on",
        "languages": ["ar", "tr"],
        "fields_of_action": [str(process.fields_of_action.first().pk)],
        "takes_registrations": "on",
        "capacity": "30",
    }
    data.update(overrides)
    return data


# The workspace and the navigation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("department_staff", 200),
        ("department_head", 200),
        ("organisation_representative", 200),
        ("district_council_member", 200),
        ("participant", 403),
        ("evaluator", 403),
        ("administrator", 403),
        ("jury_member", 403),
    ],
)
def test_workspace_is_for_those_who_plan_or_organise(personas, role, status):
    response = client_of(personas[role]).get(url("manage"))
    assert response.status_code == status
    nav_link = f'href="{url("manage")}"'
    home = client_of(personas[role]).get(reverse("core:how_to"))
    assert (nav_link in home.content.decode()) == (status == 200)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(url("manage"))
    assert response.status_code == 302 and "konto" in response["Location"]


def test_coordinator_sees_proposals_first_and_every_event_of_the_process(process, personas, units):
    proposal = make_event(process, state=EventState.PROPOSED, organiser=units["organisation"], title="Vorschlag")
    planned = make_event(process, organiser=units["council"], title="Geplant")
    past = make_event(process, state=EventState.HELD, days=-5, title="Vorbei")
    page = client_of(personas["coordinator"]).get(url("manage")).content.decode()
    assert page.index("Vorschlag") < page.index("Geplant") < page.index("Vorbei")
    for event in (proposal, planned, past):
        assert url("manage_event", event) in page
    assert url("manage_create", slug=process.slug) in page


def test_organisers_see_only_their_units_events(process, personas, units):
    mine = make_event(process, organiser=units["organisation"], title="Unser Treffen")
    theirs = make_event(process, organiser=units["council"], title="Beiratssitzung")
    page = client_of(personas["organisation_representative"]).get(url("manage")).content.decode()
    assert "Unser Treffen" in page and "Beiratssitzung" not in page
    assert url("manage_event", mine) in page and url("manage_event", theirs) not in page
    assert url("manage_propose", slug=process.slug) in page and url("manage_create", slug=process.slug) not in page


def test_workspace_queries_do_not_grow_with_events(process, personas, units, django_assert_max_num_queries):
    client = client_of(personas["coordinator"])
    for index in range(3):
        make_event(process, title=f"Veranstaltung {index}", organiser=units["council"])
    client.get(url("manage"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("manage"))
    for index in range(12):
        make_event(process, title=f"Mehr {index}", days=index + 1, organiser=units["organisation"])
        make_event(process, title=f"Alt {index}", state=EventState.HELD, days=-index - 1)
    with django_assert_max_num_queries(len(few)):
        client.get(url("manage"))


def test_workspace_lists_page_through_everything(process, personas):
    for index in range(30):
        make_event(process, title=f"Termin {index:02d}", days=index + 1)
    client = client_of(personas["coordinator"])
    page = client.get(url("manage_list", which="kommende"))
    assert page.status_code == 200 and "Termin 00" in page.content.decode()
    assert client.get(url("manage_list", which="kommende") + "?page=2").status_code == 200
    assert client.get(url("manage_list", which="kommende") + "?page=99").status_code == 404
    assert client.get(url("manage_list", which="kommende") + "?page=abc").status_code == 404
    assert client.get(url("manage_list", which="irgendwas")).status_code == 404
    assert client_of(personas["participant"]).get(url("manage_list", which="vergangene")).status_code == 404


# Plan and propose ----------------------------------------------------------------------------------------------


def test_coordinator_plans_an_event_through_the_form(process, personas, units):
    client = client_of(personas["coordinator"])
    page = client.get(url("manage_create", slug=process.slug))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset" in html and "<legend>" in html and 'type="datetime-local"' in html
    response = client.post(
        url("manage_create", slug=process.slug),
        form_data(process, organiser=f"council:{units['council'].pk}"),
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == url("manage_event", event)
    assert event.state == EventState.PLANNED and event.organiser == units["council"]
    assert timezone.localtime(event.starts_at).hour == 18
    assert sorted(event.languages.values_list("language", flat=True)) == ["ar", "tr"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2020-01-01T10:00"}, "ends_at"),
        ({"starts_at": "morgen"}, "starts_at"),
        ({"title": ""}, "title"),
        ({"languages": ["xx"]}, "languages"),
        ({"district": "999999999999999999999999"}, "district"),
        ({"fields_of_action": ["abc"]}, "fields_of_action"),
        ({"capacity": "-3"}, "capacity"),
        ({"organiser": "department:abc"}, "organiser"),
        ({"organiser": ""}, "organiser"),
        ({"latitude": "52.1"}, "longitude"),
    ],
)
def test_bad_input_answers_400_with_the_form_and_saves_nothing(process, personas, units, overrides, field):
    data = form_data(process, **{"organiser": f"department:{units['department'].pk}", **overrides})
    response = client_of(personas["coordinator"]).post(url("manage_create", slug=process.slug), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", ["organisation_representative", "participant", "department_staff"])
def test_only_coordinators_open_the_planning_form(process, personas, role):
    assert client_of(personas[role]).get(url("manage_create", slug=process.slug)).status_code == 403


def test_unknown_process_answers_404(personas):
    assert client_of(personas["coordinator"]).get(url("manage_create", slug="gibt-es-nicht")).status_code == 404


def test_council_member_proposes_for_their_council(process, personas, units):
    client = client_of(personas["district_council_member"])
    page = client.get(url("manage_propose", slug=process.slug))
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["organiser"].choices)
    assert list(choices) == ["", f"council:{units['council'].pk}"]
    response = client.post(url("manage_propose", slug=process.slug), form_data(process))
    event = Event.objects.get()
    assert response.status_code == 302 and event.state == EventState.PROPOSED
    assert event.organiser == units["council"]
    page = client.get(url("manage_event", event)).content.decode()
    assert gettext("This proposal waits for a coordinator's approval. It is not public yet.") in page


def test_representative_cannot_slip_in_another_organisation(process, personas, others):
    response = client_of(personas["organisation_representative"]).post(
        url("manage_propose", slug=process.slug),
        form_data(process, organiser=f"organisation:{others['other_organisation'].pk}"),
    )
    assert response.status_code == 400 and not Event.objects.exists()


@pytest.mark.parametrize("role", ["participant", "coordinator", "department_staff"])
def test_others_cannot_propose(process, personas, role):
    assert client_of(personas[role]).get(url("manage_propose", slug=process.slug)).status_code == 403


# The event's page and its steps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("organisation_representative", 200),
        ("district_council_member", 404),
        ("department_staff", 404),
        ("participant", 404),
        ("other_representative", 404),
    ],
)
def test_event_page_is_for_those_who_manage_it(process, personas, units, others, who, status):
    event = make_event(process, organiser=units["organisation"])
    user = personas.get(who) or others[who]
    assert client_of(user).get(url("manage_event", event)).status_code == status


@pytest.mark.parametrize("pk", ["abc", "0", "007", "99999999999999999999999"])
def test_bad_ids_answer_404(personas, pk):
    client = client_of(personas["coordinator"])
    assert client.get(reverse("events:manage_event", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("events:attachment", kwargs={"pk": pk})).status_code == 404


def test_coordinator_approves_and_declines_from_the_page(process, personas, units):
    client = client_of(personas["coordinator"])
    first = make_event(process, state=EventState.PROPOSED, organiser=units["organisation"])
    second = make_event(process, state=EventState.PROPOSED, organiser=units["council"])
    page = client.get(url("manage_event", first)).content.decode()
    assert url("manage_approve", first) in page and url("manage_decline", first) in page
    assert client.post(url("manage_approve", first)).status_code == 302
    response = client.post(url("manage_decline", second), {"reason": ""})
    assert response.status_code == 400
    assert client.post(url("manage_decline", second), {"reason": "Der Termin passt nicht."}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (EventState.PLANNED, EventState.DECLINED)
    response = client.post(url("manage_approve", first))
    assert response.status_code == 409
    assert escape(gettext("This step was not taken")) in response.content.decode()


def test_organiser_cannot_approve_their_own_proposal(process, personas, units):
    event = make_event(process, state=EventState.PROPOSED, organiser=units["organisation"])
    client = client_of(personas["organisation_representative"])
    assert url("manage_approve", event) not in client.get(url("manage_event", event)).content.decode()
    assert client.post(url("manage_approve", event)).status_code == 403
    event.refresh_from_db()
    assert event.state == EventState.PROPOSED


def test_get_on_a_step_is_not_allowed(process, personas):
    event = make_event(process, state=EventState.PROPOSED)
    assert client_of(personas["coordinator"]).get(url("manage_approve", event)).status_code == 405


def test_edit_form_keeps_the_values_and_raises_the_sequence(process, personas, units):
    event = make_event(process, organiser=units["department"])
    client = client_of(personas["department_staff"])
    page = client.get(url("manage_edit", event))
    assert page.status_code == 200 and page.context["form"].initial["title"] == event.title
    data = form_data(process, organiser=f"department:{units['department'].pk}", title="Neuer Titel")
    assert client.post(url("manage_edit", event), data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Neuer Titel" and event.sequence == 1


@pytest.mark.parametrize("state", [EventState.CANCELLED, EventState.HELD, EventState.DECLINED])
def test_finished_events_cannot_be_edited(process, personas, state):
    event = make_event(process, state=state, days=-2)
    response = client_of(personas["coordinator"]).get(url("manage_edit", event))
    assert response.status_code == 409


def test_cancel_page_needs_a_reason(process, personas, units, monkeypatch):
    event = make_event(process, organiser=units["council"])
    client = client_of(personas["district_council_member"])
    assert client.get(url("manage_cancel", event)).status_code == 200
    response = client.post(url("manage_cancel", event), {"reason": "   "})
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.state == EventState.PLANNED
    assert client.post(url("manage_cancel", event), {"reason": "Der Saal ist gesperrt."}).status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED and event.sequence == 1
    assert client.get(url("manage_cancel", event)).status_code == 409


def test_mark_held_before_the_event_begins_is_refused(process, personas):
    event = make_event(process)
    client = client_of(personas["coordinator"])
    response = client.post(url("manage_held", event))
    assert response.status_code == 409
    assert escape(gettext("An event can be marked as held once it has begun.")) in response.content.decode()
    begun = make_event(process, days=-1)
    assert client.post(url("manage_held", begun)).status_code == 302
    begun.refresh_from_db()
    assert begun.state == EventState.HELD


def test_translation_form(process, personas):
    event = make_event(process)
    client = client_of(personas["coordinator"])
    response = client.post(url("manage_translate", event), {"field": "title", "language": "xx", "text": "x"})
    assert response.status_code == 400
    response = client.post(url("manage_translate", event), {"field": "title", "language": "ar", "text": "حوار"})
    assert response.status_code == 302
    assert "حوار" in client.get(url("manage_event", event)).content.decode()


# After the event -----------------------------------------------------------------------------------------------


def test_attendance_with_composition_marks_the_event_held(process, personas, units):
    event = make_event(process, days=-1, organiser=units["organisation"])
    client = client_of(personas["organisation_representative"])
    page = client.get(url("manage_attendance", event))
    assert page.status_code == 200
    district = process.city.districts.get(number=1)
    group = process.target_groups.first()
    data = {"total": "30", "age_band__18_29": "12", "age_band__65_plus": "5", f"district__{district.pk}": "20"}
    data[f"target_group__{group.pk}"] = "8"
    assert client.post(url("manage_attendance", event), data).status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.HELD and event.attendance_total == 30
    counts = set(AttendanceCount.objects.filter(event=event).values_list("dimension", "key", "count"))
    assert counts == {
        ("age_band", "18_29", 12),
        ("age_band", "65_plus", 5),
        ("district", str(district.pk), 20),
        ("target_group", str(group.pk), 8),
    }
    page = client.get(url("manage_event", event)).content.decode()
    assert "18 to 29" in page or gettext("18 to 29") in page


def test_attendance_sums_above_the_total_are_refused_with_the_numbers(process, personas):
    event = make_event(process, days=-1, state=EventState.HELD)
    client = client_of(personas["coordinator"])
    response = client.post(
        url("manage_attendance", event), {"total": "10", "age_band__18_29": "8", "age_band__30_44": "7"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "15" in html and "10" in html
    assert not AttendanceCount.objects.exists()
    event.refresh_from_db()
    assert event.attendance_total is None


@pytest.mark.parametrize(
    "data", [{"total": "-1"}, {"total": "abc"}, {"total": ""}, {"total": "5", "age_band__18_29": "x"}]
)
def test_attendance_bad_numbers(process, personas, data):
    event = make_event(process, days=-1, state=EventState.HELD)
    assert client_of(personas["coordinator"]).post(url("manage_attendance", event), data).status_code == 400


def test_attendance_of_a_future_or_cancelled_event_is_refused(process, personas):
    client = client_of(personas["coordinator"])
    assert client.get(url("manage_attendance", make_event(process))).status_code == 409
    cancelled = make_event(process, state=EventState.CANCELLED, days=-1)
    assert client.get(url("manage_attendance", cancelled)).status_code == 409
    assert client.post(url("manage_attendance", cancelled), {"total": "3"}).status_code == 409


def test_minutes_public_or_private(process, personas):
    event = make_event(process, days=-1, state=EventState.HELD)
    client = client_of(personas["department_staff"])
    assert client.get(url("manage_minutes", event)).status_code == 200
    assert client.post(url("manage_minutes", event), {"text": "Es kamen viele.", "public": "on"}).status_code == 302
    event.refresh_from_db()
    assert event.minutes == "Es kamen viele." and event.minutes_public
    assert client.post(url("manage_minutes", event), {"text": "Intern."}).status_code == 302
    event.refresh_from_db()
    assert not event.minutes_public
    assert AuditEntry.objects.filter(action="event.minutes_set", object_id=str(event.pk)).count() == 2


def test_outsiders_get_404_on_every_after_event_page(process, personas, others):
    event = make_event(process, days=-1, state=EventState.HELD)
    client = client_of(others["other_staff"])
    for name in ("manage_attendance", "manage_minutes", "manage_results", "manage_edit", "manage_cancel"):
        assert client.get(url(name, event)).status_code == 404, name
    for name in ("manage_held", "manage_approve", "manage_decline", "manage_translate", "manage_attachment_add"):
        assert client.post(url(name, event)).status_code == 404, name
