"""The council budget: shares in whole euros by the largest remainder method, balances derived from entries,
overspending only with a coordinator's audited override."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import selectors, services
from teilhabe.councils.budget import largest_remainder
from teilhabe.councils.models import CouncilAllocation, FundedActivity
from teilhabe.councils.tests.test_sessions import make_session
from teilhabe.events.models import EventState


def test_hannovers_budget_is_shared_by_population_to_the_euro():
    # 150,000 euros among three districts of 1, 1 and 1 inhabitants: 50,000 each; 100 euros among 3: 34, 33, 33.
    assert largest_remainder(150_000, {1: 1, 2: 1, 3: 1}) == {1: 50_000, 2: 50_000, 3: 50_000}
    assert largest_remainder(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    # Largest remainders first: 10 × 1/6 = 1.67, 10 × 2/6 = 3.33, 10 × 3/6 = 5 → 2, 3, 5.
    assert largest_remainder(10, {1: 1, 2: 2, 3: 3}) == {1: 2, 2: 3, 3: 5}
    assert largest_remainder(7, {1: 0, 2: 5}) == {1: 0, 2: 7}


@given(
    total=st.integers(min_value=0, max_value=10_000_000),
    weights=st.lists(st.integers(min_value=0, max_value=2_000_000), min_size=1, max_size=20).filter(any),
)
def test_every_euro_is_allocated_exactly_once_and_no_share_is_off_by_a_euro(total, weights):
    by_key = dict(enumerate(weights, start=1))
    shares = largest_remainder(total, by_key)
    assert sum(shares.values()) == total
    weight_sum = sum(weights)
    for key, weight in by_key.items():
        exact = Decimal(total) * weight / weight_sum
        assert abs(shares[key] - exact) < 1


def test_bad_weights_are_refused():
    for total, weights in ((10, {1: 0}), (-1, {1: 1}), (10, {1: -1})):
        with pytest.raises(ValueError):
            largest_remainder(total, weights)


@pytest.fixture
def budget(coordinator, city, space, other_space):
    return services.budget_year_set(user=coordinator, city=city, year=timezone_year(), total=1001, rule="population")


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


@pytest.mark.django_db
def test_a_coordinator_sets_the_year_and_every_council_gets_its_share(coordinator, city, budget, space, other_space):
    shares = dict(CouncilAllocation.objects.filter(budget=budget).values_list("space_id", "amount"))
    assert shares == {space.pk: 501, other_space.pk: 500}  # 500.5 each: the tie goes to district 1
    services.budget_year_set(user=coordinator, city=city, year=budget.year, total=1000, rule="equal")
    assert sorted(CouncilAllocation.objects.filter(budget=budget).values_list("amount", flat=True)) == [500, 500]
    entries = AuditEntry.objects.filter(action="council.budget_set").order_by("pk")
    assert entries.count() == 2 and entries.last().data["before"] == {str(space.pk): 501, str(other_space.pk): 500}


@pytest.mark.django_db
def test_only_coordinators_set_the_budget_and_bad_input_is_refused(personas, coordinator, city, space):
    with pytest.raises(NotAllowed):
        services.budget_year_set(user=personas["district_council_member"], city=city, year=2027, total=1, rule="equal")
    for kwargs, field in (({"year": 1}, "year"), ({"total": -5}, "total"), ({"rule": "lottery"}, "rule")):
        data = {"year": 2027, "total": 100, "rule": "equal", **kwargs}
        with pytest.raises(ApplicationError) as refused:
            services.budget_year_set(user=coordinator, city=city, **data)
        assert field in refused.value.field_errors
    assert not CouncilAllocation.objects.exists()


@pytest.mark.django_db
def test_funded_activities_derive_the_balance_and_an_overspend_needs_a_coordinators_reason(
    process, coordinator, member, space, budget
):
    held = make_session(process, space, days=-2, state=EventState.HELD)
    today = datetime.date.today()
    year = budget.year

    def record(user, amount, **extra):
        return services.funding_record(
            user=user, space=space, year=year, activity="Sprachcafé", amount=amount, date=today, session=held, **extra
        )

    record(member, "300")
    record(member, Decimal("200.50"))
    summary = selectors.budget_summary(space, year)
    assert (summary.allocated, summary.spent, summary.balance) == (501, Decimal("500.50"), Decimal("0.50"))
    with pytest.raises(ApplicationError) as refused:
        record(member, "1")
    assert "amount" in refused.value.field_errors
    with pytest.raises(NotAllowed):
        record(member, "1", override_reason="Dringend")  # only a coordinator overrides
    record(coordinator, "1", override_reason="Beschluss des Bezirksrats, Nachtrag folgt")
    assert selectors.budget_summary(space, year).balance == Decimal("-0.50")
    override = AuditEntry.objects.get(action="council.funding_override")
    assert override.data["reason"].startswith("Beschluss") and override.data["balance_before"] == "0.50"
    assert AuditEntry.objects.filter(action="council.funding_recorded").count() == 2


@pytest.mark.django_db
def test_bad_funding_input_is_refused(process, member, space, other_space, other_member, budget):
    held = make_session(process, space, days=-2, state=EventState.HELD)
    planned = make_session(process, space, days=3)
    today = datetime.date.today()
    good = {"space": space, "year": budget.year, "activity": "Fest", "amount": "10", "date": today, "session": held}
    for change, field in (
        ({"activity": ""}, "activity"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"date": today + datetime.timedelta(days=1)}, "date"),
        ({"session": planned}, "session"),
        ({"year": budget.year + 1, "date": today.replace(year=budget.year + 1)}, "date"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.funding_record(user=member, **{**good, **change})
        assert field in refused.value.field_errors, change
    with pytest.raises(NotAllowed):
        services.funding_record(user=other_member, **good)
    assert not FundedActivity.objects.exists()


@pytest.mark.django_db
def test_the_budget_pages(client, process, coordinator, member, other_member, city, space, other_space):
    from django.urls import reverse

    from teilhabe.councils.tests.conftest import EN

    year = timezone_year()
    city_page = reverse("councils:city_budget", kwargs={"city": city.pk, "year": year})
    client.force_login(member)
    assert client.get(city_page, **EN).status_code == 403
    client.force_login(coordinator)
    assert client.post(city_page, {"total": "-1", "rule": "population"}, **EN).status_code == 400
    assert client.post(city_page, {"total": "150000", "rule": "population"}, **EN).status_code == 302
    html = client.get(city_page, **EN).content.decode()
    assert "75,000" in html and "Integrationsbeirat Nord" in html
    assert client.get(reverse("councils:city_budget", kwargs={"city": city.pk, "year": "99"}), **EN).status_code == 404
    held = make_session(process, space, days=-2, state=EventState.HELD)
    page = reverse("councils:space_budget", kwargs={"pk": space.pk, "year": year})
    client.force_login(member)
    data = {"activity": "Nachbarschaftsfest", "amount": "1200.00", "date": datetime.date.today().isoformat()}
    assert client.post(page, {**data, "session": held.pk}, **EN).status_code == 302
    response = client.post(page, {**data, "amount": "80000", "session": held.pk}, **EN)
    assert response.status_code == 400 and "more than the council&#x27;s balance" in response.content.decode()
    assert "override_reason" not in response.content.decode()  # a member cannot override
    html = client.get(reverse("councils:district", kwargs={"slug": process.slug, "number": 1}), **EN)
    assert "Nachbarschaftsfest" in html.content.decode() and "73,800.00" in html.content.decode()
    client.force_login(other_member)
    assert client.get(page, **EN).status_code == 403
