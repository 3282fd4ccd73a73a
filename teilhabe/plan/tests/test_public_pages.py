"""The plan's public pages: the document of a version, a section with its comments and form, the list of measures
and a measure's page; who sees which version, bad addresses, query counts, Arabic, and that every change shows on
the next request (the page cache and the fragments)."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from teilhabe.conftest import PASSWORD, make_contribution
from teilhabe.contributions.models import Contribution, Status
from teilhabe.core.page_cache import page_cache_keys_for
from teilhabe.core.services import content_translation_set
from teilhabe.plan import services
from teilhabe.plan.models import Measure, MeasureStatus, Section, SectionComment, SectionKind

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def consultation(draft, coordinator, process, django_capture_on_commit_callbacks):
    """The draft out for consultation during the process's current (open) phase."""
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish_for_consultation(user=coordinator, version=draft, phase=process.phases.first())
    draft.refresh_from_db()
    return draft


@pytest.fixture
def adopted(draft, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.version_adopt(
            user=coordinator, version=draft, adopted_on=datetime.date(2026, 6, 1), document_number="1234/2026"
        )
    draft.refresh_from_db()
    return draft


def url(name, process, **kwargs):
    return reverse(f"plan:{name}", kwargs={"slug": process.slug, **kwargs})


def section_of(version, kind=SectionKind.GOAL) -> Section:
    return Section.objects.filter(version=version, kind=kind).order_by("number").first()


def login(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def text_of(response) -> str:
    return response.content.decode()


# --- before anything is published ----------------------------------------------------------------------------------


def test_without_a_published_version_the_plan_is_being_drafted(client, process):
    for name in ("plan", "measures"):
        response = client.get(url(name, process), **EN)
        assert response.status_code == 200, name
        assert "being drafted" in text_of(response)


def test_an_unpublished_process_has_no_plan_pages(client, closed_process, process):
    closed_process.is_published = False
    closed_process.save()
    assert client.get(url("plan", closed_process)).status_code == 404


# --- who sees which version ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (None, False),
        ("participant", False),
        ("evaluator", False),
        ("jury_member", False),
        ("coordinator", True),
        ("department_staff", True),
        ("department_head", True),
    ],
)
def test_a_working_draft_is_seen_by_staff_only(client, draft, personas, process, role, visible):
    if role:
        login(client, personas[role])
    section = section_of(draft)
    pages = [
        url("version", process, number=draft.number),
        url("section", process, number=draft.number, key=section.key),
        url("measure", process, code="M-001"),
    ]
    for page in pages:
        assert client.get(page).status_code == (200 if visible else 404), page
    plan_page = client.get(url("plan", process), **EN)
    assert plan_page.status_code == 200
    assert ("Read the working draft" in text_of(plan_page)) == visible


def test_published_versions_are_public_and_kept_whole(client, adopted, process):
    section = section_of(adopted)
    for page in (
        url("plan", process),
        url("version", process, number=1),
        url("section", process, number=1, key=section.key),
        url("measures", process),
        url("measure", process, code="M-001"),
    ):
        response = client.get(page, **EN)
        assert response.status_code == 200, page
        assert stored(page), f"{page}: not kept in the page cache"
        assert client.get(page, **EN).content == response.content


def test_a_section_page_with_its_comment_form_is_not_kept_whole(client, consultation, process):
    """The form holds a CSRF token: while comments are open the page is rendered for each reader (its parts come
    from the cache)."""
    page = url("section", process, number=1, key=section_of(consultation).key)
    assert "csrfmiddlewaretoken" in text_of(client.get(page, **EN))
    assert not stored(page)
    client.get(url("plan", process), **EN)
    assert stored(url("plan", process))


def stored(path) -> dict:
    return cache.get_many(page_cache_keys_for(path))


# --- the document ----------------------------------------------------------------------------------------------


def test_the_current_version_reads_as_a_document(client, consultation, process):
    response = client.get(url("plan", process), **EN)
    html = text_of(response)
    assert "Draft for consultation" in html and "Comments on its sections are welcome until" in html
    toc = re.search(r'<nav class="plan-toc".*?</nav>', html, re.S).group(0)
    tree_titles = ["Einleitung", "Bildung", "Ziel 1", "Soziales", "Ziel 2"]
    for title in tree_titles:
        assert title in toc
    assert "Maßnahme" not in toc  # the measures are in the list of measures
    for node_key in Section.objects.filter(version=consultation).values_list("key", flat=True):
        assert f'href="#s-{node_key}"' in html or f'id="s-{node_key}"' in html
    assert re.search(r"<h2 [^>]*><bdi class=\"plan-number\">2</bdi> <span[^>]*>Bildung</span></h2>", html)
    assert re.search(r"<h3 [^>]*><bdi class=\"plan-number\">2.1</bdi> <span[^>]*>Ziel 1</span></h3>", html)
    assert re.search(r"<h4 [^>]*><bdi class=\"plan-number\">2.1.1</bdi>", html)
    assert html.count('class="plan-status plan-status-planned">Planned</span>') == 3
    assert "50 Soziales" in html and "10,000 €" in html and "Geflüchtete" in html and "Mitte" in html
    assert url("measure", process, code="M-001") in html
    sections = Section.objects.filter(version=consultation).count()
    assert html.count("Comment on this section") == sections
    assert 'aria-current="page">Version 1' in html


def test_an_adopted_version_says_when_and_by_which_document(client, adopted, process):
    html = text_of(client.get(url("plan", process), **EN))
    assert "Adopted" in html and "1234/2026" in html and "June 1, 2026" in html
    assert "Comment on this section" not in html


def test_an_earlier_version_says_so_and_the_list_of_versions_links_all(
    client, adopted, coordinator, process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        second = services.version_create(user=coordinator, process=process, title="Integrationsplan 2")
        services.version_publish_for_consultation(user=coordinator, version=second, phase=process.phases.first())
    html = text_of(client.get(url("version", process, number=1), **EN))
    assert "This is an earlier version" in html
    assert url("version", process, number=2) in html
    current = text_of(client.get(url("plan", process), **EN))
    assert "Integrationsplan 2" in current and "This is an earlier version" not in current


def test_comments_are_offered_only_while_the_consultation_phase_allows_contributions(
    client, draft, coordinator, closed_process, process, django_capture_on_commit_callbacks
):
    # The consultation phase is not the current one: no comments.
    other = process.phases.create(
        name="Später",
        start=process.phases.first().end,
        end=process.phases.first().end + datetime.timedelta(days=3),
        allows_contribute=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish_for_consultation(user=coordinator, version=draft, phase=other)
    html = text_of(client.get(url("plan", process), **EN))
    assert "Comment on this section" not in html and "Comments on this draft are closed" in html
    section = section_of(draft)
    response = client.post(
        url("section", process, number=1, key=section.key),
        {"title": "x", "body": "y", "author_email": "a@example.org", "publication_consent": "on"},
    )
    assert response.status_code == 403


# --- a section, its comments and the form ---------------------------------------------------------------------------


def test_a_section_page_shows_its_text_subsections_and_form(client, consultation, process):
    section = section_of(consultation, SectionKind.FIELD)
    response = client.get(url("section", process, number=1, key=section.key), **EN)
    html = text_of(response)
    assert response.status_code == 200
    assert "Ausgangslage im Feld Bildung." in html and "Ziel 1" in html
    assert 'id="comment-form"' in html and 'name="author_email"' in html and 'name="publication_consent"' in html
    assert f'href="{url("version", process, number=1)}#s-{section.key}"' in html


def test_a_signed_in_resident_comments_on_a_section(client, consultation, participant, process):
    section = section_of(consultation)
    login(client, participant)
    page = url("section", process, number=1, key=section.key)
    form = client.get(page, **EN)
    assert 'name="author_email"' not in text_of(form)
    response = client.post(
        page,
        {"title": "Zum Ziel", "body": "Bitte auch Kitas einbeziehen.", "language": "de", "publication_consent": "on"},
    )
    contribution = Contribution.objects.get(title="Zum Ziel")
    assert response.status_code == 302 and response["Location"] == reverse(
        "contributions:detail", kwargs={"pk": contribution.pk}
    )
    assert SectionComment.objects.get(contribution=contribution).section == section
    html = text_of(client.get(page, **EN))
    assert "1 comment on this section" in html and "Zum Ziel" in html


def test_an_anonymous_comment_needs_an_address_and_is_confirmed_first(client, consultation, process):
    section = section_of(consultation)
    page = url("section", process, number=1, key=section.key)
    missing = client.post(page, {"title": "Anonym", "body": "Text", "publication_consent": "on"}, **EN)
    assert missing.status_code == 400
    assert "error-summary" in text_of(missing) and "author_email" in text_of(missing)
    response = client.post(
        page, {"title": "Anonym", "body": "Text", "author_email": "a@example.org", "publication_consent": "on"}
    )
    contribution = Contribution.objects.get(title="Anonym")
    assert contribution.status == Status.AWAITING_CONFIRMATION
    assert response["Location"] == reverse("contributions:submitted", kwargs={"pk": contribution.pk})


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "body": "Text", "publication_consent": "on"},
        {"title": "Titel", "body": "", "publication_consent": "on"},
        {"title": "Titel", "body": "Text"},
        {"title": "Titel", "body": "Text", "publication_consent": "on", "language": "xx"},
        {"title": "Titel", "body": "Text", "publication_consent": "on", "website": "spam"},
        {"title": "T" * 500, "body": "Text", "publication_consent": "on"},
    ],
)
def test_a_comment_with_errors_answers_400_with_a_message(client, consultation, participant, process, data):
    login(client, participant)
    section = section_of(consultation)
    response = client.post(url("section", process, number=1, key=section.key), data, **EN)
    assert response.status_code == 400
    assert 'class="error-summary"' in text_of(response)
    assert not SectionComment.objects.exists()


def test_an_adopted_version_takes_no_comments(client, adopted, participant, process):
    login(client, participant)
    section = section_of(adopted)
    page = url("section", process, number=1, key=section.key)
    assert 'id="comment-form"' not in text_of(client.get(page, **EN))
    response = client.post(page, {"title": "x", "body": "y", "publication_consent": "on"})
    assert response.status_code == 403


# --- bad addresses ---------------------------------------------------------------------------------------------


BAD_NUMBERS = ["0", "01", "+1", "1.0", "abc", "99", "9" * 40, "-1", "%2e%2e"]
BAD_KEYS = [
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "..",
    "%2e%2e%2f",
    "x" * 5000,
    "{12345678-1234-5678-1234-567812345678}",
]
BAD_CODES = ["M-999", "x" * 300, "..", "%2e%2e", "M-001%00", "'; drop table", "m-001"]


def test_bad_addresses_answer_404(client, consultation, process):
    section = section_of(consultation)
    for number in BAD_NUMBERS:
        assert client.get(f"/p/{process.slug}/plan/fassung/{number}/").status_code == 404, number
    for key in BAD_KEYS + [str(section.key).upper(), str(section.key).replace("-", "")]:
        assert client.get(f"/p/{process.slug}/plan/fassung/1/abschnitt/{key}/").status_code == 404, key
    for code in BAD_CODES:
        assert client.get(f"/p/{process.slug}/plan/massnahmen/{code}/").status_code == 404, code
    assert client.get(f"/p/{process.slug}/plan/fassung/../").status_code == 404
    assert client.get("/p/nope/plan/").status_code == 404
    assert client.get(f"/p/{process.slug}/plan/fassung/1/abschnitt/{section.key}/?page=abc").status_code == 404
    assert client.get(f"/p/{process.slug}/plan/fassung/1/abschnitt/{section.key}/?page=9").status_code == 404


def test_a_section_of_another_version_is_not_found_under_this_one(client, adopted, coordinator, process):
    second = services.version_create(user=coordinator, process=process)
    services.section_add(user=coordinator, owner=second, kind=SectionKind.TEXT, title="Neu")
    new = Section.objects.get(version=second, title="Neu")
    login(client, coordinator)
    assert client.get(url("section", process, number=2, key=new.key)).status_code == 200
    assert client.get(url("section", process, number=1, key=new.key)).status_code == 404


# --- the list of measures ----------------------------------------------------------------------------------------


@pytest.fixture
def listed(consultation, coordinator, personas, process, department, django_capture_on_commit_callbacks):
    """Three measures with different statuses, target groups and districts."""
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_status_change(
            user=coordinator,
            measure=Measure.objects.get(code="M-002"),
            status=MeasureStatus.IN_PROGRESS,
            date=datetime.date.today(),
            note="Begonnen.",
        )
    return consultation


def codes_in(response) -> list[str]:
    return re.findall(r"<td class=\"plan-code\"><bdi>(M-\d+)</bdi></td>", text_of(response))


def test_the_list_of_measures_filters(client, listed, process, city, department):
    page = url("measures", process)
    everything = client.get(page, **EN)
    assert codes_in(everything) == ["M-001", "M-002", "M-003"]
    assert re.search(r"Planned</span> <strong>2</strong>", text_of(everything))
    assert re.search(r"In progress</span> <strong>1</strong>", text_of(everything))
    assert codes_in(client.get(page, {"field": "soziales"}, **EN)) == ["M-003"]
    assert codes_in(client.get(page, {"status": "in_progress"}, **EN)) == ["M-002"]
    assert codes_in(client.get(page, {"department": department.pk}, **EN)) == ["M-001", "M-002", "M-003"]
    mitte = city.districts.get(name="Mitte")
    assert codes_in(client.get(page, {"district": mitte.pk}, **EN)) == ["M-001", "M-002", "M-003"]
    assert codes_in(client.get(page, {"target_group": "gefluechtete"}, **EN)) == ["M-001", "M-002", "M-003"]
    bildung = client.get(page, {"field": "bildung"}, **EN)
    assert codes_in(bildung) == ["M-001", "M-002"]
    # Counts per status follow the other filters.
    assert re.search(r"Planned</span> <strong>1</strong>", text_of(bildung))
    assert codes_in(client.get(page, {"field": "bildung", "status": "completed"}, **EN)) == []


@pytest.mark.parametrize(
    "query",
    [{"field": "nope"}, {"status": "done"}, {"department": "abc"}, {"district": "999999"}, {"target_group": "x"}],
)
def test_a_bad_filter_answers_400_with_a_message(client, listed, process, query):
    response = client.get(url("measures", process), query, **EN)
    assert response.status_code == 400
    assert 'class="error-summary"' in text_of(response)
    assert not stored(url("measures", process) + "?" + "&".join(f"{k}={v}" for k, v in query.items()))


def _add_measures(coordinator, version, count):
    goal = section_of(version)
    for index in range(count):
        services.section_add(
            user=coordinator, owner=version, kind=SectionKind.MEASURE, parent=goal, title=f"Mehr {index}"
        )


def _queries(client, path) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **EN).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["plan", "measures"])
def test_queries_do_not_grow_with_the_measures(client, draft, coordinator, process, page):
    _add_measures(coordinator, draft, 2)
    services.version_publish_for_consultation(user=coordinator, version=draft, phase=process.phases.first())
    few = _queries(client, url(page, process))
    second = services.version_create(user=coordinator, process=process)
    _add_measures(coordinator, second, 40)
    services.version_publish_for_consultation(user=coordinator, version=second, phase=process.phases.first())
    many = _queries(client, url(page, process))
    assert many <= few


def test_the_queries_of_a_measure_and_a_section_page_do_not_grow_with_their_contributions(
    client, listed, coordinator, participant, process
):
    measure = Measure.objects.get(code="M-001")
    section = section_of(listed)
    pages = [url("measure", process, code="M-001"), url("section", process, number=1, key=section.key)]

    def add(count):
        for index in range(count):
            contribution = make_contribution(process, participant, title=f"Beitrag {index}")
            services.measures_link(user=coordinator, contribution=contribution, measures=[measure])
            services.section_comment_create(
                user=participant, section=section, title=f"Kommentar {index}", body="Text", publication_consent=True
            )

    add(1)
    few = [_queries(client, page) for page in pages]
    add(8)
    many = [_queries(client, page) for page in pages]
    assert many == few


# --- a measure's page ---------------------------------------------------------------------------------------------


def test_a_measure_page_shows_facts_history_contributions_and_versions(
    client, listed, coordinator, participant, process, django_capture_on_commit_callbacks
):
    published = make_contribution(process, participant, title="Sichtbarer Beitrag")
    letter = make_contribution(process, participant, title="Entfernter Beitrag")
    Contribution.objects.filter(pk=letter.pk).update(status=Status.IN_MODERATION)
    with django_capture_on_commit_callbacks(execute=True):
        services.measures_link(user=coordinator, contribution=published, measures=[Measure.objects.get(code="M-002")])
        services.measures_link(user=coordinator, contribution=letter, measures=[Measure.objects.get(code="M-002")])
    html = text_of(client.get(url("measure", process, code="M-002"), **EN))
    assert "Maßnahme 1.2" in html and "50 Soziales" in html and "10,000 €" in html
    assert "In progress" in html and "Begonnen." in html
    assert "Sichtbarer Beitrag" in html and "Entfernter Beitrag" not in html
    assert "1 contribution led to this measure" in html
    assert url("section", process, number=1, key=Section.objects.get(version=listed, measure__code="M-002").key) in html


# --- what changes shows on the next request -----------------------------------------------------------------------


def test_a_newly_published_version_shows_on_the_next_request(
    client, consultation, coordinator, process, django_capture_on_commit_callbacks
):
    page = url("plan", process)
    assert "Neue Fassung" not in text_of(client.get(page, **EN))
    assert stored(page)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.version_create(user=coordinator, process=process, title="Neue Fassung")
    assert "Neue Fassung" not in text_of(client.get(page, **EN))  # a working draft is not public
    with django_capture_on_commit_callbacks(execute=True):
        services.version_adopt(
            user=coordinator, version=second, adopted_on=datetime.date(2026, 7, 1), document_number="99/2026"
        )
    html = text_of(client.get(page, **EN))
    assert "Neue Fassung" in html and "99/2026" in html


def test_a_status_change_shows_on_the_next_request(
    client, consultation, coordinator, process, django_capture_on_commit_callbacks
):
    badge = 'plan-status-completed">Completed</span>'
    pages = {
        url("plan", process): badge,
        url("measures", process): badge + "</td>",
        url("measure", process, code="M-003"): badge,
    }
    for page, shown in pages.items():
        assert shown not in text_of(client.get(page, **EN)), page
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_status_change(
            user=coordinator,
            measure=Measure.objects.get(code="M-003"),
            status=MeasureStatus.COMPLETED,
            date=datetime.date.today(),
            note="Fertig.",
        )
    for page, shown in pages.items():
        assert shown in text_of(client.get(page, **EN)), page
    assert "Fertig." in text_of(client.get(url("measure", process, code="M-003"), **EN))


def test_a_new_link_and_a_new_comment_show_on_the_next_request(
    client, consultation, coordinator, participant, process, django_capture_on_commit_callbacks
):
    measure_page = url("measure", process, code="M-001")
    plan_page = url("plan", process)
    contribution = make_contribution(process, participant, title="Verknüpfter Beitrag")
    assert "Verknüpfter Beitrag" not in text_of(client.get(measure_page, **EN))
    assert "1 comment" not in text_of(client.get(plan_page, **EN))
    with django_capture_on_commit_callbacks(execute=True):
        services.measures_link(
            user=coordinator, contribution=contribution, measures=[Measure.objects.get(code="M-001")]
        )
        services.section_comment_create(
            user=participant,
            section=section_of(consultation),
            title="Neuer Kommentar",
            body="Text",
            publication_consent=True,
        )
    assert "Verknüpfter Beitrag" in text_of(client.get(measure_page, **EN))
    assert "1 comment" in text_of(client.get(plan_page, **EN))


def test_a_moderated_comment_leaves_the_counts_on_the_next_request(
    client, consultation, coordinator, participant, process, django_capture_on_commit_callbacks
):
    from teilhabe.contributions.services import contribution_moderate

    with django_capture_on_commit_callbacks(execute=True):
        comment = services.section_comment_create(
            user=participant, section=section_of(consultation), title="Kommentar", body="Text", publication_consent=True
        )
    plan_page = url("plan", process)
    assert "1 comment" in text_of(client.get(plan_page, **EN))
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(contribution=comment, user=coordinator, publish=False, reason="advertising")
    assert "1 comment" not in text_of(client.get(plan_page, **EN))


# --- languages ------------------------------------------------------------------------------------------------------


def test_arabic_pages_run_right_to_left_and_mark_german_fallbacks(client, consultation, coordinator, process):
    goal = section_of(consultation)
    content_translation_set(
        obj=goal, field="title", language="ar", text="الهدف الأول", state="checked", actor=coordinator
    )
    client.cookies["django_language"] = "ar"
    for page in (
        url("plan", process),
        url("section", process, number=1, key=goal.key),
        url("measures", process),
        url("measure", process, code="M-001"),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        html = text_of(response)
        assert re.search(r'<html lang="ar" dir="rtl">', html), page
    html = text_of(client.get(url("plan", process)))
    assert "<span>الهدف الأول</span>" in html
    assert '<span lang="de" dir="ltr">Einleitung</span>' in html
    assert 'class="fallback-note"' in html


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_interface_language(client, consultation, process, language):
    client.cookies["django_language"] = language
    direction = "rtl" if language in settings.LANGUAGES_BIDI else "ltr"
    for page in (url("plan", process), url("measures", process), url("measure", process, code="M-002")):
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{language}" dir="{direction}">' in text_of(response), page


def test_english_readers_get_german_texts_marked(client, consultation, process):
    html = text_of(client.get(url("measures", process), **EN))
    assert 'lang="de">Maßnahme 1.1</a>' in html


# --- the contribution's page ---------------------------------------------------------------------------------------


def test_a_contributions_timeline_lists_its_measures_with_status(
    client, draft, coordinator, participant, process, django_capture_on_commit_callbacks
):
    contribution = make_contribution(process, participant, title="Mein Beitrag")
    page = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    with django_capture_on_commit_callbacks(execute=True):
        services.measures_link(
            user=coordinator, contribution=contribution, measures=[Measure.objects.get(code="M-001")]
        )
    assert "M-001" not in text_of(client.get(page, **EN))  # only in a working draft so far
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish_for_consultation(user=coordinator, version=draft, phase=process.phases.first())
    html = text_of(client.get(page, **EN))
    assert "Measures of the plan this contribution led to" in html
    assert url("measure", process, code="M-001") in html and "Planned" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_status_change(
            user=coordinator,
            measure=Measure.objects.get(code="M-001"),
            status=MeasureStatus.IN_PROGRESS,
            date=datetime.date.today(),
        )
    assert "In progress" in text_of(client.get(page, **EN))


def test_a_comment_on_a_section_says_where_it_was_made(client, consultation, participant, process):
    section = section_of(consultation)
    contribution = services.section_comment_create(
        user=participant, section=section, title="Zum Ziel", body="Text", publication_consent=True
    )
    html = text_of(client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk}), **EN))
    assert "Made on section" in html
    assert url("section", process, number=1, key=section.key) in html
    assert "2.1" in html and "Ziel 1" in html
