"""The whole-page cache for anonymous readers (teilhabe.core.page_cache).

Runs against the configured cache: locmem on SQLite, Redis when REDIS_URL is set (the PostgreSQL run of CI).
Writes go through the services inside ``django_capture_on_commit_callbacks(execute=True)``, so that the cache
versions are bumped as they are after a real commit.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.core.page_cache import cache_public_page, page_cache_key, page_cache_keys_for, page_versions
from teilhabe.core.services import content_translation_set
from teilhabe.core.tests.test_security_headers import assert_security_headers
from teilhabe.processes.models import Process

SIGN_OUT = "Abmelden"  # German: the header of a signed-in person's page
SIGN_IN = "Anmelden"


def stored(url) -> dict:
    """The cache entries that anonymous readers of ``url`` would be served, in any language."""
    return cache.get_many(page_cache_keys_for(url))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)" dir="(\w+)"', response.content.decode()).groups()


@pytest.fixture
def single_process(process, personas):
    """Only ``process`` is published, so that the home page shows it with its figures."""
    Process.objects.filter(slug="closed").update(is_published=False)
    return process


@pytest.fixture
def urls(single_process, contribution):
    return {
        "home": reverse("processes:home"),
        "process": reverse("processes:detail", kwargs={"slug": single_process.slug}),
        "list": reverse("contributions:list", kwargs={"slug": single_process.slug}),
        "detail": reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        "how-to": reverse("core:how_to"),
        "privacy": reverse("core:privacy"),
        "imprint": reverse("core:imprint"),
    }


def test_every_public_page_is_stored_and_served_from_the_cache(client, urls):
    for name, url in urls.items():
        first = client.get(url)
        assert first.status_code == 200, name
        assert stored(url), f"{name}: not stored"
        assert "csrfmiddlewaretoken" not in first.content.decode(), f"{name}: an anonymous page holds a CSRF token"
        assert not first.cookies, name
        second = client.get(url)
        assert second.content == first.content, name
        assert second["ETag"] == first["ETag"], name


def test_a_hit_is_served_without_running_the_view(client, urls, django_assert_max_num_queries):
    for name, url in urls.items():
        client.get(url)
        # The versions read the process from the cache; the home page asks which processes are published.
        with django_assert_max_num_queries(1 if name == "home" else 0):
            assert client.get(url).status_code == 200, name


def count_cache_calls(monkeypatch) -> list:
    """The cache backend's calls from now on, by method name (each one round trip)."""
    backend = caches["default"]
    calls, depth = [], [0]

    def counted(method, original):
        def call(*args, **kwargs):
            if not depth[0]:
                calls.append(method)  # a backend's get_many may call its own get: one round trip all the same
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for method in ("get", "get_many", "get_or_set", "add", "set", "set_many", "delete"):
        monkeypatch.setattr(backend, method, counted(method, getattr(backend, method)))
    return calls


def test_a_hit_costs_one_cache_round_trip(client, urls, monkeypatch):
    """The versions the page was stored under and the page, together; no query, no view."""
    calls = count_cache_calls(monkeypatch)
    for name in ("home", "process", "list", "detail", "how-to"):
        client.get(urls[name])
        client.get(urls[name])  # the worker now knows the page's key and versions
        calls.clear()
        assert client.get(urls[name]).status_code == 200, name
        assert calls == ["get_many"], name


def test_a_hit_is_served_before_authentication_csrf_messages_and_the_view(
    client, urls, monkeypatch, django_assert_max_num_queries
):
    for url in urls.values():
        client.get(url)

    def never(*args, **kwargs):
        raise AssertionError("a hit ran what it does not need")

    for name in (
        "django.contrib.auth.middleware.AuthenticationMiddleware.process_request",
        "django.middleware.csrf.CsrfViewMiddleware.process_request",
        "django.contrib.messages.middleware.MessageMiddleware.process_request",
        "django.urls.resolvers.URLResolver.resolve",
    ):
        monkeypatch.setattr(name, never)
    with django_assert_max_num_queries(0):
        for name, url in urls.items():
            assert client.get(url).status_code == 200, name


def test_a_page_stored_after_a_change_is_served_early_again(
    client, urls, contribution, personas, django_capture_on_commit_callbacks, monkeypatch
):
    warm(client, urls, "list")
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(contribution=contribution, user=personas["evaluator"])
    calls = count_cache_calls(monkeypatch)
    assert "1 Unterstützung" in text(client, urls["list"])  # a version changed: rendered and stored afresh
    assert "set" in calls
    calls.clear()
    assert "1 Unterstützung" in text(client, urls["list"])
    assert calls == ["get_many"]


PER_REQUEST_HEADERS = {"date", "content-length"}


@pytest.mark.parametrize("name", ["home", "list", "detail", "how-to"])
def test_an_early_hit_carries_every_header_of_the_rendered_page(client, urls, name):
    """Security headers, CSP, Permissions-Policy, X-Frame-Options, Content-Language, Vary, ETag, Cache-Control."""
    rendered = client.get(urls[name])
    hit = client.get(urls[name])
    assert hit.content == rendered.content
    assert_security_headers(hit, f"{name}, served early")
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert hit.get(header) == rendered.get(header) and hit.get(header), header
    assert hit["Content-Language"] == "de"
    assert {value.strip().lower() for value in hit["Vary"].split(",")} >= {"accept-language", "cookie"}
    headers = {key.lower(): value for key, value in rendered.headers.items() if key.lower() not in PER_REQUEST_HEADERS}
    assert {key.lower(): value for key, value in hit.headers.items() if key.lower() not in PER_REQUEST_HEADERS} == (
        headers
    )
    assert not hit.cookies


def test_an_early_hit_answers_if_none_match_with_304(client, urls):
    url = urls["list"]
    etag = client.get(url)["ETag"]
    client.get(url)
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert_security_headers(not_modified, "304 served early")
    assert not_modified["X-Frame-Options"] == "DENY"


def test_a_signed_in_person_with_a_known_url_still_gets_their_own_page(client, urls, participant, monkeypatch):
    for url in urls.values():
        client.get(url)
        client.get(url)  # served early now
    client.force_login(participant)  # a session cookie: the normal way, the session says who it is
    calls = count_cache_calls(monkeypatch)
    for name, url in urls.items():
        page = client.get(url)
        assert SIGN_OUT in page.content.decode(), name
        assert "private" in page["Cache-Control"], name
    assert calls.count("get_many") + calls.count("get") > 0


def test_any_session_cookie_goes_the_normal_way(urls):
    url = urls["list"]
    Client().get(url)
    Client().get(url)
    stranger = Client()
    stranger.cookies["sessionid"] = "not-a-session-anyone-has"
    page = stranger.get(url)
    assert "private" in page["Cache-Control"] and "ETag" not in page


def test_a_malformed_csrf_cookie_is_replaced_not_served_from_the_cache(urls):
    url = urls["list"]
    Client().get(url)
    Client().get(url)
    visitor = Client()
    visitor.cookies["csrftoken"] = "x"
    page = visitor.get(url)
    assert "private" in page["Cache-Control"]
    assert page.cookies["csrftoken"].value != "x"  # the CSRF middleware ran and set a proper one
    good = Client()
    good.cookies["csrftoken"] = "a" * 32  # a well-formed one stays as it is: the page is served from the cache
    page = good.get(url)
    assert "public" in page["Cache-Control"] and not page.cookies


def test_bad_query_strings_next_to_a_known_page_are_not_served_or_stored(client, urls):
    url = urls["list"]
    client.get(url)
    good = client.get(url)
    for query in ("?foo=bar", "?page=abc", "?q=a&q=b", "?q=title:Kita"):
        response = client.get(url + query)
        assert response.status_code < 500, query
        assert "public" not in response.get("Cache-Control", ""), query
        assert not stored(url + query), query
    assert client.get(url).content == good.content


# Languages and directions


@pytest.mark.parametrize("name", ["home", "list", "detail", "how-to"])
def test_an_arabic_page_is_never_served_to_a_german_reader(urls, name):
    url = urls[name]
    arabic = Client(HTTP_ACCEPT_LANGUAGE="ar").get(url)
    assert html_lang(arabic) == ("ar", "rtl")
    assert Client(HTTP_ACCEPT_LANGUAGE="ar").get(url).content == arabic.content  # stored, and served
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get(url)
    assert html_lang(german) == ("de", "ltr")
    assert german.content != arabic.content
    assert german["ETag"] != arabic["ETag"]
    by_cookie = Client()
    by_cookie.cookies["django_language"] = "ar"
    assert html_lang(by_cookie.get(url)) == ("ar", "rtl")
    by_cookie.cookies["django_language"] = "de"
    assert html_lang(by_cookie.get(url)) == ("de", "ltr")


def test_easy_german_and_german_are_cached_apart(urls):
    url = urls["how-to"]
    easy = Client()
    easy.cookies["django_language"] = "de-ls"
    easy_page = easy.get(url)
    assert html_lang(easy_page)[0] == "de-ls"
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get(url)
    assert html_lang(german)[0] == "de"
    easy_again = easy.get(url)
    assert html_lang(easy_again)[0] == "de-ls"
    assert len(stored(url)) == 2


# Signed-in people


def test_a_signed_in_person_never_gets_an_anonymous_page(client, urls, participant):
    for url in urls.values():
        client.get(url)
        assert stored(url)
    client.force_login(participant)
    for name, url in urls.items():
        page = client.get(url)
        assert SIGN_OUT in page.content.decode(), name
        assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"], name
        assert "ETag" not in page, name


def test_a_signed_in_persons_page_is_never_stored(client, urls, participant):
    client.force_login(participant)
    for name, url in urls.items():
        page = client.get(url)
        assert SIGN_OUT in page.content.decode(), name
        assert not stored(url), name
    client.logout()
    for name, url in urls.items():
        page = client.get(url)
        assert SIGN_OUT not in page.content.decode() and SIGN_IN in page.content.decode(), name


def test_a_visitor_with_a_session_is_neither_served_nor_stored(urls):
    url = urls["how-to"]
    with_session = Client()
    with_session.cookies["sessionid"] = "whatever"
    assert "private" in with_session.get(url)["Cache-Control"]
    assert not stored(url)


# Messages, CSRF tokens, cookies


def decorated_view(body):
    return cache_public_page(lambda request: ["1"])(body)


def anonymous_request(path="/probe/"):
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "de"
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = default_storage(request)
    return request


def probe_key(path="/probe/"):
    return page_cache_key("de", path, "", ["1"])


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda request: messages.info(request, "Gespeichert.") or HttpResponse("x"), id="message"),
        pytest.param(lambda request: HttpResponse(get_token(request)), id="csrf token"),
        pytest.param(lambda request: request.session.__setitem__("k", 1) or HttpResponse("x"), id="session"),
        pytest.param(lambda request: HttpResponse("x", status=400), id="status 400"),
    ],
)
def test_a_personal_page_is_not_stored(db, body):
    response = decorated_view(body)(anonymous_request())
    assert cache.get(probe_key()) is None
    assert "private" in response["Cache-Control"]


def test_a_response_with_a_cookie_is_not_stored(db):
    def body(request):
        response = HttpResponse("x")
        response.set_cookie("k", "v")
        return response

    decorated_view(body)(anonymous_request())
    assert cache.get(probe_key()) is None


def test_a_page_with_a_message_is_not_served_from_the_cache(client, urls):
    url = urls["how-to"]
    client.get(url)
    assert stored(url)
    response = client.post(reverse("core:accessibility"), {"message": "Der Kontrast ist zu schwach."})
    assert response.status_code == 302
    shown = client.get(url)  # the message of the last request is shown on this one
    assert 'class="message message-success"' in shown.content.decode()
    assert "private" in shown["Cache-Control"]
    assert 'class="message' not in Client().get(url).content.decode()  # and is stored for nobody else


def test_pages_with_a_csrf_form_are_not_stored(client, urls):
    for name in ("core:accessibility", "account_signup", "account_login"):
        url = reverse(name)
        page = Client().get(url)
        assert "csrfmiddlewaretoken" in page.content.decode(), name
        assert "public" not in page.get("Cache-Control", ""), name
        assert not stored(url), name


# Freshness: the next request after a change shows it


def warm(client, urls, *names):
    for name in names:
        client.get(urls[name])
        assert stored(urls[name]), name


def text(client, url) -> str:
    return client.get(url).content.decode()


def test_a_new_contribution_shows_at_once(client, urls, single_process, personas, django_capture_on_commit_callbacks):
    warm(client, urls, "home", "process", "list")
    before = text(client, urls["home"])
    with django_capture_on_commit_callbacks(execute=True):
        new = make_contribution(single_process, personas["evaluator"], title="Ein Elterncafé im Stadtteil")
    assert "Ein Elterncafé im Stadtteil" in text(client, urls["list"])
    assert text(client, urls["home"]) != before
    assert "<strong>2</strong>" in text(client, urls["process"])  # published contributions
    assert "Ein Elterncafé im Stadtteil" in text(client, reverse("contributions:detail", kwargs={"pk": new.pk}))


def test_an_edited_contribution_shows_at_once(
    client, urls, contribution, coordinator, django_capture_on_commit_callbacks
):
    warm(client, urls, "list", "detail")
    assert '<h1 id="contribution-title" lang="de"' in text(client, urls["detail"])
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_set_language(contribution=contribution, user=coordinator, language="tr")
    assert '<h1 id="contribution-title" lang="tr"' in text(client, urls["detail"])
    assert '<h3 lang="tr"' in text(client, urls["list"])


def test_a_removed_contribution_shows_at_once(
    client, urls, contribution, coordinator, django_capture_on_commit_callbacks
):
    warm(client, urls, "home", "list", "detail")
    assert contribution.title in text(client, urls["list"])
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="off_topic")
    assert contribution.title not in text(client, urls["list"])
    detail = text(client, urls["detail"])
    assert contribution.title not in detail
    assert "Dieser Beitrag wurde von der Moderation entfernt" in detail
    assert "<strong>0</strong>" in text(client, urls["home"])


def test_a_supported_contribution_shows_at_once(
    client, urls, contribution, personas, django_capture_on_commit_callbacks
):
    warm(client, urls, "home", "list", "detail")
    assert "1 Person unterstützt" not in text(client, urls["detail"])
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(contribution=contribution, user=personas["evaluator"])
    assert "1 Person unterstützt" in text(client, urls["detail"])
    assert "1 Unterstützung" in text(client, urls["list"])
    home = text(client, urls["home"])
    assert re.search(r"<strong>1</strong>\s*Unterstützungen", home), home


def test_a_comment_shows_at_once(client, urls, contribution, personas, django_capture_on_commit_callbacks):
    warm(client, urls, "detail")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(contribution=contribution, user=personas["evaluator"], body="Ganz meine Meinung")
    assert "Ganz meine Meinung" in text(client, urls["detail"])


class FormValues(HTMLParser):
    """The values a browser would send for the form with this id (without pressing a submit button)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.data, self._select, self._textarea, self._in_form = form_id, {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def test_an_admin_change_of_the_process_title_shows_at_once(
    client, urls, single_process, django_user_model, django_capture_on_commit_callbacks
):
    warm(client, urls, "home", "process", "list", "detail")
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x-Long-passw0rd")
    staff = Client()
    staff.force_login(admin)
    change_url = reverse("admin:processes_process_change", args=[single_process.pk])
    parser = FormValues("process_form")
    parser.feed(staff.get(change_url).content.decode())
    data = {name: values if len(values) > 1 else values[0] for name, values in parser.data.items() if values}
    assert data["title"] == single_process.title
    data["title"] = "Lokaler Integrationsplan 5.0"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    for name in ("home", "process", "list"):  # the contribution's page does not name its process
        assert "Lokaler Integrationsplan 5.0" in text(client, urls[name]), name


def test_a_translation_of_a_staff_text_shows_at_once(client, urls, single_process, django_capture_on_commit_callbacks):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.get(urls["process"])
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=single_process, field="title", language="en", text="Local plan", state="reviewed")
    assert "Local plan" in english.get(urls["process"]).content.decode()


def test_a_page_does_not_outlive_its_phase(db):
    soon = timezone.now() + datetime.timedelta(seconds=90)
    parts, seconds = page_versions([("test", 1)], changes_at=[timezone.now() - datetime.timedelta(days=1), soon])
    assert len(parts) == 1 and 85 <= seconds <= 90


# Bad input is answered but not stored


@pytest.mark.parametrize(
    "query",
    [
        "?foo=bar",
        "?field=gibt-es-nicht",
        "?page=999999",
        "?page=abc",
        "?page=0",
        "?page=01",
        "?q=" + "x" * 500,
        "?q=a&q=b",
        "?status=removed",
        "?sort=drop-table",
        "?district=99999999999999999999999",
        '?q="',
        '?q="Sprachkurse',
        "?q=*",
        "?q=Sprachkurse+OR",
        "?q=NEAR(",
        "?q=title:Kita",
        "?q=%FF%FE",
        "?q=" + "+".join(["wort"] * 12),
    ],
)
def test_bad_query_strings_are_not_stored(client, urls, query):
    url = urls["list"] + query
    response = client.get(url)
    assert response.status_code < 500
    assert "public" not in response.get("Cache-Control", "")
    assert not stored(url)


def test_good_query_strings_are_stored(client, urls):
    for query in ("?field=bildung", "?q=Sprachkurse&field=&district=&sort=", "?page=1"):
        url = urls["list"] + query
        assert client.get(url).status_code == 200
        assert stored(url), query


def test_detail_variants(client, urls, contribution):
    assert client.get(urls["detail"] + "?kommentare=alle").status_code == 200
    assert stored(urls["detail"] + "?kommentare=alle")
    for query in ("?uebersetzen=1", "?kommentare=einige", "?x=1"):
        client.get(urls["detail"] + query)
        assert not stored(urls["detail"] + query), query
    missing = reverse("contributions:detail", kwargs={"pk": contribution.pk + 1000})
    assert client.get(missing).status_code == 404
    assert not page_cache_keys_for(missing)
    assert not page_cache_keys_for(f"/beitraege/0{contribution.pk}/")


def test_keys_are_listed_for_every_language(urls, settings):
    assert len(page_cache_keys_for(urls["list"])) == len(settings.LANGUAGES)
    assert page_cache_keys_for(reverse("core:accessibility")) == []
    assert page_cache_keys_for("/gibt-es-nicht/") == []


# Headers


def test_headers_of_a_cached_page(client, urls):
    url = urls["list"]
    first, hit = client.get(url), client.get(url)
    for response in (first, hit):
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"public", "no-cache"}
        vary = {value.strip().lower() for value in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary
        assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
        assert response["Content-Language"] == "de"
        assert_security_headers(response, "cached list")


def test_if_none_match_gives_304(client, urls):
    url = urls["detail"]
    etag = client.get(url)["ETag"]
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag and "public" in not_modified["Cache-Control"]
    assert "Content-Security-Policy" in not_modified
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_head_is_answered_from_the_cache(client, urls):
    url = urls["process"]
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    fresh_url = urls["imprint"]
    head = client.head(fresh_url)
    assert head.status_code == 200 and stored(fresh_url)


def test_the_cache_can_be_switched_off(client, urls, settings):
    settings.TEILHABE_PAGE_CACHE = False
    page = client.get(urls["list"])
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert not stored(urls["list"])


# The language switch without a token


def test_the_language_switch_works_for_anonymous_visitors_without_a_token(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ar"


def test_a_cross_site_switch_does_not_change_the_saved_preference(participant):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(participant)
    response = browser.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ar"
    participant.refresh_from_db()
    assert participant.preferred_language != "ar"


def test_a_signed_in_switch_with_its_token_saves_the_preference(participant):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(participant)
    page = browser.get(reverse("core:how_to")).content.decode()
    token = re.search(r'<form class="language-picker".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S)
    assert token, "the picker of a signed-in person carries a CSRF token"
    response = browser.post(
        reverse("set_language"), {"language": "uk", "next": "/", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.preferred_language == "uk"
