"""Issue 14 (9): the demo's registry — about 60 fictional organisations of every type, invitations with responses,
representatives and participation — makes the coverage matrix show real gaps; seeding again adds nothing."""

import io

import pytest
from django.core.management import call_command

from teilhabe.involvement import selectors
from teilhabe.involvement.models import Invitation, InvitationResponse, SteeringGroup
from teilhabe.processes.models import Process
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative


@pytest.mark.slow
def test_the_demo_registry_shows_gaps(demo):
    fictional = Organisation.objects.filter(is_fictional=True)
    assert 55 <= fictional.count() <= 65
    assert all("(fiktiv)" in name for name in fictional.values_list("name", flat=True))
    assert set(fictional.values_list("type", flat=True)) == set(OrganisationType.values)
    assert all(organisation.contacts.exists() for organisation in fictional)
    process = Process.objects.get(slug="lip-4")
    responses = set(Invitation.objects.filter(process=process).values_list("response", flat=True))
    assert responses == set(InvitationResponse.values)
    assert Representative.objects.filter(organisation__is_fictional=True, verified_at__isnull=False).count() >= 10
    assert Representative.objects.filter(organisation__is_fictional=True, verified_at__isnull=True).exists()
    for by in ("field", "district"):
        matrix = selectors.coverage_matrix(process, by=by)
        registered, invited, taking_part = matrix.total.counts
        assert registered >= 55 and invited > 0 and 0 < taking_part < registered
        assert {row.key for row in matrix.gap_rows} >= {"union", "business", "interfaith"}
        assert matrix.gap_columns, by
    assert SteeringGroup.objects.get(process=process).members.count() >= 10
    before = Organisation.objects.count(), Invitation.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Organisation.objects.count(), Invitation.objects.count()) == before
