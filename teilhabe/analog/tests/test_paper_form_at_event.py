"""A paper form filled in at an event (an information stand) stays a paper form: it names the event, keeps its
channel and its own date; every other input of an event takes the event's channel and date."""

import datetime

import pytest
from django.utils import timezone

from teilhabe.contributions import services as contributions
from teilhabe.contributions.models import Channel
from teilhabe.events.models import EventState, EventType
from teilhabe.events.tests.organiser_support import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand(process, personas):
    return make_event(process, state=EventState.HELD, days=-3, type=EventType.INFO_STAND)


def entry(process, stand, **overrides):
    data = {
        "process": process,
        "title": "Sprachcafé",
        "body": "Ein Sprachcafé im Stadtteilzentrum.",
        "fields_of_action": [process.fields_of_action.first()],
        "publication_consent": True,
        "event": stand,
    }
    return {**data, **overrides}


def test_a_paper_form_of_an_event_keeps_its_channel_and_its_own_date(process, coordinator, stand):
    written = timezone.localdate() - datetime.timedelta(days=5)
    form = contributions.contribution_record_analog(
        user=coordinator, **entry(process, stand, channel=Channel.PAPER_FORM, original_date=written, form_serial="7")
    )
    assert (form.channel, form.event, form.original_date, form.form_serial) == (
        Channel.PAPER_FORM,
        stand,
        written,
        "7",
    )


def test_a_paper_form_of_an_event_without_a_date_takes_the_events(process, coordinator, stand):
    form = contributions.contribution_record_analog(user=coordinator, **entry(process, stand, channel="paper_form"))
    assert (form.channel, form.original_date) == (Channel.PAPER_FORM, timezone.localdate(stand.starts_at))


def test_other_input_of_an_event_takes_the_events_channel_and_date(process, coordinator, stand):
    written = timezone.localdate() - datetime.timedelta(days=5)
    note = contributions.contribution_record_analog(
        user=coordinator, **entry(process, stand, channel=Channel.PHONE, original_date=written)
    )
    assert (note.channel, note.original_date) == (Channel.INFO_STAND, timezone.localdate(stand.starts_at))


def test_the_serial_lookup_uses_the_unique_index_not_a_scan(process, coordinator):
    """With 100,000 contributions a scan costs about 60 ms per entry (the bench's entry screen); the partial unique
    index on (process, form_serial) answers at once — if the query repeats its condition (SQLite)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        contributions.contribution_record_analog(
            user=coordinator,
            **entry(process, None, channel=Channel.PAPER_FORM, form_serial="15-000001-F"),
        )
    selects = [query["sql"] for query in captured if query["sql"].startswith("SELECT")]
    lookups = [sql for sql in selects if "form_serial" in sql]
    assert lookups
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT 1 FROM contributions_contribution WHERE form_serial = %s AND process_id = %s"
                " AND NOT (form_serial = %s) LIMIT 1",
                ["15-000001-F", process.pk, ""],
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "contribution_form_serial_unique" in plan
        assert any('NOT ("contributions_contribution"."form_serial" = ' in sql for sql in lookups)
