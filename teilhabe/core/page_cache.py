"""Whole pages for anonymous readers, cached per language and keyed by the versions of what they show.

A public view is decorated with ``cache_public_page(versions, params=...)``. ``versions(request, **kwargs)``
names the cache versions the page's content depends on (``teilhabe.core.cache_versions``) and returns their
values as strings, optionally with a lifetime in seconds (``(parts, seconds)``), or None when this request is
not to be cached. The services bump those versions when they commit, so the next request renders afresh.

Only anonymous GETs and HEADs without a session or messages cookie are looked up or stored; a page is stored
only when it answered 200 to a query string made of the parameters the view declares (each once), used no
CSRF token, queued no message, set no cookie and touched no session. Everything else is rendered as usual and
marked ``private``. Pages served or stored here carry ``Cache-Control: public, no-cache``, ``Vary:
Accept-Language, Cookie`` and a strong ETag, so a proxy or browser may keep them but revalidates (304).
docs/architecture.md, "Page cache", has the rules for new pages.

Hits are served early: each worker remembers, per language and URL, the key its page was last looked up under
and the (namespace, id) versions that key was built from. ``PageCacheMiddleware`` (right after the language is
chosen) reads those versions and that page in one cache round trip and serves the page when every version is
still the one in the key, before the session, CSRF, authentication and messages middleware, the URL resolver
and the view run. A URL the worker has not seen, a changed version or a missing page go the normal way, to the
decorator, which decides and stores as described above (with what the middleware read: no round trip twice).
"""

import functools
import hashlib
import math
import re
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many, cache_versions_with
from teilhabe.core.release import RELEASE

KEY_PREFIX = "page"
SITE = "site"  # the object id of the site-wide content version (CONTENT_NAMESPACE)
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage
VARY = ("Accept-Language", "Cookie")
_UNSTORED_HEADERS = {"set-cookie", "vary", "cache-control", "etag", "content-length"}
# A CSRF cookie the CSRF middleware keeps as it is (any other it replaces, with a Set-Cookie header).
_CSRF_SECRET = re.compile(f"[{re.escape(CSRF_ALLOWED_CHARS)}]{{{CSRF_SECRET_LENGTH}}}")


class PageVersions(tuple):
    """What ``page_versions`` answers: ``(parts, seconds)``, as a versions function returns them, and ``pairs``,
    the (namespace, object id) versions whose values the parts are (so the middleware can check them)."""

    pairs: tuple

    def __new__(cls, parts, seconds, pairs):
        answer = super().__new__(cls, (parts, seconds))
        answer.pairs = tuple(pairs)
        return answer


@dataclass(frozen=True)
class _Lookup:
    key: str
    timeout: int
    pairs: tuple | None = None  # the versions the key was built from, when the versions function named them
    parts: tuple = ()


@dataclass(frozen=True)
class PageCacheSpec:
    """What a decorated view declares: its versions function and the query parameters it understands."""

    versions: object
    params: frozenset

    def lookup(self, request, kwargs) -> _Lookup | None:
        """The key and lifetime of this request's page, or None when it is not cached at all."""
        query = request.GET
        if any(name not in self.params or len(values) != 1 for name, values in query.lists()):
            return None  # an unknown or repeated parameter: never a canonical page
        answer = self.versions(request, **kwargs)
        if answer is None:
            return None
        parts, timeout = answer if isinstance(answer, tuple) else (answer, None)
        default = settings.TEILHABE_PAGE_CACHE_SECONDS
        timeout = default if timeout is None else min(int(timeout), default)
        if timeout <= 0:
            return None
        key = page_cache_key(request.LANGUAGE_CODE, request.path, _query_string(request), parts)
        pairs = getattr(answer, "pairs", None)
        if pairs is None or len(pairs) != len(parts):
            return _Lookup(key, timeout)
        return _Lookup(key, timeout, pairs, tuple(str(part) for part in parts))


def page_cache_key(language: str, path: str, query_string: str, parts) -> str:
    address = hashlib.sha256(f"{path}?{query_string}".encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{RELEASE}:{language}:{address}:{':'.join(str(part) for part in parts)}"


def _query_string(request) -> str:
    return request.META.get("QUERY_STRING", "")


def _without_credentials(request) -> bool:
    """A GET or HEAD without a session or messages cookie and without an Authorization header: nothing that could
    sign someone in or carry a message (messages live in the session), so no session needs to be loaded."""
    if not settings.TEILHABE_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the CSRF middleware is about to set a cookie on whatever is answered
    return True


def _eligible(request) -> bool:
    """An anonymous GET or HEAD with nothing personal attached. Without a session cookie no session is loaded."""
    if not _without_credentials(request):
        return False
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def _eligible_early(request) -> bool:
    """``_eligible`` before the authentication and CSRF middleware have run: no credentials at all (so the user
    is anonymous whatever the authentication middleware would say) and no CSRF cookie that the CSRF middleware
    would replace on the answer."""
    if not _without_credentials(request):
        return False
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    return csrf_cookie is None or _CSRF_SECRET.fullmatch(csrf_cookie) is not None


# Per worker: (language, path, query string) -> the _Lookup of that page when the worker last looked it up.
_addresses: dict[tuple, _Lookup] = {}


def _address(request) -> tuple:
    return (request.LANGUAGE_CODE, request.path, _query_string(request))


def serve_early(request) -> HttpResponse | None:
    """The cached page of an anonymous GET or HEAD, or None to go the normal way (``PageCacheMiddleware``).

    Served only for a URL this worker has looked up before, when every version its key was built from is still
    current: the key is then the one the view's versions function would give now. One cache round trip reads the
    versions and the page; the versions read stay this request's (the request's version memo), and a page found
    missing is not looked for again by the decorator.
    """
    if not _eligible_early(request):
        return None
    known = _addresses.get(_address(request))
    if known is None:
        return None
    versions, found = cache_versions_with(known.pairs, [known.key])
    if any(str(versions.get(pair)) != part for pair, part in zip(known.pairs, known.parts, strict=True)):
        return None  # a version changed (or left the cache): the versions function decides again
    entry = found.get(known.key)
    if entry is None:
        request._page_cache_absent = known.key
        return None
    return _served(request, entry)


def _served(request, entry):
    content, headers, etag = entry
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    return _public(request, response, etag)


def _storable(request, response) -> bool:
    """Whether the rendered page is the same for every anonymous reader of this language."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token (get_token was called while rendering)
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (
        getattr(storage, "_queued_messages", None) or getattr(storage, "_loaded_messages", None)
    ):
        return False
    return "Cache-Control" not in response.headers  # a view that decided its own caching keeps it


def _etag(content: bytes, language: str) -> str:
    return '"' + hashlib.sha256(language.encode() + b"\0" + content).hexdigest()[:40] + '"'


def _public(request, response, etag: str):
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, VARY)
    return get_conditional_response(request, etag=etag, response=response)


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, VARY)
    return response


def _rendered(response):
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response = response.render()  # a TemplateResponse renders (and may use a CSRF token) only now
    return response


def cache_public_page(versions, *, params=()):
    """Serve and store this public view's anonymous pages whole; see the module docstring for the rules.

    ``versions(request, **view_kwargs)`` returns a list of version strings, or ``(list, seconds)`` to shorten
    the lifetime (a phase that starts or ends), or None to leave this request uncached. ``params``: the query
    parameters the view understands; a page with any other (or one twice) is never stored.
    """
    spec = PageCacheSpec(versions=versions, params=frozenset(params))

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            lookup = spec.lookup(request, kwargs) if _eligible(request) else None
            if lookup is None:
                return _private(_rendered(view(request, *args, **kwargs)))
            if lookup.pairs is not None:
                remember(_addresses, _address(request), lookup)
            absent = getattr(request, "_page_cache_absent", None) == lookup.key  # the middleware just looked
            entry = None if absent else cache.get(lookup.key)
            if entry is not None:
                return _served(request, entry)
            response = _rendered(view(request, *args, **kwargs))
            if not _storable(request, response):
                return _private(response)
            etag = _etag(response.content, request.LANGUAGE_CODE)
            headers = [
                (name, value) for name, value in response.headers.items() if name.lower() not in _UNSTORED_HEADERS
            ]
            cache.set(lookup.key, (response.content, headers, etag), lookup.timeout)
            return _public(request, response, etag)

        wrapper.page_cache = spec
        return wrapper

    return decorator


def _anonymous_get(path: str, query_string: str, language: str) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"QUERY_STRING": query_string, "SERVER_NAME": "testserver", "SERVER_PORT": "80"}
    request.GET = QueryDict(query_string)
    request.LANGUAGE_CODE = language
    request.user = AnonymousUser()
    return request


def page_cache_keys_for(path_with_query: str) -> list[str]:
    """Every key an anonymous GET of this URL could be stored under, one per language, at the current versions.

    For checks that a URL left nothing in the cache (``cache.get_many(keys)`` is empty): a URL whose view is
    not cached, or that its view never caches (unknown parameters, an invalid id), has no key.
    """
    path, _sep, query_string = path_with_query.partition("?")
    path = unquote(path)
    try:
        match = resolve(path)
    except Resolver404:
        return []
    spec = getattr(match.func, "page_cache", None)
    if spec is None:
        return []
    keys = []
    for language, _name in settings.LANGUAGES:
        lookup = spec.lookup(_anonymous_get(path, query_string, language), match.kwargs)
        if lookup is not None:
            keys.append(lookup.key)
    return keys


def page_versions(pairs, *, changes_at=(), known=None) -> PageVersions:
    """A versions function's answer: the values of these (namespace, object id) versions, read in one round trip
    (or taken from ``known``, a dict of versions just read), and the seconds until the first moment in
    ``changes_at`` still to come (a phase starting or ending), if any.
    """
    pairs = list(pairs)
    versions = known if known is not None and all(pair in known for pair in pairs) else cache_versions_many(pairs)
    now = timezone.now()
    upcoming = [moment for moment in changes_at if moment > now]
    seconds = math.floor((min(upcoming) - now).total_seconds()) if upcoming else None
    return PageVersions([str(versions[pair]) for pair in pairs], seconds, pairs)


def remember(memo: dict, key, value, *, limit: int = 10_000) -> None:
    """Keep ``value`` in a worker's own ``memo``, which never grows beyond ``limit`` entries (it starts over)."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value


def site_page_versions(request=None, **kwargs):
    """For a page of staff-written content only (a versions function itself): the site's content version."""
    return page_versions([(CONTENT_NAMESPACE, SITE)])
