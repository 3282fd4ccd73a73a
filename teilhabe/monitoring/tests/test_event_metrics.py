"""Figures split by channel, and the event figures (docs/metrics.md): each defined once, each fresh after a change."""

import pytest

from teilhabe.administration import services as answers
from teilhabe.administration.models import Department
from teilhabe.conftest import make_contribution
from teilhabe.contributions import services as contributions
from teilhabe.events import services as events
from teilhabe.events.models import EventState, EventType, Registration, RegistrationState
from teilhabe.events.tests.organiser_support import make_event
from teilhabe.monitoring.metrics import (
    answer_figures,
    answer_figures_by_channel,
    event_figures,
    event_outcome_figures,
    process_figures,
    process_figures_by_channel,
)

pytestmark = pytest.mark.django_db


def analog(process, coordinator, channel, **overrides):
    data = {
        "process": process,
        "user": coordinator,
        "channel": channel,
        "title": "Vom Papier",
        "body": "Ein Vorschlag auf Papier.",
        "fields_of_action": [process.fields_of_action.first()],
        "publication_consent": True,
    }
    data.update(overrides)
    return contributions.contribution_record_analog(**data)


def test_process_figures_split_by_channel_add_up(process, personas, django_capture_on_commit_callbacks):
    participant, coordinator = personas["participant"], personas["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        online = make_contribution(process, participant)
        paper = analog(process, coordinator, "paper_form")
        analog(process, coordinator, "letter")
        contributions.support_add(contribution=paper, user=participant)
        contributions.support_add(contribution=online, user=coordinator)
        contributions.comment_create(contribution=paper, user=participant, body="Ja")
    split = process_figures_by_channel(process=process)
    assert split == {
        "online": {"contributions": 1, "supports": 1, "comments": 0},
        "paper_form": {"contributions": 1, "supports": 1, "comments": 1},
        "letter": {"contributions": 1, "supports": 0, "comments": 0},
    }
    total = process_figures(process=process)
    for figure in ("contributions", "supports", "comments"):
        assert sum(values[figure] for values in split.values()) == total[figure]
    with django_capture_on_commit_callbacks(execute=True):
        contributions.contribution_moderate(contribution=paper, user=coordinator, publish=False, reason="duplicate")
    assert "paper_form" not in process_figures_by_channel(process=process)


def test_answer_figures_split_by_channel_add_up(process, personas, django_capture_on_commit_callbacks):
    participant, coordinator = personas["participant"], personas["coordinator"]
    department = Department.objects.get(code="50")
    with django_capture_on_commit_callbacks(execute=True):
        online = make_contribution(process, participant)
        make_contribution(process, participant, title="Noch einer")
        kept = analog(process, coordinator, "workshop", publication_consent=False)
        answers.routing_route(user=coordinator, process=process, contributions=[online, kept], lead=department)
        answers.disposition_decide(
            user=coordinator, process=process, contributions=[kept], outcome="adopted", justification="Gut."
        )
    split = answer_figures_by_channel(process=process)
    assert split == {"online": {"answered": 0, "answerable": 2}, "workshop": {"answered": 1, "answerable": 1}}
    total = answer_figures(process=process)
    assert sum(values["answered"] for values in split.values()) == total["answered"] == 1
    assert sum(values["answerable"] for values in split.values()) == total["answerable"] == 3
    # Answered, then removed: it leaves its channel's answered and answerable figures.
    paper = analog(process, coordinator, "paper_form")
    with django_capture_on_commit_callbacks(execute=True):
        answers.routing_route(user=coordinator, process=process, contributions=[paper], lead=department)
        answers.disposition_decide(
            user=coordinator, process=process, contributions=[paper], outcome="adopted", justification="Gut."
        )
    assert answer_figures_by_channel(process=process)["paper_form"] == {"answered": 1, "answerable": 1}
    with django_capture_on_commit_callbacks(execute=True):
        contributions.contribution_moderate(contribution=paper, user=coordinator, publish=False, reason="duplicate")
    assert "paper_form" not in answer_figures_by_channel(process=process)
    assert answer_figures(process=process)["answered"] == 1


def register(event, number, state=RegistrationState.CONFIRMED):
    return Registration.objects.create(
        event=event,
        name=f"Person {number}",
        email=f"p{number}@example.org",
        language="de",
        state=state,
        token=f"token-{event.pk}-{number}",
    )


def test_event_figures(process, personas, django_capture_on_commit_callbacks):
    coordinator = personas["coordinator"]
    make_event(process, state=EventState.PROPOSED)
    make_event(process, state=EventState.DECLINED)
    planned = make_event(process, type=EventType.WORKSHOP)
    make_event(process, state=EventState.CANCELLED, type=EventType.INFO_STAND)
    held = make_event(process, state=EventState.HELD, days=-3, attendance_total=30)
    make_event(process, state=EventState.HELD, days=-9, type=EventType.WORLD_CAFE)  # no head count
    old = make_event(process, state=EventState.HELD, days=-200, attendance_total=12)
    old.registration_summary = {"confirmed": 9, "waiting": 2, "cancelled": 1}
    old.save()
    for number in range(3):
        register(planned, number)
    register(planned, 10, RegistrationState.WAITING)
    register(planned, 11, RegistrationState.CANCELLED)
    register(held, 20)
    with django_capture_on_commit_callbacks(execute=True):
        events.event_results_enter(
            user=coordinator,
            event=held,
            results=[
                {
                    "title": "Tisch 1",
                    "body": "Mehr Kurse.",
                    "fields_of_action": [process.fields_of_action.first()],
                    "publication_consent": True,
                },
                {
                    "title": "Tisch 2",
                    "body": "Ohne Zustimmung.",
                    "fields_of_action": [process.fields_of_action.first()],
                    "publication_consent": False,
                },
            ],
        )
    figures = event_figures(process=process)
    assert figures["by_state"] == {"proposed": 1, "declined": 1, "planned": 1, "cancelled": 1, "held": 3}
    assert figures["events"] == 5 and figures["held"] == 3
    assert figures["by_type"]["district_dialogue"] == 2 and figures["by_type"]["workshop"] == 1
    assert figures["by_type"]["info_stand"] == 1 and figures["by_type"]["world_cafe"] == 1
    assert sum(figures["by_type"].values()) == figures["events"]
    assert figures["attendance"] == 42 and figures["attendance_counted"] == 2
    assert figures["registrations"] == 3 + 1 + 9  # confirmed, live and purged; never the waiting or cancelled
    assert figures["results"] == 1 and figures["results_by_channel"] == {"workshop": 1}
    assert "attendance" in figures and not any("total" in name for name in figures)  # never summed with people
    # The process page's part of them: the same numbers.
    outcomes = event_outcome_figures(process=process)
    assert outcomes == {name: figures[name] for name in outcomes}
    assert set(outcomes) == {"held", "attendance", "attendance_counted", "results", "results_by_channel"}


def test_event_figures_follow_every_event_write(process, personas, django_capture_on_commit_callbacks):
    coordinator = personas["coordinator"]
    event = make_event(process, days=-1)
    assert event_figures(process=process)["held"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        events.event_attendance_record(user=coordinator, event=event, total=25)
    figures = event_figures(process=process)
    assert (figures["held"], figures["attendance"]) == (1, 25)
    assert event_outcome_figures(process=process)["attendance"] == 25
    with django_capture_on_commit_callbacks(execute=True):
        events.event_attendance_record(user=coordinator, event=event, total=27)
    assert event_figures(process=process)["attendance"] == 27
    assert event_outcome_figures(process=process)["attendance"] == 27
    with django_capture_on_commit_callbacks(execute=True):
        events.event_cancel(user=coordinator, event=make_event(process), reason="Krank")
    assert event_figures(process=process)["by_state"]["cancelled"] == 1
