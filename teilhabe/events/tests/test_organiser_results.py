"""An event's results become contributions: entered several at once by the organisers, with the event's channel,
date and provenance; published at once by a coordinator, moderated when another organiser enters them; then listed,
searched, supported, commented and routed exactly like online contributions."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from teilhabe.administration import services as answers
from teilhabe.administration.models import Department, Routing
from teilhabe.contributions import services as contributions
from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE
from teilhabe.core.cache_versions import cache_version
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events import services
from teilhabe.events.models import EventState, EventType
from teilhabe.events.tests.organiser_support import client_of, make_event, organisers, outsiders
from teilhabe.monitoring.metrics import contributions_by_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(process, personas):
    """A district dialogue held two days ago, organised by the personas' organisation."""
    return make_event(process, state=EventState.HELD, days=-2, organiser=organisers(personas)["organisation"])


def flipcharts(process, count=15, **overrides):
    fields = list(process.fields_of_action.all())
    rows = []
    for number in range(1, count + 1):
        row = {
            "title": f"Flipchart {number}: Sprachkurse am Abend",
            "body": f"Ergebnis von Tisch {number}: Kurse nach der Arbeit, mit Kinderbetreuung.",
            "fields_of_action": [fields[number % len(fields)]],
            "district": process.city.districts.get(number=1) if number % 2 else None,
            "group_size": 4 + number % 3,
            "language": "de",
            "publication_consent": True,
        }
        row.update(overrides)
        rows.append(row)
    return rows


def test_coordinator_enters_15_flipcharts_published_at_once_with_provenance(process, personas, held):
    coordinator = personas["coordinator"]
    made = services.event_results_enter(user=coordinator, event=held, results=flipcharts(process))
    assert len(made) == 15
    rows = Contribution.objects.filter(event=held)
    assert rows.count() == 15
    assert set(rows.values_list("channel", flat=True)) == {Channel.WORKSHOP}  # a district dialogue's channel
    assert set(rows.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert set(rows.values_list("entered_by", flat=True)) == {coordinator.pk}
    assert set(rows.values_list("original_date", flat=True)) == {timezone.localdate(held.starts_at)}
    assert sorted(set(rows.values_list("group_size", flat=True))) == [4, 5, 6]
    assert rows.filter(author__isnull=True).count() == 15
    entry = AuditEntry.objects.get(action="event.results_entered", object_id=str(held.pk))
    assert sorted(entry.data["contributions"]) == sorted(contribution.pk for contribution in made)
    created = AuditEntry.objects.filter(action="contribution.created", object_id=str(made[0].pk)).get()
    assert created.data["event"] == held.pk and created.data["channel"] == "workshop"
    assert contributions_by_channel(process=process) == {"workshop": 15}


@pytest.mark.parametrize(
    ("event_type", "channel"),
    [(EventType.INFO_STAND, "info_stand"), (EventType.COUNCIL_SESSION, "district_council")]
    + [(EventType.EXPERT_GROUP, "expert_group"), (EventType.OTHER, "other")],
)
def test_the_channel_is_the_event_types(process, personas, event_type, channel):
    event = make_event(process, state=EventState.HELD, days=-1, type=event_type)
    [result] = services.event_results_enter(user=personas["coordinator"], event=event, results=flipcharts(process, 1))
    assert result.channel == channel


@pytest.mark.parametrize(
    "role", ["organisation_representative"]
)  # the organising organisation's representative (not a coordinator)
def test_another_organisers_results_wait_for_the_moderation(process, personas, held, role):
    made = services.event_results_enter(user=personas[role], event=held, results=flipcharts(process, 3))
    assert {contribution.status for contribution in made} == {Status.IN_MODERATION}
    assert {contribution.entered_by_id for contribution in made} == {personas[role].pk}
    moderation = client_of(personas["coordinator"]).get(
        reverse("contributions:moderation", kwargs={"slug": process.slug})
    )
    assert made[0].title in moderation.content.decode()
    contributions.contribution_moderate(contribution=made[0], user=personas["coordinator"], publish=True)
    made[0].refresh_from_db()
    assert made[0].status == Status.PUBLISHED


def test_without_consent_a_result_is_kept_unpublished_but_answered(process, personas, held):
    [result] = services.event_results_enter(
        user=personas["coordinator"], event=held, results=flipcharts(process, 1, publication_consent=False)
    )
    assert result.status == Status.IN_MODERATION and not result.publication_consent
    department = Department.objects.get(code="50")
    answers.routing_route(user=personas["coordinator"], process=process, contributions=[result], lead=department)
    assert Routing.objects.filter(contribution=result, department=department).exists()


def test_one_bad_result_saves_none_and_names_it(process, personas, held):
    rows = flipcharts(process, 4)
    rows[2]["title"] = "  "
    rows[3]["fields_of_action"] = []
    with pytest.raises(ApplicationError) as caught:
        services.event_results_enter(user=personas["coordinator"], event=held, results=rows)
    assert caught.value.field_errors == {
        "2-title": gettext("Please enter a title."),
        "3-fields_of_action": gettext("Please choose at least one field of action."),
    }
    assert not Contribution.objects.exists()
    assert not AuditEntry.objects.filter(action="contribution.created").exists()


def test_results_need_a_held_event(process, personas):
    planned = make_event(process, days=-1)
    with pytest.raises(Conflict) as caught:
        services.event_results_enter(user=personas["coordinator"], event=planned, results=flipcharts(process, 1))
    assert caught.value.message == gettext(
        "Results are entered once the event is marked as held. This event is: %(state)s."
    ) % {"state": planned.get_state_display()}
    with pytest.raises(ApplicationError):
        services.event_results_enter(
            user=personas["coordinator"], event=make_event(process, state=EventState.HELD, days=-1), results=[]
        )


def test_outsiders_enter_no_results(process, personas, held, city):
    others = outsiders(city)
    for user in (personas["participant"], personas["district_council_member"], others["other_representative"]):
        with pytest.raises(NotAllowed):
            services.event_results_enter(user=user, event=held, results=flipcharts(process, 1))
    assert not Contribution.objects.exists()


def test_record_analog_with_an_event_asks_the_events_permission_and_takes_its_channel(process, personas, held):
    """``contribution_record_analog(event=...)`` directly: the channel given is overridden, the original's date is
    the event's, a participant is refused even for an event of the process."""
    data = {
        "process": process,
        "channel": Channel.LETTER,
        "title": "Ergebnis",
        "body": "Text",
        "fields_of_action": [process.fields_of_action.first()],
        "publication_consent": True,
        "event": held,
        "original_date": timezone.localdate() - datetime.timedelta(days=30),
    }
    with pytest.raises(NotAllowed):
        contributions.contribution_record_analog(user=personas["participant"], **data)
    result = contributions.contribution_record_analog(user=personas["organisation_representative"], **data)
    assert (result.channel, result.event, result.original_date) == (
        Channel.WORKSHOP,
        held,
        timezone.localdate(held.starts_at),
    )
    from teilhabe.conftest import make_process

    other = make_process(process.city, slug="anderer")
    with pytest.raises(ApplicationError):
        contributions.contribution_record_analog(user=personas["coordinator"], **{**data, "process": other})


# Like online contributions ---------------------------------------------------------------------------------------


def test_results_are_listed_searched_supported_and_commented_like_online_ones(client, process, personas, held):
    made = services.event_results_enter(user=personas["coordinator"], event=held, results=flipcharts(process, 2))
    list_url = reverse("contributions:list", kwargs={"slug": process.slug})
    listed = client.get(list_url)
    ids = [card.pk for card in listed.context["page"].object_list]
    assert sorted(ids) == sorted(contribution.pk for contribution in made)
    by_channel = client.get(list_url + "?" + urlencode({"channel": "workshop"}))
    assert len(by_channel.context["page"].object_list) == 2
    found = client.get(list_url + "?" + urlencode({"q": "Kinderbetreuung Tisch"}))
    assert len(found.context["page"].object_list) == 2
    participant = personas["participant"]
    assert contributions.support_add(contribution=made[0], user=participant)
    contributions.comment_create(contribution=made[0], user=participant, body="Gute Idee")
    made[0].refresh_from_db()
    assert made[0].support_count == 1 and made[0].comment_count == 1


def test_the_results_page_names_its_event_and_who_entered_it(client, process, personas, held):
    [result] = services.event_results_enter(user=personas["coordinator"], event=held, results=flipcharts(process, 1))
    page = client.get(reverse("contributions:detail", kwargs={"pk": result.pk})).content.decode()
    assert reverse("events:detail", kwargs={"pk": held.pk}) in page and held.title in page
    assert personas["coordinator"].public_name in page
    assert gettext("Entered by") in page


def test_a_new_event_title_makes_its_results_pages_stale(process, personas, django_capture_on_commit_callbacks):
    event = make_event(process, state=EventState.HELD, days=-1)
    [result] = services.event_results_enter(user=personas["coordinator"], event=event, results=flipcharts(process, 1))
    before = cache_version(CONTRIBUTION_NAMESPACE, result.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_translation_set(
            user=personas["coordinator"], event=event, field="title", language="ar", text="حوار"
        )
    assert cache_version(CONTRIBUTION_NAMESPACE, result.pk) != before


# The results form ------------------------------------------------------------------------------------------------


def formset_data(process, rows, *, total=None):
    data = {
        "ergebnis-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "ergebnis-INITIAL_FORMS": "0",
        "ergebnis-MIN_NUM_FORMS": "0",
        "ergebnis-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"ergebnis-{index}-{name}"] = value
    return data


def form_row(process, number, **overrides):
    row = {
        "title": f"Tisch {number}",
        "body": "Mehr Kurse am Abend.",
        "fields_of_action": [str(process.fields_of_action.first().pk)],
        "group_size": "5",
        "language": "de",
        "publication_consent": "on",
    }
    row.update(overrides)
    return row


def test_fifteen_rows_at_once_through_the_form(process, personas, held):
    client = client_of(personas["coordinator"])
    url = reverse("events:manage_results", kwargs={"pk": held.pk})
    page = client.get(url + "?zeilen=15")
    assert page.status_code == 200 and len(page.context["formset"].forms) == 15
    rows = [form_row(process, number) for number in range(1, 16)]
    response = client.post(url + "?zeilen=15", formset_data(process, rows))
    assert response.status_code == 302
    assert Contribution.objects.filter(event=held, status=Status.PUBLISHED).count() == 15


def test_empty_rows_are_left_out_and_a_bad_row_answers_400(process, personas, held):
    client = client_of(personas["organisation_representative"])
    url = reverse("events:manage_results", kwargs={"pk": held.pk})
    rows = [form_row(process, 1), {"language": "de"}, form_row(process, 3, title="")]
    response = client.post(url, formset_data(process, rows))
    assert response.status_code == 400 and not Contribution.objects.exists()
    assert 'class="error-summary"' in response.content.decode()
    rows = [form_row(process, 1), {"language": "de"}]
    assert client.post(url, formset_data(process, rows)).status_code == 302
    assert Contribution.objects.get().status == Status.IN_MODERATION


@pytest.mark.parametrize(
    "data",
    [
        {},  # no management form
        {"ergebnis-TOTAL_FORMS": "abc", "ergebnis-INITIAL_FORMS": "0"},
        {"ergebnis-TOTAL_FORMS": "0", "ergebnis-INITIAL_FORMS": "0"},  # nothing to save
    ],
)
def test_tampered_or_empty_forms_answer_400(process, personas, held, data):
    response = client_of(personas["coordinator"]).post(reverse("events:manage_results", kwargs={"pk": held.pk}), data)
    assert response.status_code == 400 and not Contribution.objects.exists()


def test_too_many_rows_are_refused(process, personas, held):
    rows = [form_row(process, number) for number in range(60)]
    response = client_of(personas["coordinator"]).post(
        reverse("events:manage_results", kwargs={"pk": held.pk}), formset_data(process, rows)
    )
    assert response.status_code == 400 and not Contribution.objects.exists()


@pytest.mark.parametrize("zeilen", ["abc", "0", "-3", "9999999999999999999999"])
def test_odd_row_counts_fall_back(process, personas, held, zeilen):
    url = reverse("events:manage_results", kwargs={"pk": held.pk}) + f"?zeilen={zeilen}"
    assert client_of(personas["coordinator"]).get(url).status_code == 200


def test_results_form_refusals(process, personas, held, city):
    others = outsiders(city)
    url = reverse("events:manage_results", kwargs={"pk": held.pk})
    assert client_of(others["other_representative"]).get(url).status_code == 404
    planned = make_event(process, organiser=organisers(personas)["organisation"])
    planned_url = reverse("events:manage_results", kwargs={"pk": planned.pk})
    assert client_of(personas["organisation_representative"]).get(planned_url).status_code == 409


def test_event_pages_queries_do_not_grow_with_results(process, personas, held):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(personas["coordinator"])
    pages = [
        reverse("events:manage_event", kwargs={"pk": held.pk}),
        reverse("events:manage_results", kwargs={"pk": held.pk}),
    ]
    services.event_results_enter(user=personas["coordinator"], event=held, results=flipcharts(process, 2))
    counts = []
    for url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    services.event_results_enter(
        user=personas["organisation_representative"], event=held, results=flipcharts(process, 20)
    )
    for url, count in zip(pages, counts, strict=True):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= count, url
