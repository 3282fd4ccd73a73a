"""The demo has supports counted at its held events, one of them corrected; seeding twice adds nothing."""

import pytest
from django.core.management import call_command

from teilhabe.contributions.models import AnalogSupportTally, Contribution
from teilhabe.contributions.tallies import tally_differences


@pytest.mark.slow
def test_the_demo_counts_dot_votes_at_its_held_events(demo):
    entries = AnalogSupportTally.objects.all()
    assert entries.filter(corrects__isnull=True).values("event").distinct().count() == 2
    assert entries.filter(corrects__isnull=False).count() == 1
    assert Contribution.objects.filter(analog_support_count__gt=0, channel="online").exists()
    assert Contribution.objects.filter(analog_support_count__gt=0, event__isnull=False).exists()
    assert tally_differences() == []
    before = entries.count()
    call_command("seed_demo")
    assert AnalogSupportTally.objects.count() == before
    call_command("check_counters")
