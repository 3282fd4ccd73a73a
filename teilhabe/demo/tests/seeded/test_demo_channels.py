"""Issue 6 points 5 and 7: the demo covers the analog channels and writes them only through the services."""

import pytest
from django.core.management import call_command

from teilhabe.contributions.models import Channel, Contribution
from teilhabe.core.models import AuditEntry


@pytest.mark.slow
def test_demo_analog_input_has_its_provenance_and_matches_its_audit_entries(demo, capsys):
    coordinator = "koordination@demo.teilhabe.test"
    channels = set(Contribution.objects.values_list("channel", flat=True))
    assert {"online", "workshop", "paper_form", "letter", "district_council"} <= channels
    analog = Contribution.objects.exclude(channel=Channel.ONLINE).select_related("entered_by")
    assert analog.count() >= 50
    for contribution in analog:
        assert contribution.entered_by.email == coordinator and contribution.author_id is None
        assert contribution.original_date is not None
        assert contribution.original_date <= contribution.created_at.date()
    serials = list(analog.filter(channel=Channel.PAPER_FORM).values_list("form_serial", flat=True))
    assert serials and all(serials) and len(set(serials)) == len(serials)
    for channel in (Channel.WORKSHOP, Channel.DISTRICT_COUNCIL):
        assert not analog.filter(channel=channel, group_size__isnull=True).exists()
    # Each row says what its audit entry says: nothing was rewritten after the service created it.
    created = {
        int(entry.object_id): entry
        for entry in AuditEntry.objects.filter(action="contribution.created", object_type="contributions.contribution")
    }
    for pk, channel, entered_by, author in Contribution.objects.values_list("pk", "channel", "entered_by", "author"):
        entry = created[pk]
        assert entry.data["channel"] == channel
        assert entry.actor_id == (entered_by if channel != Channel.ONLINE else author)
    call_command("check_counters")
    assert "All counters match their rows." in capsys.readouterr().out
