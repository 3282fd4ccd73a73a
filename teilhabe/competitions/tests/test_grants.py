"""The committee's decision makes a grant and its ledger commitment; tranches are ledger payments; the grantee
reports and consents to a public page."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from teilhabe.competitions import services
from teilhabe.competitions.models import EligibilityItem, Grant, LedgerEntry
from teilhabe.competitions.selectors import fund_balance, grant_paid
from teilhabe.competitions.tests.conftest import PDF, client_of, draft
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ALL = {item: True for item in EligibilityItem.values}


def decide(coordinator, application, outcome="approved", **extra):
    return services.decision_record(
        user=coordinator,
        application=application,
        outcome=outcome,
        decided_on=timezone.localdate(),
        session_reference="Internationaler Ausschuss 4/2026",
        **extra,
    )


def test_approval_makes_a_grant_and_a_commitment(scored, coordinator, fund, year, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(coordinator, scored[0])
    assert decision.amount == Decimal("3500.00")  # the jury's recommendation
    grant = Grant.objects.get(application=scored[0])
    entry = LedgerEntry.objects.get(grant=grant)
    assert entry.kind == "commitment" and entry.amount == Decimal("3500.00") and entry.year == year
    assert fund_balance(fund, year).committed == Decimal("3500.00")
    assert mail.outbox[-1].extra_headers["Content-Language"] == "tr"
    assert "3.500,00" in mail.outbox[-1].body  # Turkish number format
    assert AuditEntry.objects.filter(action="committee.decided", object_id=str(scored[0].pk)).exists()
    with pytest.raises(NotAllowed):
        decide(coordinator, scored[0])  # decided once
    with pytest.raises(NotAllowed):
        services.application_withdraw(user=scored[0].applicant, application=scored[0])  # not after the decision


def test_changed_amount_and_rejection(scored, coordinator, fund, year):
    with pytest.raises(ApplicationError):
        decide(coordinator, scored[1], outcome="changed")  # no amount
    decide(coordinator, scored[1], outcome="changed", amount=Decimal("2000"))
    assert Grant.objects.get(application=scored[1]).amount == Decimal("2000.00")
    decide(coordinator, scored[0], outcome="rejected")
    assert not Grant.objects.filter(application=scored[0]).exists()
    assert fund_balance(fund, year).committed == Decimal("2000.00")


def test_a_decision_over_the_years_budget_needs_an_override(scored, coordinator, fund, year):
    services.fund_year_set(user=coordinator, fund=fund, year=year, budget="3000")
    with pytest.raises(ApplicationError) as error:
        decide(coordinator, scored[0])
    assert "budget" in error.value.message
    assert not Grant.objects.exists() and not LedgerEntry.objects.exists()  # nothing half-saved
    decide(coordinator, scored[0], override_reason="Ausschuss hat Mehrbedarf beschlossen")
    assert AuditEntry.objects.filter(action="ledger.budget_override").exists()


def test_decisions_only_after_closing_and_by_coordinators(open_call, participant, coordinator, process, city, personas):
    application = draft(participant, open_call, process, city)
    services.application_submit(user=participant, application=application)
    services.eligibility_record(user=coordinator, application=application, checklist=ALL, is_eligible=True)
    with pytest.raises(NotAllowed):
        decide(coordinator, application)  # scoring not closed


def test_tranches_reports_and_the_public_page(
    scored, coordinator, participant, fund, year, process, personas, django_capture_on_commit_callbacks
):
    decide(coordinator, scored[0])
    grant = Grant.objects.get(application=scored[0])
    with pytest.raises(NotAllowed):
        services.grant_pay(user=participant, grant=grant, amount="100", booked_on=timezone.localdate())
    services.grant_pay(user=coordinator, grant=grant, amount="2000", booked_on=timezone.localdate())
    with pytest.raises(ApplicationError) as error:
        services.grant_pay(user=coordinator, grant=grant, amount="1500.01", booked_on=timezone.localdate())
    assert "at most" in error.value.message
    assert grant_paid(grant) == Decimal("2000.00")
    balance = fund_balance(fund, year)
    assert (balance.committed, balance.paid) == (Decimal("3500.00"), Decimal("2000.00"))
    report = services.grant_report_submit(
        user=participant,
        grant=grant,
        kind="progress",
        text="Zwölf Treffen, viele neue Gesichter.",
        people_reached=85,
        uploads=[SimpleUploadedFile("bericht.pdf", PDF)],
    )
    assert report.files.count() == 1
    with pytest.raises(NotAllowed):
        services.grant_report_submit(user=coordinator, grant=grant, kind="progress", text="x", people_reached=1)
    public = reverse(
        "competitions:public_grant", kwargs={"slug": process.slug, "pk": grant.application.call_id, "grant": grant.pk}
    )
    assert client_of(None).get(public).status_code == 404  # no consent yet
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_consent_set(user=participant, grant=grant, consent=True)
    page = client_of(None).get(public)
    assert page.status_code == 200
    html = page.content.decode()
    assert "3,500.00" in html and "85" in html and "Bildung" in html and "Mitte" in html
    # Nothing of the application's private parts: no budget plan, no contact, no scores.
    assert "Honorare" not in html and participant.email not in html
    call_page = client_of(None).get(
        reverse("competitions:public_call", kwargs={"slug": process.slug, "pk": grant.application.call_id})
    )
    assert "Funded projects" in call_page.content.decode()


def test_the_grant_pages_in_the_site(scored, coordinator, participant, personas):
    client = client_of(coordinator)
    url = reverse("competitions:decision", kwargs={"pk": scored[0].pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "approved", "decided_on": "", "session_reference": "A 1"}).status_code == 400
    done = client.post(
        url, {"outcome": "approved", "decided_on": timezone.localdate().isoformat(), "session_reference": "A 1"}
    )
    assert done.status_code == 302
    grant = Grant.objects.get()
    grant_url = reverse("competitions:grant", kwargs={"pk": grant.pk})
    assert client.get(grant_url).status_code == 200
    tranche = reverse("competitions:grant_tranche", kwargs={"pk": grant.pk})
    assert client.post(tranche, {"amount": "1000", "booked_on": timezone.localdate().isoformat()}).status_code == 302
    assert client.post(tranche, {"amount": "9000", "booked_on": timezone.localdate().isoformat()}).status_code == 400
    grantee = client_of(participant)
    assert grantee.get(grant_url).status_code == 200
    report = reverse("competitions:grant_report", kwargs={"pk": grant.pk})
    assert grantee.post(report, {"kind": "progress", "text": "Gut.", "people_reached": "12"}).status_code == 302
    assert grantee.post(tranche, {"amount": "1", "booked_on": "2026-01-01"}).status_code == 403
    for role in ("organisation_representative", "jury_member", "department_staff", "evaluator"):
        assert client_of(personas[role]).get(grant_url).status_code == 404, role
    assert datetime.date.today()  # the pages above used today's date
