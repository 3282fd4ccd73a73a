"""The process indicators of the metrics module (docs/metrics.md, "Process indicators")."""

import datetime

import pytest
from django.utils import timezone

from teilhabe.administration import services as answers
from teilhabe.administration.models import AnswerPath, Department
from teilhabe.conftest import make_contribution
from teilhabe.contributions import services as contribution_services
from teilhabe.monitoring import metrics
from teilhabe.plan.models import Measure


@pytest.fixture
def department(personas):
    return Department.objects.get(code="50")


def test_participants_are_distinct_accounts_and_never_added_up(process, personas, settings):
    settings.SMALL_CELL_K = 3  # the smallest k allowed: three accounts are shown
    participant, coordinator = personas["participant"], personas["coordinator"]
    first = make_contribution(process, participant)
    make_contribution(process, participant, title="Noch eine Idee zum Thema")
    contribution_services.support_add(contribution=first, user=coordinator)
    contribution_services.support_add(contribution=first, user=personas["department_staff"])
    contribution_services.comment_create(contribution=first, user=participant, body="Ergänzung")
    contribution_services.comment_create(contribution=first, user=coordinator, body="Danke")
    figures = metrics.participant_figures(process=process)
    # The participant contributed twice and commented, the coordinator supported and commented, a member of staff
    # supported: three accounts.
    assert figures["registered"] == 3
    assert figures["anonymous_online"] == 0


def test_one_account_is_a_small_cell(process, personas):
    make_contribution(process, personas["participant"])
    assert metrics.participant_figures(process=process)["registered"] is None  # 1 < k = 5


def test_contributions_by_dimension(process, personas, city):
    soziales = process.fields_of_action.get(slug="soziales")
    bildung = process.fields_of_action.get(slug="bildung")
    make_contribution(
        process,
        personas["participant"],
        fields_of_action=[bildung, soziales],
        district=city.districts.get(number=2),
        language="tr",
    )
    make_contribution(process, personas["participant"], title="Zweiter Beitrag hier", fields_of_action=[bildung])
    assert metrics.contributions_by(process=process, dimension="field_of_action") == {"bildung": 2, "soziales": 1}
    assert metrics.contributions_by(process=process, dimension="district") == {"2": 1, "": 1}
    assert metrics.contributions_by(process=process, dimension="language") == {"tr": 1, "de": 1}
    assert metrics.contributions_by(process=process, dimension="target_group") == {"": 2}
    month = f"{timezone.now():%Y-%m}"
    assert metrics.contributions_over_time(process=process) == [(month, 2)]
    [(week, count)] = metrics.contributions_over_time(process=process, period="week")
    assert week.startswith(str(timezone.now().isocalendar()[0])) and count == 2
    with pytest.raises(ValueError):
        metrics.contributions_by(process=process, dimension="colour")


def test_answer_rates_median_and_dispositions(process, personas, department):
    coordinator, staff, head = personas["coordinator"], personas["department_staff"], personas["department_head"]
    contributions = [make_contribution(process, personas["participant"], title=f"Beitrag Nummer {n}") for n in range(4)]
    answers.routing_route(user=coordinator, process=process, contributions=contributions[:3], lead=department)
    durations = [1, 3, 10]
    for contribution, days in zip(contributions[:3], durations, strict=True):
        statement = answers.statement_save(user=staff, contribution=contribution, text="Antwort")
        statement = answers.statement_submit(user=staff, statement=statement)
        statement = answers.statement_review(user=head, statement=statement, sign_off=True)
        answers.statement_publish(user=staff, statement=statement)
        path = AnswerPath.objects.get(contribution=contribution)
        path.answered_at = path.routed_at + datetime.timedelta(days=days)
        path.save()
    answers.disposition_decide(
        user=coordinator, process=process, contributions=[contributions[0]], outcome="adopted", justification="Gut"
    )
    rates = metrics.answer_rate_figures(process=process)
    assert (rates["answerable"], rates["routed"], rates["answered"], rates["disposed"]) == (4, 3, 3, 1)
    assert rates["routed_rate"] == 75.0 and rates["disposed_rate"] == 25.0
    assert metrics.median_days_to_statement(process=process) == {"answered": 3, "median_days": 3.0}
    shares = metrics.disposition_shares(process=process)
    assert shares["decided"] == 1 and shares["by_outcome"]["adopted"] == 1 and shares["shares"]["adopted"] == 100.0


def test_median_of_an_even_number_is_the_mean_of_the_middle_two(process, personas, department):
    coordinator = personas["coordinator"]
    contributions = [make_contribution(process, personas["participant"], title=f"Beitrag Nummer {n}") for n in range(2)]
    answers.routing_route(user=coordinator, process=process, contributions=contributions, lead=department)
    now = timezone.now()
    for contribution, days in zip(contributions, (2, 5), strict=True):
        AnswerPath.objects.filter(contribution=contribution).update(
            routed_at=now, answered_at=now + datetime.timedelta(days=days)
        )
    assert metrics.median_days_to_statement(process=process)["median_days"] == 3.5


def test_measures_by_status(process):
    for code, status in (("1.1", "completed"), ("1.2", "planned"), ("1.3", "planned")):
        Measure.objects.create(process=process, code=code, status=status)
    counts = metrics.measures_by_status(process=process)
    assert counts["planned"] == 2 and counts["completed"] == 1 and counts["discontinued"] == 0


def test_competition_figures(process, personas):
    from teilhabe.competitions.models import Application, Call, Decision, Grant

    call = Call.objects.get(title="Ideenwettbewerb")
    submitted = Application.objects.create(
        call=call, applicant=personas["participant"], kind="group", title="A", state="submitted"
    )
    Application.objects.create(call=call, applicant=personas["participant"], kind="group", title="B", state="draft")
    Decision.objects.create(
        application=submitted, outcome="approved", decided_on=timezone.localdate(), session_reference="IA 1/2026"
    )
    Grant.objects.create(application=submitted, amount=1500)
    figures = metrics.competition_figures(process=process)
    assert figures["totals"]["submitted"] == 1 and figures["totals"]["approved"] == 1
    assert figures["totals"]["granted"] == "1500.00" and figures["calls"][0]["title"] == "Ideenwettbewerb"
