"""The public pages of events in the whole-page cache (teilhabe.core.page_cache): stored and served for anonymous
readers, fresh after every change that shows on them, never stored for bad input, and no longer than until an
event begins or ends."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teilhabe.core.page_cache import page_cache_keys_for
from teilhabe.events import services
from teilhabe.events.models import EventState
from teilhabe.events.page_versions import calendar_page_versions, event_page_versions
from teilhabe.events.tests.conftest import public_event

pytestmark = pytest.mark.django_db


def stored(url) -> dict:
    return cache.get_many(page_cache_keys_for(url))


@pytest.fixture
def urls(process, personas):
    event = public_event(process, capacity=3)
    return {
        "calendar": reverse("events:calendar", kwargs={"slug": process.slug}),
        "event": reverse("events:detail", kwargs={"pk": event.pk}),
        "ics": reverse("events:event_ics", kwargs={"pk": event.pk}),
        "feed": reverse("events:feed", kwargs={"slug": process.slug}),
        "district feed": reverse("events:district_feed", kwargs={"slug": process.slug, "number": "1"}),
    }


def test_public_pages_are_stored_and_served(urls, django_assert_max_num_queries):
    client = Client()
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, name
        assert stored(url), f"{name}: not stored"
        assert "csrfmiddlewaretoken" not in first.content.decode(), name
        with django_assert_max_num_queries(0):
            second = client.get(url)
        assert second.content == first.content, name


@pytest.mark.parametrize(
    "suffix", ["?page=abc", "?page=007", "?page=0", "?district=99", "?wer=1", "?type=party", "?when=x"]
)
def test_bad_queries_are_not_stored(urls, suffix):
    url = urls["calendar"] + suffix
    assert Client().get(url).status_code in (400, 404, 200)
    assert not stored(url)


def test_the_event_page_is_fresh_after_a_registration_and_a_cancellation(
    process, personas, participant, django_capture_on_commit_callbacks
):
    event = public_event(process, capacity=3)
    url = reverse("events:detail", kwargs={"pk": event.pk})
    calendar = reverse("events:calendar", kwargs={"slug": process.slug})
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "3 of 3 places left" in client.get(url).content.decode()
    client.get(calendar)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, user=participant)
    assert "2 of 3 places left" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(user=personas["coordinator"], event=event, reason="Wasserschaden")
    assert "Wasserschaden" in client.get(url).content.decode()
    assert "Cancelled" in client.get(calendar).content.decode()


def test_the_calendar_lives_until_the_next_event_ends(process, personas):
    event = public_event(process, days=0.01, hours=1)  # begins in 15 minutes, ends 75 minutes from now
    public_event(process, days=3)
    _parts, seconds = calendar_page_versions(process.slug)
    assert seconds <= (event.ends_at - timezone.now()).total_seconds()


def test_an_event_page_lives_until_the_event_begins(process, personas):
    event = public_event(process, days=0.01)
    _parts, seconds = event_page_versions(str(event.pk))
    assert seconds <= (event.starts_at - timezone.now()).total_seconds() <= 15 * 60


def test_hidden_and_unknown_events_have_no_page_in_the_cache(process, personas):
    hidden = public_event(process, state=EventState.PROPOSED)
    for pk in (str(hidden.pk), "999999", "007"):
        url = reverse("events:detail", kwargs={"pk": pk})
        assert Client().get(url).status_code == 404
        assert not stored(url)


def test_the_lists_change_when_an_event_ends(process, personas, settings):
    """The calendar's cached ids and counts name the next end of an event: once it has passed they are read afresh
    (the whole page's lifetime ends then too)."""
    settings.TEILHABE_PAGE_CACHE = False
    event = public_event(process, days=1)
    url = reverse("events:calendar", kwargs={"slug": process.slug})
    client = Client()
    assert "Stadtteildialog Mitte" in client.get(url).content.decode()
    assert "Stadtteildialog Mitte" not in client.get(url + "?when=past").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=event.ends_at + datetime.timedelta(minutes=1)):
        assert "Stadtteildialog Mitte" not in client.get(url).content.decode()
        assert "Stadtteildialog Mitte" in client.get(url + "?when=past").content.decode()
