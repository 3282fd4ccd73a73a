"""Calls: set-up by the coordinators (defaults from the fund, tiers, criteria, translations, publishing), the
rules locked once a published call opens, the funding tiers' checks with a message naming the rule, and the public
pages with the rules in plain language."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from teilhabe.competitions import services
from teilhabe.competitions.models import Call, Criterion, FundingTier
from teilhabe.competitions.selectors import CallState, call_state, call_tiers, tier_problem
from teilhabe.competitions.tests.conftest import GFZ_CRITERIA, call_data, client_of
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry, ContentTranslation

pytestmark = pytest.mark.django_db


def test_a_new_call_gets_the_funds_default_tiers_and_criteria(call, fund):
    assert [(t.up_to, t.kind, t.min_own_share) for t in call_tiers(call)] == [
        (Decimal("5000.00"), "fixed", Decimal("0.00")),
        (Decimal("10000.00"), "own_contribution", Decimal("20.00")),
        (None, "partial", Decimal("0.00")),
    ]
    assert list(call.criteria.values_list("name", flat=True)) == GFZ_CRITERIA
    # The fund's defaults stay (one set per fund, one per call).
    assert FundingTier.objects.filter(fund=fund, call__isnull=True).count() == 3
    assert AuditEntry.objects.filter(action="call.created", object_id=str(call.pk)).exists()
    assert not call.is_published


def test_the_tiers_name_the_rule_that_is_broken(call):
    tiers = call_tiers(call)
    ok = tier_problem(tiers, requested=Decimal("4000"), total_costs=Decimal("4000"), own_contribution=Decimal("0"))
    assert ok is None
    # €8,000 asked, €10,000 costs, €1,000 own: 10 % < 20 %.
    problem = tier_problem(
        tiers, requested=Decimal("8000"), total_costs=Decimal("10000"), own_contribution=Decimal("1000")
    )
    assert problem is not None
    assert "20" in problem and "10" in problem and "own contribution" in problem
    assert "5.000,00" in problem or "5,000.00" in problem  # the rule is named by its amounts
    assert (
        tier_problem(tiers, requested=Decimal("8000"), total_costs=Decimal("10000"), own_contribution=Decimal("2000"))
        is None
    )
    # Above €10,000: partial financing, so asking for all the costs breaks the rule.
    partial = tier_problem(
        tiers, requested=Decimal("15000"), total_costs=Decimal("15000"), own_contribution=Decimal("0")
    )
    assert partial is not None and "part of the costs" in partial
    assert (
        tier_problem(tiers, requested=Decimal("15000"), total_costs=Decimal("18000"), own_contribution=Decimal("0"))
        is None
    )


def test_an_amount_above_every_tier_is_refused(coordinator, fund, process):
    call = services.call_create(user=coordinator, process=process, fund=fund, **call_data())
    services.tier_add(user=coordinator, call=call, up_to="5000", kind="fixed")
    problem = tier_problem(
        call_tiers(call), requested=Decimal("5000.01"), total_costs=Decimal("6000"), own_contribution=Decimal(0)
    )
    assert "above every funding tier" in problem


def test_bad_call_data_is_refused_and_nothing_is_saved(defaults, coordinator, process):
    now = timezone.now()
    cases = [
        ({"title": ""}, "title"),
        ({"closes": now - datetime.timedelta(days=1), "opens": now}, "closes"),
        ({"max_grant": Decimal("70000")}, "max_grant"),
        ({"allows_organisations": False, "allows_groups": False}, "allows_organisations"),
        ({"scale_min": 5, "scale_max": 5}, "scale_max"),
        ({"max_months": 0}, "max_months"),
    ]
    for overrides, field in cases:
        with pytest.raises(ApplicationError) as error:
            services.call_create(user=coordinator, process=process, fund=defaults, **call_data(**overrides))
        assert field in error.value.field_errors, overrides
    assert not Call.objects.filter(title="Zusammen Wirken").exists()


def test_tier_and_criterion_checks(call, coordinator):
    with pytest.raises(ApplicationError):
        services.tier_add(user=coordinator, call=call, up_to="5000", kind="fixed")  # a second tier up to €5,000
    with pytest.raises(ApplicationError):
        services.tier_add(user=coordinator, call=call, up_to=None, kind="partial")  # a second open-ended one
    with pytest.raises(ApplicationError):
        services.tier_add(user=coordinator, call=call, up_to="7000", kind="own_contribution", min_own_share=0)
    with pytest.raises(ApplicationError):
        services.tier_add(user=coordinator, call=call, up_to="7000", kind="fixed", min_own_share=101)
    with pytest.raises(ApplicationError):
        services.criterion_add(user=coordinator, call=call, name="", weight=1)
    with pytest.raises(ApplicationError):
        services.criterion_add(user=coordinator, call=call, name="Kosten", weight=0)
    assert call.tiers.count() == 3 and call.criteria.count() == 4


def test_publishing_needs_budget_criteria_and_tiers(coordinator, fund, process):
    call = services.call_create(user=coordinator, process=process, fund=fund, **call_data(budget=None))
    with pytest.raises(ApplicationError) as error:
        services.call_publish(user=coordinator, call=call)
    assert "budget" in str(error.value.message) and "criterion" in str(error.value.message)
    call.refresh_from_db()
    assert not call.is_published


def test_the_rules_stay_as_published_once_the_call_opens(call, coordinator):
    services.call_publish(user=coordinator, call=call)
    Call.objects.filter(pk=call.pk).update(opens=timezone.now() - datetime.timedelta(hours=1))
    call.refresh_from_db()
    with pytest.raises(Conflict):
        services.tier_add(user=coordinator, call=call, up_to="2000", kind="fixed")
    with pytest.raises(Conflict):
        services.criterion_remove(user=coordinator, criterion=call.criteria.first())
    data = {name: getattr(call, name) for name in services.CALL_FIELDS}
    with pytest.raises(Conflict):
        services.call_update(user=coordinator, call=call, **{**data, "max_grant": Decimal("30000")})
    # Texts and the closing date still change.
    later = call.closes + datetime.timedelta(days=7)
    services.call_update(user=coordinator, call=call, **{**data, "description": "Neu.", "closes": later})
    call.refresh_from_db()
    assert call.description == "Neu." and call.closes == later and call.max_grant == Decimal("20000.00")


def test_the_period_is_the_servers(call):
    now = timezone.now()
    assert call_state(call, now) == CallState.UPCOMING
    assert call_state(call, call.opens) == CallState.OPEN
    assert call_state(call, call.closes - datetime.timedelta(seconds=1)) == CallState.OPEN
    assert call_state(call, call.closes) == CallState.CLOSED


def test_only_the_processes_coordinators_set_up_calls(personas, call, process):
    for role, user in personas.items():
        if role == "coordinator":
            continue
        with pytest.raises(NotAllowed):
            services.call_create(user=user, process=process, fund=call.fund, **call_data())
        with pytest.raises(NotAllowed):
            services.call_publish(user=user, call=call)
        with pytest.raises(NotAllowed):
            services.criterion_add(user=user, call=call, name="x")


# --- pages ----------------------------------------------------------------------------------------------------


def test_setting_up_a_call_in_the_site(defaults, coordinator, process, personas):
    client = client_of(coordinator)
    url = reverse("competitions:call_create", kwargs={"slug": process.slug})
    assert client.get(url).status_code == 200
    now = timezone.localtime()
    form = {
        "fund": defaults.pk,
        "title": "Eine Sprache für alle",
        "theme": "Sprachen",
        "description": "Text",
        "opens": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes": (now + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        "budget": "50000",
        "max_grant": "20000",
        "max_months": "18",
        "allows_organisations": "on",
        "scale_min": "0",
        "scale_max": "10",
    }
    assert client.post(url, {**form, "closes": form["opens"]}).status_code == 400
    response = client.post(url, form)
    assert response.status_code == 302
    call = Call.objects.get(title="Eine Sprache für alle")
    setup = reverse("competitions:call", kwargs={"pk": call.pk})
    page = client.get(setup)
    assert page.status_code == 200 and "Size of the target group" in page.content.decode()
    tier = client.post(reverse("competitions:tier_add", kwargs={"pk": call.pk}), {"up_to": "5000", "kind": "fixed"})
    assert tier.status_code == 400 and "tier up to this amount already" in tier.content.decode()
    added = client.post(
        reverse("competitions:criterion_add", kwargs={"pk": call.pk}), {"name": "Nachhaltigkeit", "weight": "2"}
    )
    assert added.status_code == 302
    criterion = call.criteria.get(name="Nachhaltigkeit")
    edit = reverse("competitions:criterion_edit", kwargs={"pk": call.pk, "criterion": criterion.pk})
    assert client.post(edit, {"name": "Nachhaltige Wirkung", "weight": "3"}).status_code == 302
    criterion.refresh_from_db()
    assert criterion.weight == 3
    translate = reverse("competitions:call_translate", kwargs={"pk": call.pk})
    assert client.get(translate + "?sprache=tr").status_code == 200
    assert client.post(translate + "?sprache=tr", {"title": "Herkes için bir dil"}).status_code == 302
    assert ContentTranslation.objects.filter(object_id=call.pk, language="tr", field="title").exists()
    assert client.get(translate + "?sprache=xx").status_code == 400
    assert client.post(reverse("competitions:call_publish", kwargs={"pk": call.pk})).status_code == 302
    call.refresh_from_db()
    assert call.is_published
    # Nobody else gets these pages.
    for role, user in personas.items():
        if role == "coordinator":
            continue
        other = client_of(user)
        assert other.get(setup).status_code == 403, role
        assert other.get(reverse("competitions:calls", kwargs={"slug": process.slug})).status_code == 403, role
        assert other.post(reverse("competitions:call_publish", kwargs={"pk": call.pk})).status_code == 403, role


def test_the_public_call_page_explains_the_rules(call, coordinator, process, django_capture_on_commit_callbacks):
    url = reverse("competitions:public_call", kwargs={"slug": process.slug, "pk": call.pk})
    assert client_of(None).get(url).status_code == 404  # not published yet
    with django_capture_on_commit_callbacks(execute=True):
        services.call_publish(user=coordinator, call=call)
    page = client_of(None).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Not open yet" in html
    assert "only with an own contribution of at least 20.0 % of the costs" in html
    assert "Up to 5,000.00\xa0€: paid as a fixed amount" in html
    assert "Size of the target group" in html and "(25 % of the score)" in html
    assert "At most 18 months." in html
    listing = client_of(None).get(reverse("competitions:public_calls", kwargs={"slug": process.slug}))
    assert "Zusammen Wirken" in listing.content.decode()
    # A change of the call shows at once on the cached page.
    data = {name: getattr(call, name) for name in services.CALL_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):
        services.call_update(user=coordinator, call=call, **{**data, "title": "Zusammen Wirken 2027"})
    assert "Zusammen Wirken 2027" in client_of(None).get(url).content.decode()
    assert client_of(None).get(url.replace(str(call.pk), f"0{call.pk}")).status_code == 404
    cache.clear()


def test_the_funds_defaults_page(defaults, coordinator, personas, process):
    client = client_of(coordinator)
    url = reverse("competitions:fund_defaults", kwargs={"pk": defaults.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Size of the target group" in page.content.decode()
    assert client.post(url, {"action": "add_criterion", "name": "Kosten", "weight": "2"}).status_code == 302
    assert client.post(url, {"action": "add_tier", "up_to": "5000", "kind": "fixed"}).status_code == 400  # exists
    criterion = Criterion.objects.get(fund=defaults, call__isnull=True, name="Kosten")
    call = services.call_create(user=coordinator, process=process, fund=defaults, **call_data())
    assert call.criteria.filter(name="Kosten", weight=2).exists()  # new calls start with the defaults
    assert client.post(url, {"action": "remove_criterion", "id": criterion.pk}).status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert call.criteria.filter(name="Kosten").exists()  # the call keeps its copy
    assert client.post(url, {"action": "other"}).status_code == 400
    for role, user in personas.items():
        if role != "coordinator":
            assert client_of(user).get(url).status_code == 403, role
