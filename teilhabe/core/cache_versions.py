"""Versioned cache keys: writers bump a version, readers build keys with it (works across processes)."""

import time

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


def cache_versions_many(pairs) -> dict:
    """The versions of many (namespace, object id) pairs in one cache round trip.

    A version that is not in the cache (never bumped, or evicted) starts at the current time, never at a value
    used before, so that entries stored under an old version can never come back.
    """
    pairs = list(pairs)
    keys = {pair: _key(*pair) for pair in pairs}
    found = cache.get_many(list(keys.values()))
    versions = {}
    for pair, key in keys.items():
        if key in found:
            versions[pair] = found[key]
        else:
            fresh = time.time_ns()
            versions[pair] = fresh if cache.add(key, fresh, None) else cache.get(key, fresh)
    return versions


def cache_version_bump(namespace: str, object_id) -> None:
    """After the current transaction commits, make every cached value of this object stale."""
    transaction.on_commit(lambda: cache.set(_key(namespace, object_id), time.time_ns(), None))


def content_version_bump() -> None:
    """After commit, everything built from site content is stale: the admin's writes, staff texts' translations,
    public names (the whole pages of ``teilhabe.core.page_cache`` among them)."""
    cache_version_bump(CONTENT_NAMESPACE, "site")
