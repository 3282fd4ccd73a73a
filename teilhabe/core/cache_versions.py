"""Versioned cache keys: writers bump a version, readers build keys with it (works across processes)."""

import time

from asgiref.local import Local
from django.core.cache import cache
from django.db import transaction

# Namespaces shared between apps. A process's figures are computed in monitoring (above contributions) and
# made stale by the contributions services, so the name lives here, below both.
FIGURES_NAMESPACE = "process-figures"
# Staff-written texts and other site-wide content (processes, phases, fields of action, their translations,
# display names): object id "site". Bumped by the admin and the services that change such texts.
CONTENT_NAMESPACE = "content"


def _key(namespace: str, object_id) -> str:
    return f"version:{namespace}:{object_id}"


def cache_version(namespace: str, object_id) -> int:
    return cache_versions_many([(namespace, object_id)])[(namespace, object_id)]


# Within one request every version is read from the cache once (a page asks for the site's content version in
# many places); ``VersionMemoMiddleware`` opens the memo at the start of a request and drops it at the end.
# Outside a request (commands, the task worker) there is no memo: every read goes to the cache.
_request = Local()


def versions_memo_open() -> None:
    _request.memo = {}


def versions_memo_close() -> None:
    _request.memo = None


def cache_versions_many(pairs) -> dict:
    """The versions of many (namespace, object id) pairs in one cache round trip (none for those this request
    has read already).

    A version that is not in the cache (never bumped, or evicted) starts at the current time, never at a value
    used before, so that entries stored under an old version can never come back.
    """
    memo = getattr(_request, "memo", None)
    pairs = list(pairs)
    versions = {pair: memo[pair] for pair in pairs if pair in memo} if memo else {}
    keys = {pair: _key(*pair) for pair in pairs if pair not in versions}
    found = cache.get_many(list(keys.values())) if keys else {}
    for pair, key in keys.items():
        if key in found:
            versions[pair] = found[key]
        else:
            fresh = time.time_ns()
            versions[pair] = fresh if cache.add(key, fresh, None) else cache.get(key, fresh)
    if memo is not None:
        memo.update(versions)
    return versions


def cache_versions_with(pairs, keys) -> tuple[dict, dict]:
    """The versions of ``pairs`` and the values of other cache ``keys``, in one round trip: (versions, values).

    Only what the cache holds is answered: a version missing from it is left out (``cache_versions_many`` starts
    it when it is needed), and so is a missing key. The versions read are this request's from now on.
    """
    memo = getattr(_request, "memo", None)
    versions = {pair: memo[pair] for pair in pairs if pair in memo} if memo else {}
    wanted = {_key(*pair): pair for pair in pairs if pair not in versions}
    found = cache.get_many([*wanted, *keys])
    read = {pair: found[key] for key, pair in wanted.items() if key in found}
    if memo is not None:
        memo.update(read)
    return {**versions, **read}, {key: found[key] for key in keys if key in found}


def cache_version_bump(namespace: str, object_id) -> None:
    """After the current transaction commits, make every cached value of this object stale."""

    def bump():
        version = time.time_ns()
        cache.set(_key(namespace, object_id), version, None)
        memo = getattr(_request, "memo", None)
        if memo is not None:
            memo[(namespace, object_id)] = version  # the rest of this request sees it too

    transaction.on_commit(bump)


def content_version_bump() -> None:
    """After commit, everything built from site content is stale: the admin's writes, staff texts' translations,
    public names (the whole pages of ``teilhabe.core.page_cache`` among them)."""
    cache_version_bump(CONTENT_NAMESPACE, "site")
