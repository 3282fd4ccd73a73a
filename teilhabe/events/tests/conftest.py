"""Fixtures of the events tests: events in each state, made directly (the services are what the tests test), and a
way to run a service with what it leaves for after the commit (cache bumps, mails, tasks)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from teilhabe.administration.models import Department
from teilhabe.events.models import Event, EventLanguage, EventState, EventType

ANONYMOUS = AnonymousUser()


def public_event(process, *, state=EventState.PLANNED, days=7, hours=2, languages=(), **overrides) -> Event:
    """An event ``days`` from now (negative: in the past) of ``process``, organised by department 50 (the personas'
    department), in district 1 with coordinates; interpreted into ``languages``."""
    start = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    data = {
        "process": process,
        "type": EventType.DISTRICT_DIALOGUE,
        "title": "Stadtteildialog Mitte",
        "description": "Wir sprechen über Sprachkurse.",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=hours),
        "venue_name": "Stadtteilzentrum",
        "venue_address": "Hauptstraße 1, 30159 Hannover",
        "latitude": "52.374500",
        "longitude": "9.738100",
        "district": process.city.districts.get(number=1),
        "state": state,
        "organiser_department": Department.objects.get(code="50"),
        "capacity": 2,
    }
    if state == EventState.CANCELLED:
        data["cancel_reason"] = "Der Raum ist nicht verfügbar."
    if state == EventState.DECLINED:
        data["decline_reason"] = "Doppelt geplant."
    data.update(overrides)
    event = Event.objects.create(**data)
    for code in languages:
        EventLanguage.objects.create(event=event, language=code)
    return event


@pytest.fixture
def event(process, personas):
    """A planned district dialogue next week with two places, interpreted into Arabic and Turkish."""
    return public_event(process, languages=("ar", "tr"))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (cache bumps, mails, tasks on the immediate
    backend)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]
