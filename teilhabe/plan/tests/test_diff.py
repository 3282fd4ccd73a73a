"""What changed between two versions: pairing by key, added/removed/changed/moved, word marks, escaping, the page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from teilhabe.plan import services
from teilhabe.plan.diff import ADDED, CHANGED, REMOVED, UNCHANGED, compare_versions, words_html
from teilhabe.plan.models import Section, SectionKind

# --- words --------------------------------------------------------------------------------------------------


def _plain(html: str) -> str:
    """What a sighted reader sees without the struck-through words (and without the hidden labels)."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html)
    html = re.sub(r"<del>.*?</del>", "", html)
    return re.sub(r"<[^>]+>", "", html)


def test_words_inserted_and_deleted_are_marked_and_said_in_text():
    with translation.override("en"):
        html = words_html("Sprachkurse für Eltern in Linden", "Sprachkurse mit Kinderbetreuung für Eltern")
    assert "<ins>" in html and "<del>" in html
    assert re.search(r"<ins><span class=\"visually-hidden\">\[inserted: </span>mit Kinderbetreuung", html)
    assert re.search(r"<del><span class=\"visually-hidden\">\[deleted: </span>in Linden", html)
    assert html.count('<span class="visually-hidden">]</span>') == 2  # each mark ends in text as well
    assert _plain(html).split() == "Sprachkurse mit Kinderbetreuung für Eltern".split()


def test_a_replaced_word_is_deleted_then_inserted():
    html = words_html("Ein kleiner Kurs", "Ein großer Kurs")
    assert html.index("<del>") < html.index("<ins>")
    assert "kleiner" in html.split("<del>")[1].split("</del>")[0]
    assert "großer" in html.split("<ins>")[1].split("</ins>")[0]
    assert _plain(html).split() == ["Ein", "großer", "Kurs"]


def test_equal_texts_have_no_marks_and_everything_is_escaped():
    assert words_html("a <b>", "a <b>") == "a &lt;b&gt;"
    html = words_html("Titel", 'Titel <script>alert("x")</script> & mehr')
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; mehr" in html
    html = words_html('<img src=x onerror="alert(1)">', "sauber")
    assert "<img" not in html and "&lt;img" in html


def test_paragraphs_and_long_texts_keep_their_words():
    old = "Erster Absatz mit Text.\n\nZweiter Absatz. " + "Wort " * 400
    new = "Erster Absatz mit neuem Text.\n\nZweiter Absatz. " + "Wort " * 400 + "Ende."
    html = words_html(old, new)
    assert html.count("<ins>") == 2 and "<del>" not in html
    assert "\n\n" in html


# --- versions -----------------------------------------------------------------------------------------------


def _section(version, title) -> Section:
    return Section.objects.get(version=version, title=title)


@pytest.fixture
def two_versions(draft, coordinator, process):
    """Version 1 (adopted) and version 2 (a working draft), which differs: one measure renamed and rewritten,
    one with new facts, one new measure, the introduction removed, one measure moved to the other goal, the two
    fields of action swapped."""
    services.version_adopt(
        user=coordinator, version=draft, adopted_on=datetime.date(2026, 6, 1), document_number="1234/2026"
    )
    second = services.version_create(user=coordinator, process=process, title="Integrationsplan, Entwurf 2")
    update(
        coordinator,
        _section(second, "Maßnahme 1.1"),
        title="Maßnahme 1.1 mit Kinderbetreuung",
        body="Was jetzt getan wird.",
    )
    measure = _section(second, "Maßnahme 1.2")
    update(
        coordinator,
        measure,
        budget=Decimal("25000"),
        districts=list(process.city.districts.all()),
        end=datetime.date(2029, 6, 30),
    )
    services.section_add(
        user=coordinator,
        owner=second,
        kind=SectionKind.MEASURE,
        parent=_section(second, "Ziel 2"),
        title="Neue Maßnahme",
        body="Neu.",
    )
    services.section_remove(user=coordinator, section=_section(second, "Einleitung"))
    # Measure 2.1 goes to goal 1 (no service moves a section to another parent yet: the expert groups' adoption
    # does, by copying); then the field "Soziales" comes first.
    Section.objects.filter(pk=_section(second, "Maßnahme 2.1").pk).update(parent=_section(second, "Ziel 1"), position=9)
    services.section_move(user=coordinator, section=_section(second, "Soziales"), direction="up")
    cache.clear()  # the writes' version bumps run on commit, which a test's transaction never reaches
    return draft, second


def update(user, section: Section, **changes) -> Section:
    """``section_update`` takes the whole form: the section's values, with ``changes``."""
    values = {
        "title": section.title,
        "body": section.body,
        "field_of_action": section.field_of_action,
        "department": section.department,
        "partners": section.partners,
        "budget": section.budget,
        "start": section.start,
        "end": section.end,
        "target_groups": list(section.target_groups.all()),
        "districts": list(section.districts.all()),
    }
    return services.section_update(user=user, section=section, **{**values, **changes})


def _rows(comparison):
    return {row.title: row for row in comparison.rows}


def test_sections_are_paired_by_key_and_classified(two_versions):
    first, second = two_versions
    with translation.override("en"):
        comparison = compare_versions(first, second, "de")
    rows = _rows(comparison)
    assert rows["Einleitung"].state == REMOVED and rows["Einleitung"].number == "1"
    assert rows["Neue Maßnahme"].state == ADDED
    renamed = rows["Maßnahme 1.1 mit Kinderbetreuung"]
    assert renamed.state == CHANGED and "<ins>" in renamed.title_html and "jetzt" in renamed.body_html
    facts = rows["Maßnahme 1.2"]
    assert facts.state == CHANGED and facts.title_html == "Maßnahme 1.2"
    labels = [fact.label for fact in facts.facts]
    assert labels == ["Districts", "Planned budget", "End"]
    assert "<ins>" in facts.facts[0].after and "Nord" in facts.facts[0].after
    assert "10,000" in facts.facts[1].before and "25,000" in facts.facts[1].after
    moved = rows["Maßnahme 2.1"]
    assert moved.moved and moved.state == UNCHANGED and moved.old_number == "3.1.1" and moved.moved_from == "3.1 Ziel 2"
    # The two fields of action swapped places: one of them is moved. With the introduction gone, "Soziales" went
    # from 3 to 1 and "Bildung" stayed 2.
    fields = [rows["Bildung"], rows["Soziales"]]
    assert sum(row.moved for row in fields) == 1
    assert (rows["Soziales"].old_number, rows["Soziales"].number) == ("3", "1") and not rows["Bildung"].renumbered
    assert rows["Ziel 1"].state == UNCHANGED and not rows["Ziel 1"].moved
    assert comparison.counts == {ADDED: 1, REMOVED: 1, CHANGED: 2, "moved": 2, UNCHANGED: 5}
    assert comparison.has_changes
    # Reading order of the newer version; the removed introduction first, where it stood.
    assert [row.title for row in comparison.rows][:3] == ["Einleitung", "Soziales", "Ziel 2"]


def test_a_version_compared_with_a_copy_of_itself_has_no_changes(draft, coordinator, process):
    services.version_publish_for_consultation(user=coordinator, version=draft)
    second = services.version_create(user=coordinator, process=process)
    cache.clear()
    comparison = compare_versions(draft, second, "de")
    assert not comparison.has_changes and comparison.counts[UNCHANGED] == len(comparison.rows) == 8


def test_a_removed_subtree_stays_together_and_its_kept_children_show_where_they_went(draft, coordinator, process):
    services.version_adopt(user=coordinator, version=draft, adopted_on=datetime.date(2026, 6, 1), document_number="1")
    second = services.version_create(user=coordinator, process=process)
    goal = _section(second, "Ziel 1")
    # Measure 1.2 moves to goal 2 before goal 1 goes.
    Section.objects.filter(pk=_section(second, "Maßnahme 1.2").pk).update(parent=_section(second, "Ziel 2"))
    services.section_remove(user=coordinator, section=goal)
    cache.clear()
    rows = compare_versions(draft, second, "de").rows
    titles = [(row.title, row.state, row.moved) for row in rows]
    start = titles.index(("Ziel 1", REMOVED, False))
    assert titles[start + 1] == ("Maßnahme 1.1", REMOVED, False)
    assert ("Maßnahme 1.2", UNCHANGED, True) in titles


def test_comparison_is_in_the_readers_language(two_versions, coordinator):
    first, second = two_versions
    for version in (first, second):
        section = _section(version, "Ziel 1")
        services.section_translation_set(
            user=coordinator, section=section, field="title", language="ar", text="الهدف ١"
        )
    cache.clear()
    rows = _rows(compare_versions(first, second, "ar"))
    assert "الهدف ١" in rows and rows["الهدف ١"].state == UNCHANGED


# --- the page -----------------------------------------------------------------------------------------------


def _url(process, **query):
    url = reverse("plan:diff", kwargs={"slug": process.slug})
    return url + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")


@pytest.fixture
def published_pair(two_versions, coordinator):
    first, second = two_versions
    services.version_publish_for_consultation(user=coordinator, version=second)
    cache.clear()
    return first, second


def test_page_compares_the_two_newest_published_versions_by_default(client, published_pair, process):
    with translation.override("en"):
        response = client.get(_url(process), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 section added" in html and "2 sections changed" in html and "5 sections unchanged" in html
    assert '<ins><span class="visually-hidden">[inserted: </span>mit Kinderbetreuung' in html
    assert '<details class="plan-diff-collapsed">' in html
    assert '<option value="1" selected>' in html and '<option value="2" selected>' in html
    only = client.get(_url(process, von=1, zu=2, nur="aenderungen"), HTTP_ACCEPT_LANGUAGE="en")
    assert only.status_code == 200
    assert "plan-diff-collapsed" not in only.content.decode() and "Neue Maßnahme" in only.content.decode()
    backwards = client.get(_url(process, von=2, zu=1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 section added" in backwards and "1 section removed" in backwards  # the introduction came back
    # A version's page links to ?zu=N: N compared with the version before it.
    alone = client.get(_url(process, zu=2), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 section added" in alone and '<option value="1" selected>' in alone
    assert client.get(_url(process, zu=1)).status_code == 400  # nothing before version 1


def test_links_to_the_documents_and_the_changes_of_a_version(published_pair, process):
    from django.template.loader import render_to_string

    first, second = published_pair
    with translation.override("en"):
        html = render_to_string("plan/_diff_links.html", {"process": process, "version": second})
        assert "/p/lip/plan/fassung/2/plan.pdf" in html and "/p/lip/plan/fassung/2/massnahmen.ods" in html
        assert "/p/lip/plan/vergleich/?zu=2" in html
        assert "vergleich" not in render_to_string("plan/_diff_links.html", {"process": process, "version": first})


def test_titles_with_markup_are_escaped_on_the_page(client, draft, coordinator, process):
    services.version_publish_for_consultation(user=coordinator, version=draft)
    second = services.version_create(user=coordinator, process=process)
    update(coordinator, _section(second, "Ziel 1"), title='Ziel 1 <script>alert("x")</script>')
    services.version_publish_for_consultation(user=coordinator, version=second)
    cache.clear()
    html = client.get(_url(process)).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "query",
    [
        {"von": "1", "zu": "1"},
        {"von": "9", "zu": "1"},
        {"von": "abc", "zu": "2"},
        {"von": "1", "zu": "2" * 40},
        {"von": "-1", "zu": "2"},
        {"zu": "%00"},
    ],
)
def test_bad_parameters_answer_400_with_the_form_error(client, published_pair, process, query):
    response = client.get(_url(process, **query))
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_the_working_draft_is_compared_only_by_those_who_may_see_it(client, two_versions, process, personas):
    url = _url(process, von=1, zu=2)
    assert client.get(url).status_code == 400  # version 2 is no choice for the public
    client.force_login(personas["participant"])
    assert client.get(url).status_code == 400
    for role in ("coordinator", "department_staff", "department_head"):
        client.force_login(personas[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert "Neue Maßnahme" in response.content.decode()
    client.logout()
    client.force_login(personas["evaluator"])  # an evaluator of the process: not plan staff
    assert client.get(url).status_code == 400


def test_one_version_only_says_there_is_nothing_to_compare(client, draft, coordinator, process):
    services.version_publish_for_consultation(user=coordinator, version=draft)
    cache.clear()
    response = client.get(_url(process), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and b"nothing to compare" in response.content
    assert client.get(reverse("plan:diff", kwargs={"slug": "nope"})).status_code == 404


def test_page_in_arabic_is_right_to_left(client, published_pair, process):
    client.cookies["django_language"] = "ar"
    response = client.get(_url(process))
    assert response.status_code == 200 and 'dir="rtl"' in response.content.decode()


def test_page_is_cached_for_anonymous_readers_until_the_plan_changes(client, published_pair, process, coordinator):
    from teilhabe.core.page_cache import page_cache_keys_for

    url = _url(process, von=1, zu=2)
    assert client.get(url).status_code == 200
    assert any(cache.get(key) is not None for key in page_cache_keys_for(url))
    assert client.get(_url(process, von=1, zu=1)).status_code == 400
    assert not any(cache.get(key) is not None for key in page_cache_keys_for(_url(process, von=1, zu=1)))


def _two_published_versions(process, coordinator, department, measures: int) -> None:
    """A plan of ``measures`` measures, adopted, and a second version with half of them renamed, published."""
    version = services.version_create(user=coordinator, process=process, title="Plan")
    field = process.fields_of_action.first()
    field_section = services.section_add(
        user=coordinator, owner=version, kind=SectionKind.FIELD, title=field.name, field_of_action=field
    )
    goal = services.section_add(
        user=coordinator, owner=version, kind=SectionKind.GOAL, parent=field_section, title="Ziel"
    )
    for number in range(measures):
        services.section_add(
            user=coordinator,
            owner=version,
            kind=SectionKind.MEASURE,
            parent=goal,
            title=f"Maßnahme {number}",
            department=department,
            target_groups=list(process.target_groups.all()),
            districts=list(process.city.districts.all()),
        )
    services.version_adopt(user=coordinator, version=version, adopted_on=datetime.date(2026, 6, 1), document_number="1")
    second = services.version_create(user=coordinator, process=process)
    for section in Section.objects.filter(version=second, kind=SectionKind.MEASURE).order_by("pk")[: measures // 2]:
        update(coordinator, section, title=f"{section.title} neu", budget=Decimal(measures))
    services.version_publish_for_consultation(user=coordinator, version=second)


def test_queries_do_not_grow_with_the_sections(client, personas, process, closed_process, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = personas["coordinator"]
    _two_published_versions(process, coordinator, department, measures=2)
    _two_published_versions(closed_process, coordinator, department, measures=24)
    counts = []
    for slug in (process.slug, closed_process.slug):
        cache.clear()  # the trees read afresh
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("plan:diff", kwargs={"slug": slug}), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        counts.append(len(queries))
    assert "12 sections changed" in response.content.decode()
    assert counts[0] == counts[1], counts


def test_a_new_version_shows_on_the_next_request(
    client, published_pair, process, coordinator, django_capture_on_commit_callbacks
):
    url = _url(process)
    assert "Version 3" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        third = services.version_create(user=coordinator, process=process, title="Dritte Fassung")
        update(coordinator, _section(third, "Neue Maßnahme"), title="Neue Maßnahme, erweitert")
        services.version_publish_for_consultation(user=coordinator, version=third)
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Version 3: Dritte Fassung" in html and "erweitert" in html
