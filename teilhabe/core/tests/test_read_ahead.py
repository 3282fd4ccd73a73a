"""Reading ahead what a page read last time (teilhabe.core.read_ahead): fewer round trips, never an old value."""

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.core.read_ahead import ReadAheadCache, cache_read_ahead
from teilhabe.core.tests.test_page_cache import count_cache_calls
from teilhabe.processes.models import Process

PAGE = ("de", "/probe/", "", False)


@pytest.fixture
def urls(process, personas, contribution):
    Process.objects.filter(slug="closed").update(is_published=False)
    return {
        "home": reverse("processes:home"),
        "process": reverse("processes:detail", kwargs={"slug": process.slug}),
        "list": reverse("contributions:list", kwargs={"slug": process.slug}),
        "detail": reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        "how-to": reverse("core:how_to"),
    }


@pytest.fixture
def rendered(settings):
    settings.TEILHABE_PAGE_CACHE = False  # every page rendered, as for a signed-in reader


def test_a_page_read_before_reads_the_cache_once(client, urls, rendered, monkeypatch):
    calls = count_cache_calls(monkeypatch)
    for name, url in urls.items():
        client.get(url)  # fills the cache (what it writes is not read ahead)
        client.get(url)  # reads it
        calls.clear()
        client.get(url)
        assert calls == ["get_many"], name


def test_the_default_cache_is_itself_again_after_a_request(client, urls, rendered):
    backend = caches["default"]
    client.get(urls["list"])
    assert caches["default"] is backend
    assert not isinstance(caches["default"], ReadAheadCache)


def test_a_value_read_ahead_is_the_one_at_the_start_of_the_request(db):
    cache.set("probe", 1)
    with cache_read_ahead(PAGE):
        assert cache.get("probe") == 1
    cache.set("probe", 2)  # between two requests
    with cache_read_ahead(PAGE) as request_cache:
        assert request_cache._ahead == {"probe": 2}
        assert cache.get("probe") == 2
        assert cache.get("probe") == 2  # used once, then read from the cache


def test_a_key_written_in_the_request_is_read_from_the_cache_and_not_remembered(db):
    cache.set("counter", 1)
    with cache_read_ahead(PAGE):
        cache.get("counter")
    with cache_read_ahead(PAGE):
        cache.incr("counter")
        assert cache.get("counter") == 2  # not the 1 read ahead
        cache.set_many({"other": "x"})
        assert cache.get_many(["other", "counter"]) == {"other": "x", "counter": 2}
    with cache_read_ahead(PAGE) as request_cache:
        assert "counter" not in request_cache._ahead and "other" not in request_cache._ahead


def test_a_key_missing_at_the_start_and_set_meanwhile_is_found(db):
    with cache_read_ahead(PAGE):
        assert cache.get("late") is None
    with cache_read_ahead(PAGE):
        assert "late" not in cache
        cache.set("late", "here")
        assert cache.get("late") == "here"
        assert "late" in cache


def test_pages_are_not_read_ahead(client, urls, settings):
    url = urls["list"]
    client.get(url)
    with cache_read_ahead(("de", url, "", False)) as request_cache:
        assert not any(key.startswith("page:") for key in request_cache._ahead)


@pytest.mark.parametrize("name", ["home", "process", "list", "detail"])
def test_a_support_shows_at_once_on_rendered_pages(
    client, urls, rendered, contribution, personas, django_capture_on_commit_callbacks, name
):
    client.get(urls[name])
    before = client.get(urls[name]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(contribution=contribution, user=personas["evaluator"])
    after = client.get(urls[name]).content.decode()
    assert after != before
    assert client.get(urls[name]).content.decode() == after


def test_a_new_contribution_shows_at_once_on_the_rendered_list(
    client, urls, rendered, process, personas, django_capture_on_commit_callbacks
):
    client.get(urls["list"])
    client.get(urls["list"])
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, personas["evaluator"], title="Ein Elterncafé im Stadtteil")
    assert "Ein Elterncafé im Stadtteil" in client.get(urls["list"]).content.decode()


def test_signed_in_and_anonymous_pages_are_remembered_apart(client, urls, participant, rendered):
    anonymous = Client()
    anonymous.get(urls["list"])
    client.force_login(participant)
    client.get(urls["list"])
    page = client.get(urls["list"]).content.decode()
    assert "Abmelden" in page
    assert "Abmelden" not in anonymous.get(urls["list"]).content.decode()
