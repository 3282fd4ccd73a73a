"""Cached cards and staff texts never outlive the change that alters them (teilhabe.contributions.cards).

The reader here is signed in, so no whole page comes from the page cache: what is tested is the card
fragments, the cached process and the cached translation tables. Every list that shows a contribution (first
page, filtered, sorted, searched) and its own page must show a change on the next request. Writes go through
the services inside ``django_capture_on_commit_callbacks(execute=True)``, so that the cache versions are
bumped as after a real commit. Runs against the configured cache (Redis in the PostgreSQL run of CI).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from teilhabe.accounts.services import user_anonymise
from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.core.services import content_translation_set


@pytest.fixture
def reader(personas):
    client = Client()
    client.force_login(personas["evaluator"])
    return client


@pytest.fixture
def lists(process, contribution):
    field = contribution.fields_of_action.first()
    base = reverse("contributions:list", kwargs={"slug": process.slug})
    district = contribution.district.number if contribution.district_id else None
    urls = {
        "first page": base,
        "field": f"{base}?field={field.slug}",
        "most supported": f"{base}?sort=supported",
        "most discussed": f"{base}?sort=discussed",
        "search": f"{base}?q=Sprachkurse",
    }
    if district is not None:
        urls["district"] = f"{base}?district={district}"
    return urls


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def card_of(html: str, title: str) -> str:
    """The card whose heading is ``title`` (the empty string when there is none)."""
    for card in re.findall(
        r'<li class="card">.*?</li>\s*(?=<li class="card">|</ul>\s*(?:<nav|</section>))', html, re.S
    ):
        if f">{title}</a></h3>" in card:
            return card
    return ""


def warm(client, urls):
    for url in urls:
        page(client, url)


def test_cards_are_cached_fragments(reader, lists, contribution):
    """The premise: a second look at a list takes its card from the cache, keyed by the contribution's version."""
    page(reader, lists["first page"])
    assert _card_keys(contribution.pk), "the card was not stored"


def _card_keys(pk):
    """The keys of the cached German cards of contribution ``pk``, in locmem or in Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from teilhabe.core.fragments import fragment_key

    backend, prefix = caches["default"], fragment_key("card", "de", [pk]) + ":"
    if isinstance(backend, LocMemCache):
        return [key for key in backend._cache if prefix in key]
    return [key.decode() for key in backend._cache.get_client().scan_iter(f"*{prefix}*")]


def test_a_new_contribution_shows_in_every_list(reader, lists, process, personas, django_capture_on_commit_callbacks):
    warm(reader, lists.values())
    with django_capture_on_commit_callbacks(execute=True):
        new = make_contribution(process, personas["participant"], title="Sprachkurse am Abend für Berufstätige")
    for name, url in lists.items():
        if name == "district":
            continue  # the new one has no district
        assert card_of(page(reader, url), new.title), name


def test_a_support_shows_on_every_card_and_page(
    reader, lists, contribution, personas, django_capture_on_commit_callbacks
):
    warm(reader, [*lists.values(), reverse("contributions:detail", kwargs={"pk": contribution.pk})])
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(contribution=contribution, user=personas["evaluator"])
    for name, url in lists.items():
        assert "1 Unterstützung ·" in card_of(page(reader, url), contribution.title), name
    assert "1 Person unterstützt" in page(reader, reverse("contributions:detail", kwargs={"pk": contribution.pk}))


def test_a_comment_shows_on_every_card_and_page(
    reader, lists, contribution, personas, django_capture_on_commit_callbacks
):
    detail = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    warm(reader, [*lists.values(), detail])
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            contribution=contribution, user=personas["participant"], body="Unbedingt, auch samstags"
        )
    for name, url in lists.items():
        assert "1 Kommentar</p>" in card_of(page(reader, url), contribution.title), name
    assert "Unbedingt, auch samstags" in page(reader, detail)


def test_a_changed_language_shows_on_every_card(
    reader, lists, contribution, coordinator, django_capture_on_commit_callbacks
):
    detail = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    warm(reader, [*lists.values(), detail])
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_set_language(contribution=contribution, user=coordinator, language="ar")
    assert '<h1 id="contribution-title" lang="ar" dir="rtl">' in page(reader, detail)
    for name, url in lists.items():
        card = card_of(page(reader, url), contribution.title)
        assert '<h3 lang="ar" dir="rtl">' in card and "العربية" in card, name


def test_a_removed_contribution_leaves_every_list(
    reader, lists, contribution, coordinator, django_capture_on_commit_callbacks
):
    warm(reader, lists.values())
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="off_topic")
    for name, url in lists.items():
        assert contribution.title not in page(reader, url), name


def test_a_closed_account_no_longer_names_its_author(
    reader, lists, process, personas, django_user_model, django_capture_on_commit_callbacks
):
    author = django_user_model.objects.create_user(email="named@example.org", password=None, display_name="Aylin K.")
    mine = make_contribution(process, author, title="Kita-Plätze in Linden")
    warm(reader, lists.values())
    assert "<bdi>Aylin K.</bdi>" in card_of(page(reader, lists["first page"]), mine.title)
    with django_capture_on_commit_callbacks(execute=True):
        user_anonymise(user=author, actor=author)
    assert "Aylin K." not in page(reader, lists["first page"])


def test_a_translated_field_of_action_shows_on_the_cards(
    reader, lists, contribution, django_capture_on_commit_callbacks
):
    field = contribution.fields_of_action.first()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(contribution.author)
    before = card_of(page(english, lists["first page"]), contribution.title)
    assert f'<span lang="de">{field.name}</span>' in before  # not translated yet: German, marked as such
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=field, field="name", language="en", text="Learning German", state="reviewed")
    after = card_of(page(english, lists["first page"]), contribution.title)
    assert '<span lang="en">Learning German</span>' in after


def translate_into_english(objects, *, leave_out=None):
    """Give every staff text of ``objects`` an English translation, except ``leave_out`` = (object, field)."""
    for obj in objects:
        for field in obj.translatable_fields:
            if getattr(obj, field) and (obj, field) != leave_out:
                content_translation_set(obj=obj, field=field, language="en", text=f"EN {field}", state="reviewed")


def test_a_fallback_from_a_cached_card_is_still_announced(
    reader, lists, process, contribution, django_capture_on_commit_callbacks
):
    """A card naming a German-only field of action makes the page say so, from the cache too."""
    field = contribution.fields_of_action.first()
    with django_capture_on_commit_callbacks(execute=True):
        translate_into_english([process, *process.fields_of_action.all()], leave_out=(field, "name"))
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(contribution.author)
    for _ in range(2):  # rendered, then from the cache
        assert 'class="fallback-note"' in page(english, lists["first page"])
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=field, field="name", language="en", text="Learning", state="reviewed")
    assert 'class="fallback-note"' not in page(english, lists["first page"])  # the card was the only one


def test_a_fallback_from_a_cached_part_of_the_process_page_is_still_announced(
    process, personas, django_capture_on_commit_callbacks
):
    """The process page's staff texts come from ``{% fragment %}``; a German-only one is announced from it too."""
    field = process.fields_of_action.first()
    with django_capture_on_commit_callbacks(execute=True):
        translate_into_english(
            [process, *process.phases.all(), *process.fields_of_action.all()], leave_out=(field, "name")
        )
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(personas["evaluator"])
    url = reverse("processes:detail", kwargs={"slug": process.slug})
    for _ in range(2):  # rendered, then from the cache
        assert 'class="fallback-note"' in page(english, url)
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=field, field="name", language="en", text="Learning", state="reviewed")
    assert 'class="fallback-note"' not in page(english, url)


def test_the_process_page_shows_a_new_translation_and_phase(
    process, personas, monkeypatch, django_capture_on_commit_callbacks
):
    """The process page's cached parts follow its staff texts and its current phase."""
    import datetime

    from django.utils import timezone

    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(personas["evaluator"])
    url = reverse("processes:detail", kwargs={"slug": process.slug})
    assert "Integration plan" not in page(english, url)
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=process, field="title", language="en", text="Integration plan", state="reviewed")
    assert '<h1><span lang="en">Integration plan</span></h1>' in page(english, url)
    current = process.phases.get(start__lte=timezone.now(), end__gt=timezone.now())
    assert re.search(r'aria-current="step">\s*<strong><span lang="de">' + re.escape(current.name), page(english, url))
    # Time passes beyond the phase's end: the next request marks the next phase (if any) as current.
    later = current.end + datetime.timedelta(seconds=1)
    monkeypatch.setattr("teilhabe.processes.selectors.timezone.now", lambda: later)
    following = process.phases.filter(start__lte=later, end__gt=later).first()
    html = page(english, url)
    if following is None:
        assert 'aria-current="step"' not in html
    else:
        assert re.search(r'aria-current="step">\s*<strong><span lang="de">' + re.escape(following.name), html)


def test_the_filter_panel_counts_a_new_contribution(
    reader, lists, process, personas, django_capture_on_commit_callbacks
):
    """The cached filter panel follows the lists: a first contribution in Turkish adds its language option."""
    assert '<option value="tr">' not in page(reader, lists["first page"])
    assert '<option value="tr">' not in page(reader, lists["first page"])  # now from the cache
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, personas["participant"], title="Türkçe kurslar", language="tr")
    assert '<option value="tr">Türkçe (1)</option>' in page(reader, lists["first page"])


def test_cached_threads_follow_comments_and_moderation(
    settings, contribution, personas, coordinator, django_capture_on_commit_callbacks
):
    """Anonymous readers get the threads from a cached fragment (here without the page cache around it)."""
    settings.TEILHABE_PAGE_CACHE = False
    anonymous = Client()
    url = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    assert "Abends bitte auch" not in page(anonymous, url)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(
            contribution=contribution, user=personas["evaluator"], body="Abends bitte auch"
        )
    assert "Abends bitte auch" in page(anonymous, url)
    assert "Abends bitte auch" in page(anonymous, url)  # from the fragment
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=comment, user=coordinator, publish=False, reason="off_topic")
    html = page(anonymous, url)
    assert "Abends bitte auch" not in html and "Kommentar von der Moderation entfernt" in html


def test_a_support_reorders_the_most_supported_list(
    reader, lists, process, contribution, personas, django_capture_on_commit_callbacks
):
    """The page's ids are cached too: by supports, a new support moves a contribution up on the next request."""
    with django_capture_on_commit_callbacks(execute=True):
        other = make_contribution(process, personas["participant"], title="Sprachkurse im Familienzentrum")
        services.support_add(contribution=contribution, user=personas["evaluator"])

    def order():
        html = page(reader, lists["most supported"])
        return sorted((html.index(f">{title}</a></h3>"), title) for title in (contribution.title, other.title))

    assert [title for _, title in order()] == [contribution.title, other.title]
    with django_capture_on_commit_callbacks(execute=True):
        for persona in ("coordinator", "jury_member"):
            services.support_add(contribution=other, user=personas[persona])
    assert [title for _, title in order()] == [other.title, contribution.title]
