"""contributions_record_analog_bulk: what contribution_record_analog does per row, in bulk."""

import datetime

import pytest
from django.utils import timezone

from teilhabe.contributions.models import Contribution, Status
from teilhabe.contributions.services import contributions_record_analog_bulk
from teilhabe.contributions.tallies import tally_differences
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry


def _row(process, **overrides):
    row = {
        "channel": "workshop",
        "title": "Mehr Sprachkurse",
        "body": "Mit Kinderbetreuung am Abend.",
        "fields_of_action": [process.fields_of_action.first()],
        "language": "de",
        "publication_consent": True,
    }
    row.update(overrides)
    return row


@pytest.mark.django_db
def test_bulk_records_rows_with_tallies_and_one_audit_entry(process, coordinator):
    rows = [_row(process, title=f"Ergebnis {n}") for n in range(25)]
    rows.append(_row(process, publication_consent=False, channel="letter"))
    ids = contributions_record_analog_bulk(process=process, user=coordinator, rows=rows, batch_size=10)
    assert len(ids) == 26
    made = Contribution.objects.filter(pk__in=ids)
    assert made.filter(status=Status.PUBLISHED, channel="workshop", entered_by=coordinator).count() == 25
    assert made.get(channel="letter").status == Status.IN_MODERATION
    assert all(c.fields_of_action.count() == 1 for c in made)
    assert tally_differences(process) == []
    entry = AuditEntry.objects.get(action="contributions.analog_recorded")
    assert entry.data["count"] == 26
    assert sum(last - first + 1 for first, last in entry.data["ids"]) == 26


@pytest.mark.django_db
def test_bulk_is_all_or_nothing(process, coordinator):
    rows = [
        _row(process),
        _row(process, title=""),
        _row(process, original_date=timezone.localdate() + datetime.timedelta(days=2)),
    ]
    with pytest.raises(ApplicationError) as caught:
        contributions_record_analog_bulk(process=process, user=coordinator, rows=rows)
    assert set(caught.value.field_errors) == {"1-title", "2-original_date"}
    assert not Contribution.objects.exists()


@pytest.mark.django_db
def test_bulk_needs_a_coordinator(process, participant):
    with pytest.raises(NotAllowed):
        contributions_record_analog_bulk(process=process, user=participant, rows=[_row(process)])


@pytest.mark.django_db
def test_a_later_batch_with_an_error_takes_back_the_earlier_ones(process, coordinator):
    rows = (_row(process, title=f"Ergebnis {n}" if n != 7 else "") for n in range(10))  # a generator, as imports do
    with pytest.raises(ApplicationError) as caught:
        contributions_record_analog_bulk(process=process, user=coordinator, rows=rows, batch_size=3)
    assert set(caught.value.field_errors) == {"7-title"}
    assert not Contribution.objects.exists()
    assert tally_differences(process) == []


@pytest.mark.django_db
def test_form_serials_are_unique_in_the_rows_and_the_process(process, coordinator):
    contributions_record_analog_bulk(
        process=process, user=coordinator, rows=[_row(process, channel="paper_form", form_serial="A-1")]
    )
    rows = [
        _row(process, channel="paper_form", form_serial="A-2"),
        _row(process, channel="paper_form", form_serial="A-2"),
        _row(process, channel="paper_form", form_serial="A-1"),
    ]
    with pytest.raises(ApplicationError) as caught:
        contributions_record_analog_bulk(process=process, user=coordinator, rows=rows)
    assert set(caught.value.field_errors) == {"1-form_serial", "2-form_serial"}
    assert Contribution.objects.count() == 1


@pytest.mark.django_db
def test_an_event_of_another_process_or_not_held_is_refused(process, closed_process, coordinator, personas):
    from teilhabe.events.models import EventState
    from teilhabe.imports.tests.conftest import held_event

    other = held_event(closed_process)
    planned = held_event(process, state=EventState.PLANNED)
    held = held_event(process)
    rows = [_row(process, event=other), _row(process, event=planned), _row(process, event=held)]
    with pytest.raises(ApplicationError) as caught:
        contributions_record_analog_bulk(process=process, user=coordinator, rows=rows)
    assert set(caught.value.field_errors) == {"0-event", "1-event"}
    [made] = contributions_record_analog_bulk(process=process, user=coordinator, rows=rows[2:])
    assert Contribution.objects.get(pk=made).channel == held.channel


@pytest.mark.django_db
@pytest.mark.parametrize("consent", [True, False])
def test_every_column_as_contribution_record_analog_writes_it(process, coordinator, consent):
    """The bulk service writes its rows by hand-built INSERTs: each column of a row is what the one-row service
    stores for the same keywords (the time stamps aside), and so are its fields of action and target groups."""
    from teilhabe.contributions.services import contribution_record_analog
    from teilhabe.stakeholders.models import Organisation, OrganisationType

    neighbourhood = process.city.districts.get(number=2).neighbourhoods.get()
    keywords = {
        "channel": "paper_form",
        "title": "  Mehr\r\nSprachkurse\x07 ",
        "body": "Mit Kinderbetreuung\tam Abend.",
        "fields_of_action": list(process.fields_of_action.all()),
        "target_groups": list(process.target_groups.all()),
        "neighbourhood": neighbourhood,
        "language": "",  # detected
        "organisation": Organisation.objects.create(name="Verein Vergleich", type=OrganisationType.OTHER),
        "original_date": timezone.localdate() - datetime.timedelta(days=3),
        "group_size": 7,
        "publication_consent": consent,
    }
    one = contribution_record_analog(process=process, user=coordinator, form_serial="A-1", **keywords)
    [pk] = contributions_record_analog_bulk(
        process=process, user=coordinator, rows=[{**keywords, "form_serial": "A-2"}]
    )
    bulk = Contribution.objects.get(pk=pk)
    stamps = {"id", "created_at", "updated_at", "published_at", "form_serial"}
    columns = [field.attname for field in Contribution._meta.concrete_fields if field.attname not in stamps]
    one.refresh_from_db()
    assert {name: getattr(bulk, name) for name in columns} == {name: getattr(one, name) for name in columns}
    assert (bulk.form_serial, bulk.district_id, bulk.entered_by_id) == (
        "A-2",
        neighbourhood.district_id,
        coordinator.pk,
    )
    assert (bulk.published_at is not None) == (one.published_at is not None) == consent
    assert bulk.created_at == bulk.updated_at and bulk.created_at >= one.created_at
    assert set(bulk.fields_of_action.all()) == set(one.fields_of_action.all()) == set(keywords["fields_of_action"])
    assert set(bulk.target_groups.all()) == set(one.target_groups.all()) == set(keywords["target_groups"])
    assert tally_differences(process) == []


@pytest.mark.django_db
def test_ids_in_the_order_of_the_rows_over_several_statements(process, coordinator, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Two rows a statement (few rows: many inserts, even rolled back, change PostgreSQL's statistics for other tests).
    monkeypatch.setattr(connection.features, "max_query_params", 2 * 31 + 1)
    rows = [_row(process, title=f"Ergebnis {n}") for n in range(7)]
    with CaptureQueriesContext(connection) as queries:
        ids = contributions_record_analog_bulk(process=process, user=coordinator, rows=rows, batch_size=5)
    inserts = [query for query in queries if query["sql"].startswith('INSERT INTO "contributions_contribution" (')]
    # 2 + 2 + 1, then 2 (PostgreSQL: one statement a batch, its values as one array a column)
    assert len(inserts) == (2 if connection.vendor == "postgresql" else 4)
    assert [Contribution.objects.get(pk=pk).title for pk in ids] == [f"Ergebnis {n}" for n in range(7)]
    assert tally_differences(process) == []
