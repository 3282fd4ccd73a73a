"""Versioned cache keys: writers bump a version, readers build keys with it (works across processes)."""

import time

from django.core.cache import cache
from django.db import transaction

# Namespaces shared between apps. A process's figures are computed in monitoring (above contributions) and
# made stale by the contributions services, so the name lives here, below both.
FIGURES_NAMESPACE = "process-figures"


def cache_version(namespace: str, object_id) -> int:
    return cache.get_or_set(f"version:{namespace}:{object_id}", 0, None)


def cache_version_bump(namespace: str, object_id) -> None:
    """After the current transaction commits, make every cached value of this object stale."""
    transaction.on_commit(lambda: cache.set(f"version:{namespace}:{object_id}", time.time_ns(), None))
