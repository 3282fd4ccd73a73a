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
