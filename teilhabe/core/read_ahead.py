"""A page's cache reads in one round trip: what the last request of the same page read, read ahead.

Rendering a page reads a dozen cache entries one after another — versions, the process, counts, a list's ids,
cards, translation tables, the site's chrome (``{% cache %}``), fragments — and with Redis each read is a round
trip, and with Django's Redis client a new client object as well. ``CacheReadAheadMiddleware`` remembers, per
worker, which keys a GET of a page read (the page: language, path, query string, and whether a session cookie
came along); the next GET of the same page reads all of them with one ``get_many`` before the view runs, and
every read of that request takes its value from there when it asks for one of those keys.

Nothing stale comes of it. A value read ahead is what the cache held under exactly that key at the start of this
request, and it is used once. Keys name the versions of what they hold (``teilhabe.core.cache_versions``): after
a change the page asks for other keys, which were not read ahead and are read from the cache as before (and are
read ahead the next time). A key the request writes — a counter, a rate limit, an entry it has just built — is
dropped from what was read ahead and is not remembered; neither are whole pages (``page_cache``), which have
their own look-up.

For the request, the cache alias ``default`` is a ``ReadAheadCache`` in front of the configured backend (set and
restored with ``caches[alias] = …``, per thread or task, as Django keeps its cache connections); everything that
uses ``django.core.cache.cache`` or ``caches["default"]`` goes through it, Django's ``{% cache %}`` tag included.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from teilhabe.core.page_cache import KEY_PREFIX, remember

MAX_KEYS = 100  # read ahead per page at most; a page reading more reads the rest as before
MAX_PAGES = 1000  # pages remembered per worker (it starts over when full)
_NOT_REMEMBERED = (f"{KEY_PREFIX}:",)

# Per worker: page -> the keys its last GET read (and did not write), in the order they were first read.
_remembered: dict[tuple, tuple[str, ...]] = {}


class ReadAheadCache:
    """The cache as one request sees it: the configured backend, with the values read ahead for it in front.

    Reads (``get``, ``get_many``) of a key read ahead take its value (once) without a round trip; every other
    method goes to the backend, and one that writes a key drops what was read ahead for it.
    """

    def __init__(self, backend, ahead: dict, absent: set):
        self._backend = backend
        self._ahead, self._absent = ahead, absent  # found, and known not to be in the cache
        self.read: dict[str, None] = {}  # every key read, in order
        self.written: set[str] = set()

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def __contains__(self, key):
        return self.has_key(key)

    def _written(self, keys) -> None:
        for key in keys:
            self._ahead.pop(key, None)
            self._absent.discard(key)
            self.written.add(key)

    def get(self, key, default=None, version=None):
        if version is None:
            self.read[key] = None
            if key in self._ahead:
                return self._ahead.pop(key)
            if key in self._absent:
                self._absent.discard(key)
                return default
        return self._backend.get(key, default, version=version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        if version is not None:
            return self._backend.get_many(keys, version=version)
        found, missing = {}, []
        for key in keys:
            self.read[key] = None
            if key in self._ahead:
                found[key] = self._ahead.pop(key)
            elif key in self._absent:
                self._absent.discard(key)
            else:
                missing.append(key)
        if missing:
            found.update(self._backend.get_many(missing))
        return found

    def has_key(self, key, version=None):
        return self._backend.has_key(key, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._written([key])
        return self._backend.set(key, value, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._written([key])
        return self._backend.add(key, value, timeout, version=version)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        self._written([key])
        return self._backend.get_or_set(key, default, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self._written([key])
        return self._backend.touch(key, timeout, version=version)

    def delete(self, key, version=None):
        self._written([key])
        return self._backend.delete(key, version=version)

    def incr(self, key, delta=1, version=None):
        self._written([key])
        return self._backend.incr(key, delta, version=version)

    def decr(self, key, delta=1, version=None):
        self._written([key])
        return self._backend.decr(key, delta, version=version)

    def incr_version(self, key, delta=1, version=None):
        self._written([key])
        return self._backend.incr_version(key, delta, version=version)

    def decr_version(self, key, delta=1, version=None):
        self._written([key])
        return self._backend.decr_version(key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._written(list(data))
        return self._backend.set_many(data, timeout, version=version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._written(keys)
        return self._backend.delete_many(keys, version=version)

    def clear(self):
        self._ahead.clear()
        self._absent.clear()
        return self._backend.clear()


def page_of(request) -> tuple:
    """Which page a GET asks for, as far as the cache keys it reads go: the language chosen for it, path and query
    string, and whether it came with a session cookie (a signed-in page reads other keys than an anonymous one)."""
    return (
        request.LANGUAGE_CODE,
        request.path,
        request.META.get("QUERY_STRING", ""),
        settings.SESSION_COOKIE_NAME in request.COOKIES,
    )


@contextmanager
def cache_read_ahead(page: tuple):
    """Within the block, the default cache is a ``ReadAheadCache`` holding what the last request of ``page`` read
    (one ``get_many``); afterwards, what this one read is remembered for the next."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, ReadAheadCache):  # already inside one
        yield backend
        return
    keys = _remembered.get(page, ())
    found = backend.get_many(keys) if keys else {}
    request_cache = ReadAheadCache(backend, found, set(keys) - found.keys())
    caches[DEFAULT_CACHE_ALIAS] = request_cache
    try:
        yield request_cache
    finally:
        caches[DEFAULT_CACHE_ALIAS] = backend
        read = [
            key
            for key in request_cache.read
            if key not in request_cache.written and not key.startswith(_NOT_REMEMBERED)
        ][:MAX_KEYS]
        if read:
            remember(_remembered, page, tuple(read), limit=MAX_PAGES)
        else:
            _remembered.pop(page, None)
