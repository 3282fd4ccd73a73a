"""The process page's next events (``events.selectors.next_events``): running or to come, soonest first, whatever
number of planned events that ended before them (not yet marked held) the calendar still holds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.events.models import EventState
from teilhabe.events.selectors import NEXT_EVENTS_SHOWN, NEXT_EVENTS_SLACK, next_events
from teilhabe.events.tests.organiser_support import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organiser(personas):
    """The department that organises the events (``make_event``'s default) comes with the personas."""


def planned(process, title, *, starts_in_hours, hours=2):
    start = timezone.now() + datetime.timedelta(hours=starts_in_hours)
    return make_event(process, title=title, starts_at=start, ends_at=start + datetime.timedelta(hours=hours))


@pytest.mark.parametrize("ended", [0, 2, NEXT_EVENTS_SLACK - 1, NEXT_EVENTS_SLACK, NEXT_EVENTS_SLACK + 5])
def test_running_and_coming_events_soonest_first_past_the_ended_ones(process, ended):
    for number in range(ended):
        planned(process, f"Vorbei {number}", starts_in_hours=-100 + number)
    running = planned(process, "Läuft", starts_in_hours=-1)  # started an hour ago, ends in an hour
    later = planned(process, "Später", starts_in_hours=50)
    soon = planned(process, "Bald", starts_in_hours=5)
    planned(process, "Danach", starts_in_hours=80)
    make_event(process, state=EventState.HELD, days=-1, title="Gehalten")
    make_event(process, state=EventState.CANCELLED, days=1, title="Abgesagt")
    assert next_events(process_id=process.pk) == [running, soon, later][:NEXT_EVENTS_SHOWN]


def test_fewer_than_shown(process):
    planned(process, "Vorbei", starts_in_hours=-10)
    only = planned(process, "Bald", starts_in_hours=5)
    assert next_events(process_id=process.pk) == [only]
    assert next_events(process_id=process.pk, limit=0) == []


def test_the_process_page_shows_them(client, process):
    for number in range(NEXT_EVENTS_SLACK + 2):
        planned(process, f"Vorbei {number}", starts_in_hours=-100 + number)
    planned(process, "Werkstatt Sprachkurse", starts_in_hours=5)
    page = client.get(reverse("processes:detail", kwargs={"slug": process.slug})).content.decode()
    assert "Werkstatt Sprachkurse" in page
    assert "Vorbei" not in page
