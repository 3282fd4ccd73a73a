"""The fund's ledger: balances derived from entries, corrections as entries, no overspending without an audited
override, and the coordinators' pages of a fund."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.competitions.models import Fund, FundYear, LedgerEntry
from teilhabe.competitions.selectors import fund_balance, fund_balances
from teilhabe.competitions.services import fund_year_set, ledger_entry_record
from teilhabe.competitions.tests.conftest import client_of
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.places.models import City

pytestmark = pytest.mark.django_db


def book(coordinator, fund, kind, amount, year, **extra):
    return ledger_entry_record(
        user=coordinator, fund=fund, kind=kind, amount=amount, year=year, reason=f"{kind} {amount}", **extra
    )


def test_balance_is_derived_from_the_entries_to_the_cent(coordinator, fund, year):
    book(coordinator, fund, "commitment", "4000.10", year)
    book(coordinator, fund, "commitment", "2500", year)
    book(coordinator, fund, "payment", "3000.05", year)
    book(coordinator, fund, "repayment", "100.01", year)
    book(coordinator, fund, "release", "500", year)
    balance = fund_balance(fund, year)
    assert balance.budget == Decimal("10000.00")
    assert balance.committed == Decimal("4000.10") + Decimal("2500") - Decimal("500") - Decimal("100.01")
    assert balance.paid == Decimal("2900.04")
    assert balance.outstanding == balance.committed - balance.paid
    assert balance.remaining == Decimal("10000.00") - balance.committed
    # Entries of another year do not count in this one.
    fund_year_set(user=coordinator, fund=fund, year=year - 1, budget="100")
    book(coordinator, fund, "commitment", "1", year - 1)
    assert fund_balance(fund, year).committed == balance.committed
    assert [b.year for b in fund_balances(fund)] == [year, year - 1]


def test_every_entry_is_audited_with_who_and_why(coordinator, fund, year):
    entry = book(coordinator, fund, "commitment", "100", year)
    audit = AuditEntry.objects.get(action="ledger.entry_recorded", object_id=str(entry.pk))
    assert audit.actor == coordinator
    assert audit.data["amount"] == "100.00"
    assert audit.data["reason"] == "commitment 100"
    assert entry.recorded_by == coordinator


def test_a_correction_is_a_new_entry_and_cannot_go_below_zero(coordinator, fund, year):
    entry = book(coordinator, fund, "commitment", "5500", year)
    correction = ledger_entry_record(
        user=coordinator, fund=fund, kind="payment", amount="-500", corrects=entry, reason="Tippfehler"
    )
    assert correction.kind == "commitment"  # a correction takes the corrected entry's kind and year
    assert correction.year == year
    entry.refresh_from_db()
    assert entry.amount == Decimal("5500.00")  # the original stays as it was
    assert fund_balance(fund, year).committed == Decimal("5000.00")
    with pytest.raises(ApplicationError, match="below zero"):
        ledger_entry_record(
            user=coordinator, fund=fund, kind="commitment", amount="-5000.01", corrects=entry, reason="x"
        )
    assert LedgerEntry.objects.count() == 2


def test_negative_amounts_are_refused_outside_corrections(coordinator, fund, year):
    with pytest.raises(ApplicationError) as error:
        book(coordinator, fund, "commitment", "-10", year)
    assert "amount" in error.value.field_errors
    with pytest.raises(ApplicationError):
        book(coordinator, fund, "commitment", "0", year)
    with pytest.raises(ApplicationError):
        book(coordinator, fund, "commitment", "NaN", year)
    with pytest.raises(ApplicationError):
        book(coordinator, fund, "gift", "10", year)
    assert not LedgerEntry.objects.exists()


def test_overspending_is_refused_without_an_override(coordinator, fund, year):
    book(coordinator, fund, "commitment", "9000", year)
    with pytest.raises(ApplicationError) as error:
        book(coordinator, fund, "commitment", "1000.01", year)
    assert "0,01" in str(error.value.message) or "0.01" in str(error.value.message)
    assert LedgerEntry.objects.count() == 1
    # Exactly the budget is fine.
    book(coordinator, fund, "commitment", "1000", year)
    assert fund_balance(fund, year).remaining == Decimal("0.00")


def test_an_override_is_explicit_and_audited(coordinator, fund, year):
    book(coordinator, fund, "commitment", "10000", year)
    entry = book(coordinator, fund, "commitment", "250", year, override_reason="Ausschussbeschluss 12/2026")
    assert entry.override_reason == "Ausschussbeschluss 12/2026"
    override = AuditEntry.objects.get(action="ledger.budget_override", object_id=str(entry.pk))
    assert override.data["override_reason"] == "Ausschussbeschluss 12/2026"
    assert override.data["committed"] == "10250.00"
    assert fund_balance(fund, year).remaining == Decimal("-250.00")
    # An override reason on an entry that does not overspend is not recorded as an override.
    release = book(coordinator, fund, "release", "250", year, override_reason="unnötig")
    assert release.override_reason == ""
    assert AuditEntry.objects.filter(action="ledger.budget_override").count() == 1


def test_payments_never_exceed_commitments_and_repayments_never_exceed_payments(coordinator, fund, year):
    book(coordinator, fund, "commitment", "1000", year)
    with pytest.raises(ApplicationError, match="commitment first"):
        book(coordinator, fund, "payment", "1000.01", year)
    book(coordinator, fund, "payment", "600", year)
    with pytest.raises(ApplicationError):
        book(coordinator, fund, "repayment", "600.01", year)
    with pytest.raises(ApplicationError):
        book(coordinator, fund, "release", "400.01", year)  # only 400 are committed and not paid
    book(coordinator, fund, "release", "400", year)
    assert fund_balance(fund, year).outstanding == Decimal("0.00")


def test_a_year_budget_cannot_go_below_what_is_committed(coordinator, fund, year):
    book(coordinator, fund, "commitment", "8000", year)
    with pytest.raises(ApplicationError):
        fund_year_set(user=coordinator, fund=fund, year=year, budget="7999.99")
    fund_year_set(user=coordinator, fund=fund, year=year, budget="8000")
    assert FundYear.objects.get(fund=fund, year=year).budget == Decimal("8000.00")
    audit = AuditEntry.objects.filter(action="fund.budget_set").latest("sequence")
    assert audit.data["previous"] == "10000.00"


def test_only_the_coordinators_of_the_funds_city_keep_its_books(personas, fund, year):
    for role, user in personas.items():
        if role == "coordinator":
            continue
        with pytest.raises(NotAllowed):
            book(user, fund, "commitment", "1", year)
    other_city = City.objects.create(name="Anderswo", slug="anderswo", population=1)
    other_fund = Fund.objects.create(city=other_city, name="Anderer Fonds", annual_budget=1000)
    with pytest.raises(NotAllowed):
        book(personas["coordinator"], other_fund, "commitment", "1", year)
    assert not LedgerEntry.objects.exists()


def test_balance_costs_two_queries_whatever_the_number_of_entries(coordinator, fund, year):
    for _ in range(5):
        book(coordinator, fund, "commitment", "10", year)
    with CaptureQueriesContext(connection) as queries:
        fund_balance(fund, year)
    assert len(queries) == 2


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_fund_pages_show_balances_and_ledger_to_coordinators_only(personas, coordinator, fund, year):
    book(coordinator, fund, "commitment", "1234.5", year)
    urls = [
        reverse("competitions:funds"),
        reverse("competitions:fund", kwargs={"pk": fund.pk}),
        reverse("competitions:entry_add", kwargs={"pk": fund.pk}),
        reverse("competitions:fund_year", kwargs={"pk": fund.pk}),
        reverse("competitions:entry_correct", kwargs={"pk": fund.pk, "entry": LedgerEntry.objects.get().pk}),
    ]
    page = client_of(coordinator).get(urls[1])
    assert page.status_code == 200
    html = page.content.decode()
    assert "1,234.50" in html and "8,765.50" in html  # committed and remaining, in English number format
    for role, user in personas.items():
        if role == "coordinator":
            continue
        for url in urls:
            assert client_of(user).get(url).status_code == 403, (role, url)
    assert client_of(None).get(urls[1]).status_code == 302  # to the login


def test_booking_from_the_page_and_the_refusal_of_overspending(coordinator, fund, year):
    client = client_of(coordinator)
    url = reverse("competitions:entry_add", kwargs={"pk": fund.pk})
    data = {
        "kind": "commitment",
        "amount": "10000.01",
        "booked_on": datetime.date(year, 3, 1).isoformat(),
        "year": year,
        "reason": "Projekt A",
        "override_reason": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Only a coordinator can allow this" in refused.content.decode()
    assert not LedgerEntry.objects.exists()
    done = client.post(url, {**data, "override_reason": "Beschluss des Ausschusses"})
    assert done.status_code == 302
    entry = LedgerEntry.objects.get()
    assert entry.override_reason == "Beschluss des Ausschusses"
    assert entry.booked_on == datetime.date(year, 3, 1)
    bad = client.post(url, {**data, "amount": "abc"})
    assert bad.status_code == 400
    correct = reverse("competitions:entry_correct", kwargs={"pk": fund.pk, "entry": entry.pk})
    assert client.post(correct, {"amount": "-0.01", "reason": "zurück im Budget"}).status_code == 302
    assert fund_balance(fund, year).remaining == Decimal("0.00")
    assert client.get(reverse("competitions:entry_correct", kwargs={"pk": fund.pk, "entry": 99999})).status_code == 404
    assert client.get(reverse("competitions:fund", kwargs={"pk": "x"})).status_code == 404


def test_setting_a_year_budget_from_the_page(coordinator, fund, year):
    client = client_of(coordinator)
    url = reverse("competitions:fund_year", kwargs={"pk": fund.pk})
    assert client.post(url, {"year": year + 1, "budget": "150000"}).status_code == 302
    assert FundYear.objects.get(fund=fund, year=year + 1).budget == Decimal("150000.00")
    assert client.post(url, {"year": 1800, "budget": "1"}).status_code == 400
    page = client.get(reverse("competitions:fund", kwargs={"pk": fund.pk}))
    assert "150,000.00" in page.content.decode()
