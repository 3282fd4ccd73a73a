"""The public timeline "What happened to my contribution" (administration/templatetags/answers.py).

Its content in every state, its markup, that nothing internal reaches it, and that it is never stale: the
fragment is keyed by the contribution's version and the content version, the whole page for anonymous readers
by the process's figures version; the services bump them when they commit.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from teilhabe.administration import services
from teilhabe.administration.templatetags.answers import timeline_key

pytestmark = pytest.mark.django_db


def english(client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def timeline_of(client, contribution) -> str:
    """The timeline section of the contribution's page, as text (tags removed)."""
    response = client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section aria-labelledby="answer-timeline-title".*?</section>', html, re.S)
    assert match, "no timeline on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def timeline_html(client, contribution) -> str:
    html = client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk})).content.decode()
    return re.search(r'<section aria-labelledby="answer-timeline-title".*?</section>', html, re.S).group(0)


@pytest.fixture
def reader():
    return english(Client())


def publish_statement(contribution, personas, text="Wir prüfen ein Angebot mit Kinderbetreuung."):
    staff, head = personas["department_staff"], personas["department_head"]
    statement = services.statement_save(user=staff, contribution=contribution, text=text)
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=True)
    return services.statement_publish(user=staff, statement=statement)


def test_a_received_contribution_says_what_comes_next(reader, contribution):
    text = timeline_of(reader, contribution)
    assert "What happened to my contribution" in text
    assert "Received online" in text
    assert "Published on this site" in text
    assert "Not yet passed to a department" in text
    assert "A department has not yet answered." in text
    assert "Not yet decided" in text
    assert "Measures" not in text and "plan exists" not in text


def test_the_channel_of_analog_input_is_named(reader, paper_contribution):
    assert "Received by paper form" in timeline_of(reader, paper_contribution)


def test_routing_names_the_lead_and_contributing_departments(
    reader, process, coordinator, contribution, department, other_department
):
    services.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution],
        lead=department,
        contributing=[other_department],
    )
    text = timeline_of(reader, contribution)
    assert "Passed to a department" in text
    assert "Lead department: Soziales" in text
    assert "Also asked: Bildung" in text
    assert "Not yet passed to a department" not in text
    assert "A department has not yet answered." in text


def test_rerouting_shows_both_steps(reader, process, coordinator, routed, other_department):
    services.routing_route(user=coordinator, process=process, contributions=[routed], lead=other_department)
    text = timeline_of(reader, routed)
    assert "Lead department: Soziales" in text
    assert "Passed to another department" in text
    assert "Lead department: Bildung" in text


def test_a_published_statement_shows_with_its_department_and_date(reader, routed, personas):
    statement = publish_statement(routed, personas)
    html = timeline_html(reader, routed)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Statement of Soziales" in text
    assert "Wir prüfen ein Angebot mit Kinderbetreuung." in text
    assert (
        f'<time datetime="{statement.published_at.astimezone().isoformat()[:10]}' in html or "<time datetime=" in html
    )
    assert "A department has not yet answered." not in text


def test_a_decision_shows_with_justification_and_where_it_went(reader, process, coordinator, routed):
    services.disposition_decide(
        user=coordinator,
        process=process,
        contributions=[routed],
        outcome="outside_competence",
        justification="Das Land ist zuständig.",
        forwarded_to="Kultusministerium",
    )
    text = timeline_of(reader, routed)
    assert "Decision: Outside municipal competence" in text
    assert "Das Land ist zuständig." in text
    assert "Forwarded to: Kultusministerium" in text
    assert "Not yet decided" not in text


def test_a_changed_decision_names_the_earlier_one(reader, process, coordinator, routed):
    for outcome, reason in (("not_adopted", "Zunächst nicht."), ("adopted", "Nun doch.")):
        services.disposition_decide(
            user=coordinator, process=process, contributions=[routed], outcome=outcome, justification=reason
        )
    text = timeline_of(reader, routed)
    assert "Decision: Adopted" in text and "Nun doch." in text
    assert "Earlier decisions: Not adopted" in text
    assert "Zunächst nicht." not in text


def test_the_statement_in_the_readers_language_or_german_with_a_note(reader, routed, personas):
    statement = publish_statement(routed, personas)
    text = timeline_of(reader, routed)
    assert "Wir prüfen ein Angebot mit Kinderbetreuung." in text
    assert "not yet available in your language and is shown in German" in text
    services.statement_translation_set(
        user=personas["department_staff"], statement=statement, language="en", text="We are looking at childcare."
    )
    cache.clear()
    text = timeline_of(reader, routed)
    assert "We are looking at childcare." in text
    assert "Wir prüfen" not in text
    assert "shown in German" not in text


def test_a_german_reader_gets_the_original(routed, personas):
    publish_statement(routed, personas)
    html = timeline_html(Client(), routed)
    assert '<span lang="de">Wir prüfen ein Angebot mit Kinderbetreuung.</span>' in html


def test_markup_is_an_ordered_list_with_headings_and_times(reader, routed, personas):
    publish_statement(routed, personas)
    html = timeline_html(reader, routed)
    assert '<h2 id="answer-timeline-title">' in html
    assert '<ol class="answer-timeline">' in html
    assert html.count("<h3>") == 5  # received, published, routed, statement, decision (upcoming)
    assert html.count("<time datetime=") == 4
    assert "is-upcoming" in html


def test_nothing_internal_reaches_the_public_page(
    process, coordinator, contribution, department, other_department, personas
):
    services.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution],
        lead=department,
        contributing=[other_department],
    )
    staff, head = personas["department_staff"], personas["department_head"]
    services.note_add(user=staff, contribution=contribution, text="INTERNE-NOTIZ nur für uns")
    services.statement_input_add(
        user=other_department.staff_member, contribution=contribution, text="ZULIEFERUNG Bildung"
    )
    statement = services.statement_save(user=staff, contribution=contribution, text="ENTWURF der Antwort")
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=False, comment="RUECKGABE bitte kürzen")
    services.statement_save(user=staff, contribution=contribution, text="FREIGEGEBEN noch nicht veröffentlicht")
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=True, comment="FREIGABE-KOMMENTAR")
    secrets = ["INTERNE-NOTIZ", "ZULIEFERUNG", "ENTWURF", "RUECKGABE", "FREIGEGEBEN", "FREIGABE-KOMMENTAR", "staff@"]
    for client in (Client(), english(Client())):
        page = client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk})).content.decode()
        assert [secret for secret in secrets if secret in page] == []
    participant_client = Client()
    participant_client.force_login(personas["participant"])
    page = participant_client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk})).content.decode()
    assert [secret for secret in secrets if secret in page] == []
    services.statement_publish(user=staff, statement=statement)
    cache.clear()
    page = Client().get(reverse("contributions:detail", kwargs={"pk": contribution.pk})).content.decode()
    assert "FREIGEGEBEN noch nicht veröffentlicht" in page  # now published: the text, and nothing else internal
    assert [secret for secret in secrets if secret in page and secret != "FREIGEGEBEN"] == []


def test_the_timeline_is_a_cached_fragment(reader, routed):
    timeline_of(reader, routed)
    assert cache.get(timeline_key(routed.pk, "en")) is not None


# Freshness: every public step shows on the next request, for signed-in and anonymous readers. ---------------


@pytest.fixture(params=["signed in", "anonymous"])
def any_reader(request, personas):
    client = english(Client())
    if request.param == "signed in":
        client.force_login(personas["evaluator"])
    return client


def test_routing_shows_at_once(
    any_reader, process, coordinator, contribution, department, django_capture_on_commit_callbacks
):
    assert "Not yet passed to a department" in timeline_of(any_reader, contribution)
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_route(user=coordinator, process=process, contributions=[contribution], lead=department)
    assert "Lead department: Soziales" in timeline_of(any_reader, contribution)


def test_a_published_statement_shows_at_once(any_reader, routed, personas, django_capture_on_commit_callbacks):
    assert "A department has not yet answered." in timeline_of(any_reader, routed)
    with django_capture_on_commit_callbacks(execute=True):
        publish_statement(routed, personas, text="Eine frische Antwort.")
    assert "Eine frische Antwort." in timeline_of(any_reader, routed)


def test_a_decision_shows_at_once(any_reader, process, coordinator, routed, django_capture_on_commit_callbacks):
    assert "Not yet decided" in timeline_of(any_reader, routed)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposition_decide(
            user=coordinator, process=process, contributions=[routed], outcome="adopted", justification="Gute Idee."
        )
    text = timeline_of(any_reader, routed)
    assert "Decision: Adopted" in text and "Gute Idee." in text


def test_translations_show_at_once(
    any_reader, process, coordinator, routed, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statement = publish_statement(routed, personas)
        [decision] = services.disposition_decide(
            user=coordinator, process=process, contributions=[routed], outcome="adopted", justification="Gute Idee."
        )
    assert "Gute Idee." in timeline_of(any_reader, routed)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_translation_set(
            user=personas["department_staff"], statement=statement, language="en", text="English statement."
        )
    assert "English statement." in timeline_of(any_reader, routed)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposition_translation_set(user=coordinator, disposition=decision, language="en", text="Good idea.")
    text = timeline_of(any_reader, routed)
    assert "Good idea." in text and "Gute Idee." not in text


def test_a_hand_back_shows_at_once(any_reader, routed, personas, django_capture_on_commit_callbacks):
    from teilhabe.administration.models import Routing

    assert "Lead department: Soziales" in timeline_of(any_reader, routed)
    routing = Routing.objects.get(contribution=routed, state="active")
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_return(user=personas["department_staff"], routing=routing, reason="Nicht unser Thema.")
    text = timeline_of(any_reader, routed)
    assert "Nicht unser Thema." not in text  # the reason is internal
    assert "Lead department: Soziales" in text  # the public step stays in the history


def test_anonymous_readers_get_the_whole_page_from_the_cache_until_a_step(
    process, coordinator, contribution, department, django_capture_on_commit_callbacks
):
    """The premise of the anonymous freshness tests: the page is stored whole, and a public step makes it stale."""
    from teilhabe.core.page_cache import page_cache_keys_for

    url = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    client = Client()
    client.get(url)
    assert cache.get_many(page_cache_keys_for(url)), "the anonymous page was not stored"
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_route(user=coordinator, process=process, contributions=[contribution], lead=department)
    assert not cache.get_many(page_cache_keys_for(url)), "a stored page outlived the routing"
    assert "Soziales" in client.get(url).content.decode()
