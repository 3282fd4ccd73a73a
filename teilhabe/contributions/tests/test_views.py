import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test.html import Element, parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services, views
from teilhabe.contributions.models import Contribution, Status, Support


def list_url(process, **params):
    from urllib.parse import urlencode

    return reverse("contributions:list", kwargs={"slug": process.slug}) + ("?" + urlencode(params) if params else "")


def detail_url(contribution):
    return reverse("contributions:detail", kwargs={"pk": contribution.pk})


@pytest.fixture
def several(process, personas, city):
    bildung, soziales = process.fields_of_action.order_by("order")
    nord = city.districts.get(number=2)
    items = [
        make_contribution(
            process, personas["participant"], title="Sprachcafé in der Bibliothek", fields_of_action=[bildung]
        ),
        make_contribution(
            process,
            personas["coordinator"],
            title="Pflege für ältere Migrantinnen",
            body="Kultursensible Pflege fehlt.",
            fields_of_action=[soziales],
            district=nord,
            language="tr",
        ),
        make_contribution(process, personas["evaluator"], title="Übersetzung beim Arzt", fields_of_action=[soziales]),
    ]
    services.support_add(contribution=items[2], user=personas["participant"])
    services.comment_create(contribution=items[1], user=personas["participant"], body="Sehr wichtig")
    return items


def titles(response):
    """The titles of the cards shown, in their order (a page's items are card fragments with the contribution's id)."""
    ids = [card.pk for card in response.context["page"].object_list]
    by_id = Contribution.objects.in_bulk(ids)
    return [by_id[pk].title for pk in ids]


def elements(html, tag, **attributes) -> list[Element]:
    """The elements of the page (or of an element) with this tag and these attributes (``class_`` is one class)."""
    wanted = {key.rstrip("_"): value for key, value in attributes.items()}
    found = []

    def matches(node):
        present = dict(node.attributes)
        for key, value in wanted.items():
            if key == "class":
                if value not in (present.get("class") or "").split():
                    return False
            elif present.get(key) != value:
                return False
        return node.name == tag

    def walk(node):
        if isinstance(node, Element):
            if matches(node):
                found.append(node)
            for child in node.children:
                walk(child)

    walk(parse_html(html) if isinstance(html, str) else html)
    return found


def text(node) -> str:
    """The text of an element, whitespace collapsed."""
    parts = []

    def walk(child):
        if isinstance(child, str):
            parts.append(child)
        else:
            for grandchild in child.children:
                walk(grandchild)

    walk(node)
    return " ".join(" ".join(parts).split())


def test_home_lists_processes_when_there_are_several(client, process, closed_process):
    html = client.get("/").content.decode()
    assert process.title in html and closed_process.title in html


def test_home_is_the_process_page_when_there_is_one(client, process):
    response = client.get("/")
    assert response.status_code == 200 and response.context["process"] == process


def test_process_page_shows_phases_figures_and_ways_to_take_part(client, process, several):
    response = client.get(reverse("processes:detail", kwargs={"slug": process.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert process.title in html and "Jetzt" in html
    assert reverse("contributions:create", kwargs={"slug": process.slug}) in html
    assert response.context["figures"]["contributions"] == 3


def test_list_filters_search_and_sort(client, process, several):
    assert titles(client.get(list_url(process)))[0] == "Übersetzung beim Arzt"
    assert titles(client.get(list_url(process, field="bildung"))) == ["Sprachcafé in der Bibliothek"]
    assert titles(client.get(list_url(process, district=2))) == ["Pflege für ältere Migrantinnen"]
    assert titles(client.get(list_url(process, language="tr"))) == ["Pflege für ältere Migrantinnen"]
    assert titles(client.get(list_url(process, channel="workshop"))) == []
    assert titles(client.get(list_url(process, sort="supported")))[0] == "Übersetzung beim Arzt"
    assert titles(client.get(list_url(process, sort="discussed")))[0] == "Pflege für ältere Migrantinnen"


@pytest.mark.parametrize(
    "query,expected",
    [
        ("sprachcafe", ["Sprachcafé in der Bibliothek"]),  # diacritics and case folded
        ("Bibliot", ["Sprachcafé in der Bibliothek"]),  # prefix
        ("kultursensible pflege", ["Pflege für ältere Migrantinnen"]),  # body text, all words
        ("arzt pflege", []),
        ("\"'); DROP TABLE x; --", []),
    ],
)
def test_full_text_search(client, process, several, query, expected):
    if connection.vendor == "postgresql" and query == "sprachcafe":
        pytest.skip("PostgreSQL's 'simple' configuration does not fold diacritics")
    response = client.get(list_url(process, q=query))
    assert response.status_code == 200
    assert titles(response) == expected


def test_invalid_filters_get_400_with_message(client, process, several):
    response = client.get(list_url(process, district="abc", sort="random"))
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"district", "sort"}


@pytest.mark.parametrize("page", ["2", "0", "abc", "-1"])
def test_pages_beyond_the_list_are_404(client, process, several, page):
    assert client.get(list_url(process, page=page)).status_code == 404


def test_unknown_process_and_contribution_are_404(client, process, several):
    assert client.get("/p/gibt-es-nicht/beitraege/").status_code == 404
    assert client.get("/beitraege/999999/").status_code == 404
    assert client.get("/beitraege/abc/").status_code == 404
    assert client.get("/beitraege/99999999999999999999999/").status_code == 404


def test_user_text_is_escaped(client, process, participant):
    contribution = make_contribution(process, participant, title="<script>alert(1)</script>", body="<b>fett</b>")
    html = client.get(detail_url(contribution)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>fett</b>" not in html


def test_submit_as_signed_in_user(client, process, participant):
    client.force_login(participant)
    field = process.fields_of_action.first()
    response = client.post(
        reverse("contributions:create", kwargs={"slug": process.slug}),
        {
            "title": "Mehr Bänke",
            "body": "Im Park fehlen Bänke.",
            "fields_of_action": [field.pk],
            "language": "de",
            "publication_consent": "on",
        },
    )
    contribution = Contribution.objects.get(title="Mehr Bänke")
    assert response.status_code == 302 and response.url == detail_url(contribution)
    assert contribution.author == participant and contribution.status == Status.PUBLISHED
    page = client.get(response.url).content.decode()
    assert 'class="messages" role="status"' in page and "Mehr Bänke" in page


def test_submit_anonymously_sends_confirmation_link(client, process, django_capture_on_commit_callbacks):
    field = process.fields_of_action.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contributions:create", kwargs={"slug": process.slug}),
            {
                "title": "Ohne Konto",
                "body": "Text",
                "fields_of_action": [field.pk],
                "language": "ar",
                "author_email": "gast@example.org",
                "publication_consent": "on",
            },
        )
    assert response.status_code == 302
    contribution = Contribution.objects.get(title="Ohne Konto")
    assert contribution.status == Status.AWAITING_CONFIRMATION
    assert client.get(detail_url(contribution)).status_code == 404  # not public yet
    link = next(line for line in mail.outbox[0].body.splitlines() if "/bestaetigen/" in line)
    response = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert response.status_code == 200
    contribution.refresh_from_db()
    assert contribution.status == Status.PUBLISHED
    assert client.get("/bestaetigen/not-a-token/").status_code == 404


def test_submit_with_errors_shows_field_errors_and_saves_nothing(client, process, participant):
    client.force_login(participant)
    response = client.post(
        reverse("contributions:create", kwargs={"slug": process.slug}),
        {"title": "x" * 500, "body": "", "fields_of_action": ["99999"], "district": "abc", "language": "xx"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "body", "fields_of_action", "district", "language", "publication_consent"} <= set(errors)
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'aria-describedby="id_title_helptext id_title_error"' in html
    assert 'id="id_title_error"' in html
    # Every error links to a control that exists: a group of checkboxes to its first box.
    assert 'href="#id_fields_of_action_0"' in html and 'id="id_fields_of_action_0"' in html
    assert not Contribution.objects.exists()


def test_honeypot_rejects_bots(client, process, participant):
    client.force_login(participant)
    field = process.fields_of_action.first()
    response = client.post(
        reverse("contributions:create", kwargs={"slug": process.slug}),
        {
            "title": "Spam",
            "body": "Spam",
            "fields_of_action": [field.pk],
            "language": "de",
            "publication_consent": "on",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 400 and not Contribution.objects.exists()


def test_closed_phase_explains_instead_of_form(client, closed_process, participant):
    client.force_login(participant)
    response = client.get(reverse("contributions:create", kwargs={"slug": closed_process.slug}))
    assert response.status_code == 403
    assert b"Jetzt" in response.content


def test_support_and_withdraw_via_page(client, contribution, participant):
    client.force_login(participant)
    url = reverse("contributions:support", kwargs={"pk": contribution.pk})
    assert client.post(url, {"action": "add"}).status_code == 302
    assert client.post(url, {"action": "add"}).status_code == 302
    assert Support.objects.filter(contribution=contribution).count() == 1
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.support_count == 0
    assert client.get(url).status_code == 405


def test_support_needs_login(client, contribution):
    response = client.post(reverse("contributions:support", kwargs={"pk": contribution.pk}))
    assert response.status_code == 302 and "/konto/login/" in response.url


def test_comment_and_reply_via_page(client, contribution, participant):
    client.force_login(participant)
    url = reverse("contributions:comment", kwargs={"pk": contribution.pk})
    assert client.post(url, {"body": "Gute Idee", "language": "de"}).status_code == 302
    parent = contribution.comments.get()
    assert client.post(url, {"body": "Antwort", "language": "de", "parent": parent.pk}).status_code == 302
    assert client.post(url, {"body": "", "language": "de"}).status_code == 400
    assert client.post(url, {"body": "x", "language": "de", "parent": 999999}).status_code == 404
    html = client.get(detail_url(contribution)).content.decode()
    assert "Gute Idee" in html and "Antwort" in html


def test_flag_via_page(client, contribution, participant):
    client.force_login(participant)
    url = reverse("contributions:flag", kwargs={"pk": contribution.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "nonsense"}).status_code == 400
    assert client.post(url, {"reason": "advertising", "note": "Werbung"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.open_flag_count == 1


def test_moderation_queue_for_coordinators_only(client, contribution, personas):
    services.flag_create(contribution=contribution, user=personas["participant"], reason="advertising")
    url = reverse("contributions:moderation", kwargs={"slug": contribution.process.slug})
    client.force_login(personas["participant"])
    assert client.get(url).status_code == 403
    client.force_login(personas["administrator"])
    assert client.get(url).status_code == 403
    client.force_login(personas["coordinator"])
    response = client.get(url)
    assert response.status_code == 200 and contribution.title in response.content.decode()
    assert (
        client.post(url, {"kind": "contribution", "target": contribution.pk, "decision": "remove"}).status_code == 400
    )
    response = client.post(
        url, {"kind": "contribution", "target": contribution.pk, "decision": "remove", "reason": "advertising"}
    )
    assert response.status_code == 302
    notice = "Dieser Beitrag wurde von der Moderation entfernt. Grund: Werbung oder Spam."  # German, the default
    for reader in ("coordinator", "public"):
        if reader == "public":
            client.logout()
        page = client.get(detail_url(contribution))
        assert page.status_code == 200
        html = page.content.decode()
        assert [text(p) for p in elements(html, "p", class_="placeholder")] == [notice], reader
        assert contribution.body not in html, reader


def _query_count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_queries_do_not_grow_with_rows(client, process, personas, settings, django_capture_on_commit_callbacks):
    settings.TEILHABE_PAGE_SIZE = 50
    client.force_login(personas["participant"])
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, personas["participant"])
    client.get(list_url(process))  # warm the per-process caches (content types, figures)
    few = _query_count(client, list_url(process))
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(12):
            c = make_contribution(
                process, personas["participant"], title=f"Beitrag {n}", target_groups=list(process.target_groups.all())
            )
            services.support_add(contribution=c, user=personas["coordinator"])
    response = client.get(list_url(process))
    assert response.context["page"].paginator.count == 13  # the cached count followed the new rows
    assert _query_count(client, list_url(process)) == few


def test_detail_queries_do_not_grow_with_comments(client, contribution, personas):
    client.force_login(personas["participant"])
    services.comment_create(contribution=contribution, user=personas["participant"], body="eins")
    client.get(detail_url(contribution))  # warm the per-process caches (content types)
    few = _query_count(client, detail_url(contribution))
    for n in range(8):
        parent = services.comment_create(contribution=contribution, user=personas["coordinator"], body=f"k{n}")
        services.comment_create(contribution=contribution, user=personas["evaluator"], body=f"r{n}", parent=parent)
    assert _query_count(client, detail_url(contribution)) == few


def test_unpublished_contribution_visible_to_author_and_coordinator_only(client, process, personas):
    contribution = make_contribution(process, AnonymousUser(), author_email="gast@example.org")
    assert client.get(detail_url(contribution)).status_code == 404
    client.force_login(personas["participant"])
    assert client.get(detail_url(contribution)).status_code == 404
    client.force_login(personas["coordinator"])
    assert client.get(detail_url(contribution)).status_code == 200


def test_form_help_texts_follow_the_readers_language(client, process):
    client.cookies["django_language"] = "en"
    english = client.get(reverse("contributions:create", kwargs={"slug": process.slug})).content.decode()
    client.cookies["django_language"] = "de"
    german = client.get(reverse("contributions:create", kwargs={"slug": process.slug})).content.decode()
    assert "At most 5000 characters" in english and "5000" in german and "At most" not in german


def test_honeypot_is_hidden_from_people(client, process):
    html = client.get(reverse("contributions:create", kwargs={"slug": process.slug})).content.decode()
    [honeypot] = elements(html, "div", class_="honeypot")
    assert dict(honeypot.attributes)["aria-hidden"] == "true"
    [field] = elements(honeypot, "input")
    assert dict(field.attributes)["name"] == "website" and dict(field.attributes)["tabindex"] == "-1"
    assert [dict(node.attributes)["name"] for node in elements(html, "input", name="website")] == ["website"]


def test_long_discussions_show_the_first_threads_and_the_rest_on_request(client, contribution, personas):
    shown = views.COMMENT_THREADS_SHOWN
    for n in range(shown + 2):
        services.comment_create(contribution=contribution, user=personas["participant"], body=f"Thread {n}")
    first = client.get(detail_url(contribution)).content.decode()
    [thread] = elements(first, "ul", class_="comments")
    assert [text(body) for body in elements(thread, "div", class_="user-text")] == [f"Thread {n}" for n in range(shown)]
    [more] = elements(first, "a", href="?kommentare=alle#comments")
    assert text(more) == "Alle Kommentare anzeigen"
    everything = client.get(detail_url(contribution) + "?kommentare=alle").content.decode()
    assert len(elements(everything, "li", class_="comment")) == shown + 2
    assert not elements(everything, "a", href="?kommentare=alle#comments")


def test_neighbourhoods_are_grouped_by_district(client, process):
    html = client.get(reverse("contributions:create", kwargs={"slug": process.slug})).content.decode()
    assert '<optgroup label="Mitte">' in html and '<optgroup label="Nord">' in html
    assert html.index('<optgroup label="Mitte">') < html.index("Mitte-Altstadt") < html.index('<optgroup label="Nord">')


def test_submit_with_neighbourhood_sets_its_district(client, process, participant, city):
    client.force_login(participant)
    nord = city.districts.get(number=2)
    neighbourhood = nord.neighbourhoods.get()
    response = client.post(
        reverse("contributions:create", kwargs={"slug": process.slug}),
        {
            "title": "Spielplatz",
            "body": "Ein Spielplatz fehlt.",
            "fields_of_action": [process.fields_of_action.first().pk],
            "neighbourhood": neighbourhood.pk,
            "publication_consent": "on",
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(title="Spielplatz")
    assert contribution.neighbourhood == neighbourhood and contribution.district == nord


def test_removed_contributions_are_not_listed_for_the_public(client, contribution, personas):
    services.contribution_moderate(
        contribution=contribution, user=personas["coordinator"], publish=False, reason="insulting"
    )
    for query in ({}, {"status": "removed"}):
        response = client.get(list_url(contribution.process, **query))
        assert response.status_code == 200 and contribution.title not in response.content.decode()
    assert "status" not in response.context["form"].fields
    client.force_login(personas["coordinator"])
    assert titles(client.get(list_url(contribution.process, status="removed"))) == [contribution.title]


def test_page_links_keep_the_filters(client, process, several, settings):
    settings.TEILHABE_PAGE_SIZE = 1
    first = client.get(list_url(process, field="soziales", sort="supported"))
    assert first.context["page"].paginator.num_pages == 2
    [following] = elements(first.content.decode(), "a", rel="next")
    assert dict(following.attributes)["href"] == "?field=soziales&sort=supported&page=2"
    second = client.get(list_url(process, field="soziales", sort="supported", page=2))
    [previous] = elements(second.content.decode(), "a", rel="prev")
    assert dict(previous.attributes)["href"] == "?field=soziales&sort=supported&page=1"
    assert not elements(second.content.decode(), "a", rel="next")
