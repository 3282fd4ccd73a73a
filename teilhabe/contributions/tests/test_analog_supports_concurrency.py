"""Sheets and corrections entered at the same moment stay exact and never go below zero (PostgreSQL only)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.models import AnalogSupportTally, Contribution
from teilhabe.contributions.tallies import tally_differences
from teilhabe.contributions.tests.test_concurrency import run_in_parallel
from teilhabe.events.models import EventState
from teilhabe.events.tests.organiser_support import make_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")


def test_parallel_sheets_supports_and_corrections_count_exactly(process, personas):
    held = make_event(process, state=EventState.HELD, days=-2)
    first = make_contribution(process, personas["participant"], title="Erster Beitrag")
    second = make_contribution(process, personas["participant"], title="Zweiter Beitrag")
    entry = services.analog_supports_enter(user=personas["coordinator"], event=held, counts={first.pk: 10})[0]
    sheet = reverse("events:manage_supports", kwargs={"pk": held.pk})
    correct = reverse("events:manage_supports_correct", kwargs={"pk": entry.pk})
    organisers = [personas["coordinator"], personas["department_staff"], personas["department_head"]]
    requests = [
        (organisers[n % 3], sheet, {f"anzahl-{first.pk}": "2", f"anzahl-{second.pk}": "3", "beitrag": [second.pk]})
        for n in range(WORKERS)
    ]
    # Everyone corrects the same entry to 0 at once: one correction wins, the others are told it is corrected.
    requests += [(organisers[n % 3], correct, {"count": "0", "reason": "Doppelt"}) for n in range(WORKERS)]
    requests += [
        (personas[role], reverse("contributions:support", kwargs={"pk": first.pk}), {"action": "add"})
        for role in ("participant", "evaluator", "jury_member")
    ]
    statuses = run_in_parallel(requests)
    assert sorted(statuses).count(409) == WORKERS - 1, statuses
    assert set(statuses) == {302, 409}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.support_count, first.analog_support_count) == (3, WORKERS * 2)  # the 10 corrected to 0
    assert second.analog_support_count == WORKERS * 3
    assert AnalogSupportTally.objects.filter(corrects=entry).count() == 1
    assert tally_differences() == []
    call_command("check_counters")
    assert Contribution.objects.filter(analog_support_count__lt=0).count() == 0
