"""The optional public support phase: its dates on the call; the applicant's consent to a public summary; online
supports (once per person, only while the phase is open, only eligible applications with consent); analog tallies
entered by coordinators with channel and provenance; the totals shown to the jury apart from the scores and in
the call summary's own column; never mixed into the means."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.competitions import documents, services
from teilhabe.competitions.models import ApplicationSupport, ApplicationSupportTally, Call, JuryMembership
from teilhabe.competitions.selectors import SupportState, jury_overview, support_state, support_totals
from teilhabe.competitions.tests.conftest import ALL_ITEMS, client_of, draft
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def with_phase(call, user, opens_in=-1, closes_in=7):
    now = timezone.now()
    data = {name: getattr(call, name) for name in services.CALL_FIELDS}
    data.update(
        support_opens=now + datetime.timedelta(hours=opens_in), support_closes=now + datetime.timedelta(days=closes_in)
    )
    if data["support_opens"] < call.opens:
        Call.objects.filter(pk=call.pk).update(opens=data["support_opens"] - datetime.timedelta(days=1))
        call.refresh_from_db()
        data["opens"] = call.opens
    return services.call_update(user=user, call=call, **data)


@pytest.fixture
def phase(open_call, coordinator):
    return with_phase(open_call, coordinator)


@pytest.fixture
def shown(phase, participant, coordinator, process, city):
    """Two eligible applications, the first with consent to a public summary, the second without."""
    applications = []
    for title, consent in (("Sprachcafé", True), ("Nähcafé", False)):
        application = draft(participant, phase, process, city)
        services.application_update(user=participant, application=application, title=title)
        services.application_submit(user=participant, application=application)
        services.eligibility_record(user=coordinator, application=application, checklist=ALL_ITEMS, is_eligible=True)
        if consent:
            services.application_summary_consent_set(user=participant, application=application, consent=True)
        application.refresh_from_db()
        applications.append(application)
    return applications


def test_the_phase_needs_both_dates_after_opening(open_call, coordinator):
    data = {name: getattr(open_call, name) for name in services.CALL_FIELDS}
    with pytest.raises(ApplicationError) as error:
        services.call_update(user=coordinator, call=open_call, **{**data, "support_opens": timezone.now()})
    assert "both dates" in str(error.value.field_errors["support_closes"])
    later = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ApplicationError) as error:
        services.call_update(
            user=coordinator, call=open_call, **{**data, "support_opens": later, "support_closes": later}
        )
    assert "close after it opens" in str(error.value.field_errors["support_closes"])
    assert support_state(open_call) == SupportState.NONE
    call = with_phase(open_call, coordinator, opens_in=2)
    assert support_state(call) == SupportState.UPCOMING


def test_one_support_per_person_only_with_consent_and_while_open(shown, personas, coordinator, phase):
    consented, without = shown
    supporter = personas["department_staff"]
    assert services.application_support_add(user=supporter, application=consented) is True
    assert services.application_support_add(user=supporter, application=consented) is False
    assert ApplicationSupport.objects.filter(application=consented).count() == 1
    assert AuditEntry.objects.filter(action="application.supported", object_id=str(consented.pk)).count() == 1
    with pytest.raises(NotAllowed):
        services.application_support_add(user=supporter, application=without)
    assert services.application_support_withdraw(user=supporter, application=consented) is True
    assert not ApplicationSupport.objects.filter(application=consented).exists()
    Call.objects.filter(pk=phase.pk).update(support_closes=timezone.now() - datetime.timedelta(minutes=1))
    consented.call.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.application_support_add(user=supporter, application=consented)


def test_analog_tallies_need_a_count_channel_and_provenance(shown, coordinator, personas):
    consented, _without = shown
    with pytest.raises(ApplicationError) as error:
        services.support_tally_enter(user=coordinator, application=consented, count=0, channel="nope", provenance="")
    assert set(error.value.field_errors) == {"count", "channel", "provenance"}
    with pytest.raises(NotAllowed):
        services.support_tally_enter(
            user=personas["participant"], application=consented, count=5, channel="list", provenance="Liste 1"
        )
    services.support_tally_enter(
        user=coordinator, application=consented, count=12, channel="event", provenance="Stadtteilfest, 14. Mai"
    )
    entry = AuditEntry.objects.get(action="application.support_tally_entered")
    assert entry.data["count"] == 12 and entry.data["provenance"] == "Stadtteilfest, 14. Mai"
    services.application_support_add(user=personas["department_staff"], application=consented)
    totals = support_totals(consented.call)
    assert (totals[consented.pk].online, totals[consented.pk].analog, totals[consented.pk].total) == (1, 12, 13)


def test_supports_never_change_the_scores_and_show_apart(shown, coordinator, personas, phase, tmp_path):
    consented, without = shown
    chair = personas["jury_member"]
    JuryMembership.objects.create(call=phase, user=chair, is_chair=True)
    for application in shown:
        services.conflict_declare(user=chair, application=application, has_conflict=False)
        services.scores_record(
            user=chair, application=application, scores={c.pk: (5, "") for c in phase.criteria.all()}
        )
    services.support_tally_enter(user=coordinator, application=consented, count=400, channel="box", provenance="Box")
    services.scoring_close(user=chair, call=phase)
    phase.refresh_from_db()
    rows = {row.application.pk: row for row in jury_overview(phase, seat=None, show_results=True)}
    assert rows[consented.pk].mean == rows[without.pk].mean  # 400 supports change nothing
    page = client_of(chair).get(reverse("competitions:jury", kwargs={"pk": phase.pk})).content.decode()
    assert "Public support (advice only)" in page and "400" in page
    summary = documents.call_summary(phase)
    assert summary.has_support and {row.reference: row.support for row in summary.rows} == {
        consented.reference: 400,
        without.reference: 0,
    }
    from openpyxl import load_workbook

    out = io.BytesIO()
    documents.write_xlsx(summary, out, title="t")
    sheet = load_workbook(io.BytesIO(out.getvalue()))["Applications"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Public support (advice, online + offline)")
    assert sorted(row[column].value for row in sheet.iter_rows(min_row=2)) == [0, 400]


def test_the_public_page_shows_consented_eligible_applications_only(
    shown, personas, process, phase, participant, django_capture_on_commit_callbacks
):
    consented, without = shown
    page = reverse("competitions:public_support", kwargs={"slug": process.slug, "pk": phase.pk})
    anonymous = client_of(None).get(page).content.decode()
    assert "Sprachcafé" in anonymous and "Nähcafé" not in anonymous
    assert "Honorare" not in anonymous and participant.email not in anonymous  # never the budget or contacts
    assert "Sign in to support" in anonymous
    toggle = reverse(
        "competitions:support_toggle", kwargs={"slug": process.slug, "pk": phase.pk, "application": consented.pk}
    )
    supporter = client_of(personas["evaluator"])
    assert supporter.post(toggle, {"action": "support"}).status_code == 302
    assert "You support this idea." in supporter.get(page).content.decode()
    hidden = reverse(
        "competitions:support_toggle", kwargs={"slug": process.slug, "pk": phase.pk, "application": without.pk}
    )
    assert supporter.post(hidden, {"action": "support"}).status_code == 404
    assert client_of(None).post(toggle).status_code == 302  # to sign in
    assert ApplicationSupport.objects.filter(application=consented).count() == 1
    # Consent withdrawn: the summary leaves the public page (the cached one too).
    with django_capture_on_commit_callbacks(execute=True):
        services.application_summary_consent_set(user=participant, application=consented, consent=False)
    assert "Sprachcafé" not in client_of(None).get(page).content.decode()
    assert supporter.post(toggle, {"action": "support"}).status_code == 404
    # A call without a phase has no such page.
    data = {name: getattr(phase, name) for name in services.CALL_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):
        services.call_update(
            user=personas["coordinator"], call=phase, **{**data, "support_opens": None, "support_closes": None}
        )
    assert client_of(None).get(page).status_code == 404


def test_a_closed_phase_refuses_with_a_message(shown, personas, process, phase):
    consented, _without = shown
    Call.objects.filter(pk=phase.pk).update(support_closes=timezone.now() - datetime.timedelta(minutes=1))
    toggle = reverse(
        "competitions:support_toggle", kwargs={"slug": process.slug, "pk": phase.pk, "application": consented.pk}
    )
    response = client_of(personas["evaluator"]).post(toggle, {"action": "support"})
    assert response.status_code == 403 and "not open" in response.content.decode()


def test_the_applicant_consents_on_their_page_and_coordinators_enter_tallies(shown, participant, coordinator, phase):
    consented, without = shown
    page = reverse("competitions:application", kwargs={"pk": without.pk})
    assert "I agree to a public summary" in client_of(participant).get(page).content.decode()
    response = client_of(participant).post(
        reverse("competitions:summary_consent", kwargs={"pk": without.pk}), {"consent": "1"}
    )
    assert response.status_code == 302
    without.refresh_from_db()
    assert without.summary_consent
    staff = reverse("competitions:supports", kwargs={"pk": phase.pk})
    client = client_of(coordinator)
    bad = client.post(staff, {"application": consented.pk, "count": "3", "channel": "list", "provenance": ""})
    assert bad.status_code == 400 and not ApplicationSupportTally.objects.exists()
    good = client.post(staff, {"application": consented.pk, "count": "3", "channel": "list", "provenance": "Liste 2"})
    assert good.status_code == 302
    assert ApplicationSupportTally.objects.get().count == 3
    assert "Liste 2" in client.get(staff).content.decode()
    assert client_of(participant).get(staff).status_code == 403


def test_a_tally_is_corrected_once_by_a_new_one_that_replaces_it(shown, coordinator, phase):
    consented, _without = shown
    tally = services.support_tally_enter(
        user=coordinator, application=consented, count=30, channel="list", provenance="Liste 4"
    )
    page = reverse("competitions:support_tally_correct", kwargs={"pk": phase.pk, "tally": tally.pk})
    client = client_of(coordinator)
    assert client.get(page).status_code == 200
    assert client.post(page, {"count": "3", "reason": ""}).status_code == 400
    assert client.post(page, {"count": "3", "reason": "Doppelt gezählt"}).status_code == 302
    assert support_totals(phase)[consented.pk].analog == 3
    tally.refresh_from_db()
    assert tally.count == 30  # the original stays as it was
    entry = AuditEntry.objects.get(action="application.support_tally_corrected")
    assert (entry.data["from"], entry.data["to"], entry.data["reason"]) == (30, 3, "Doppelt gezählt")
    with pytest.raises(ApplicationError, match="already corrected"):
        services.support_tally_correct(user=coordinator, tally=tally, count=5, reason="nochmal")
    correction = ApplicationSupportTally.objects.get(corrects=tally)
    services.support_tally_correct(user=coordinator, tally=correction, count=0, reason="Liste ungültig")
    assert support_totals(phase)[consented.pk].analog == 0
    listing = client.get(reverse("competitions:supports", kwargs={"pk": phase.pk})).content.decode()
    assert "Liste ungültig" in listing and listing.count("corrected") >= 2
