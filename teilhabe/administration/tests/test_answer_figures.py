"""The figure "answered" (monitoring.metrics.answer_figures, docs/metrics.md) and the process page showing it."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from teilhabe.administration import services
from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.contributions import services as contribution_services
from teilhabe.monitoring.metrics import answer_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(process, participant):
    return [another_contribution(process, participant, title=f"Beitrag {n}") for n in range(5)]


def answer_statement(contribution, personas):
    staff, head = personas["department_staff"], personas["department_head"]
    statement = services.statement_save(user=staff, contribution=contribution, text="Antwort")
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=True)
    services.statement_publish(user=staff, statement=statement)


def test_counts_by_state(
    process, coordinator, personas, department, five, paper_contribution, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_route(user=coordinator, process=process, contributions=five[:4], lead=department)
        services.statement_save(user=personas["department_staff"], contribution=five[1], text="Entwurf")
        answer_statement(five[2], personas)
        services.disposition_decide(
            user=coordinator, process=process, contributions=[five[3], five[4]], outcome="adopted", justification="Ja"
        )
    figures = answer_figures(process=process)
    assert figures["answerable"] == 6  # five online, one from paper
    assert figures["answered"] == 3  # one statement published, two decided
    assert figures["by_state"] == {
        "received": 1,
        "routed": 1,
        "statement_in_progress": 1,
        "statement_published": 1,
        "disposed": 2,
    }


def test_unpublished_analog_input_counts_and_removed_contributions_do_not(
    process, coordinator, department, five, django_capture_on_commit_callbacks
):
    withheld = contribution_services.contribution_record_analog(
        process=process,
        user=coordinator,
        channel="letter",
        title="Brief ohne Einwilligung",
        body="Bitte nicht veröffentlichen.",
        fields_of_action=[process.fields_of_action.first()],
        publication_consent=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.disposition_decide(
            user=coordinator, process=process, contributions=[withheld, five[0]], outcome="adopted", justification="Ja"
        )
    assert answer_figures(process=process)["answered"] == 2
    assert answer_figures(process=process)["answerable"] == 6
    with django_capture_on_commit_callbacks(execute=True):
        contribution_services.contribution_moderate(
            contribution=five[0], user=coordinator, publish=False, reason="off_topic"
        )
    figures = answer_figures(process=process)
    assert figures["answered"] == 1 and figures["answerable"] == 5
    assert figures["by_state"]["disposed"] == 1 and figures["by_state"]["received"] == 4


def of(answered, answerable) -> str:
    """The figure as the page says it, in the page's language (German)."""
    return gettext("%(answered)s of %(answerable)s") % {"answered": answered, "answerable": answerable}


def figure_on(html) -> str:
    match = re.search(r'<li class="figure-answered"><strong>([^<]+)</strong>', html)
    assert match, "no answered figure on the page"
    return match.group(1)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_process_page_shows_it_and_is_never_stale(
    process, coordinator, department, five, personas, signed_in, django_capture_on_commit_callbacks
):
    client = Client()
    if signed_in:
        client.force_login(personas["participant"])
    url = reverse("processes:detail", kwargs={"slug": process.slug})
    assert figure_on(client.get(url).content.decode()) == of(0, 5)
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_route(user=coordinator, process=process, contributions=five[:2], lead=department)
        answer_statement(five[0], personas)
    assert figure_on(client.get(url).content.decode()) == of(1, 5)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposition_decide(
            user=coordinator, process=process, contributions=five[1:3], outcome="adopted", justification="Ja"
        )
    assert figure_on(client.get(url).content.decode()) == of(3, 5)


def test_the_figure_is_read_cheaply(process, five, django_assert_max_num_queries):
    answer_figures(process=process)
    with django_assert_max_num_queries(0):
        answer_figures(process=process)  # cached until the process's figures version changes
