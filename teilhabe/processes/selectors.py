"""Reads for processes: which process is shown, which phase is current."""

from django.core.cache import cache
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_version
from teilhabe.processes.models import Phase, Process, ProcessMembership, ProcessRole


def process_list_published():
    return Process.objects.filter(is_published=True).select_related("city").order_by("-created_at")


def process_slugs_published(*, limit: int = 2) -> list[str]:
    """The slugs of the newest published processes (the home page shows the only one, or a list), cached until
    site content changes."""
    key = f"process-slugs:{limit}:{cache_version(CONTENT_NAMESPACE, 'site')}"
    slugs = cache.get(key)
    if slugs is None:
        slugs = list(process_list_published().values_list("slug", flat=True)[:limit])
        cache.set(key, slugs, PROCESS_SECONDS)
    return slugs


PROCESS_SECONDS = 300  # an upper bound: every change of a process, its phases or fields bumps the content version


def _process_cached(key: str, **lookup) -> Process | None:
    key = f"{key}:{cache_version(CONTENT_NAMESPACE, 'site')}"
    found = cache.get(key)
    if found is not None:
        return found or None  # False: known not to exist
    process = _process_load(**lookup)
    cache.set(key, process if process is not None else False, PROCESS_SECONDS)
    return process


# What a cached process carries besides its city, in the order its pages show them: (related name, order).
CHILDREN = (("phases", ("start", "id")), ("fields_of_action", ("order", "name")), ("target_groups", ("order", "name")))
_children_sql: dict[str, str] = {}  # per worker: the SQL of each child query, compiled once


def _process_load(**lookup) -> Process | None:
    """The process with its city (one query) and its phases, fields of action and target groups, each read by SQL
    the ORM compiled once per worker and put where ``prefetch_related`` would have put them: the same objects at a
    half of the cost, which a page pays whenever the cache lost the process (after a change of site content, or
    with an emptied cache)."""
    process = Process.objects.filter(**lookup).select_related("city").first()
    if process is None:
        return None
    cached = process._prefetched_objects_cache = {}
    for name, order in CHILDREN:
        manager = getattr(process, name)
        sql = _children_sql.get(name)
        if sql is None:
            compiled = manager.model.objects.filter(process_id=0).order_by(*order).query.sql_with_params()[0]
            sql = _children_sql[name] = compiled
        children = list(manager.model.objects.raw(sql, [process.pk]))
        for child in children:
            manager.field.set_cached_value(child, process)  # child.process without a query, as a prefetch does
        queryset = manager.all()
        queryset._result_cache, queryset._prefetch_done = children, True
        cached[name] = queryset
    return process


def process_get_published(*, slug: str) -> Process | None:
    """The published process ``slug`` with its city, phases, fields of action and target groups.

    Every page of a process asks for it, so it is kept in the cache until site content changes (the admin and
    the services that change processes bump the content version).
    """
    return _process_cached(f"process:{slug}", slug=slug, is_published=True)


def process_get(*, pk: int) -> Process | None:
    """The process ``pk``, published or not, loaded and cached like ``process_get_published``."""
    return _process_cached(f"process-id:{pk}", pk=pk)


def process_phases(process: Process) -> list[Phase]:
    """All phases in order; uses the prefetch when there is one, and remembers the answer."""
    cached = getattr(process, "_phases_cache", None)
    if cached is None:
        cached = sorted(process.phases.all(), key=lambda phase: phase.start)
        process._phases_cache = cached
    return cached


def phase_current(process: Process, *, at=None) -> Phase | None:
    at = at or timezone.now()
    for phase in process_phases(process):
        if phase.start <= at < phase.end:
            return phase
    return None


def phase_allows(process: Process, action: str, *, at=None) -> bool:
    """Whether the current phase allows ``action`` (contribute, comment, support)."""
    phase = phase_current(process, at=at)
    return bool(phase and getattr(phase, f"allows_{action}"))


def process_ids_by_role(user) -> dict[str, set[int]]:
    """Ids of the processes a user holds each process role in (coordinator, evaluator, …), read in one query and
    remembered on the user object for the request: the navigation and the rules of several apps ask for them."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_process_ids_by_role", None)
    if cached is None:
        cached = {}
        for role, process_id in ProcessMembership.objects.filter(user=user).values_list("role", "process_id"):
            cached.setdefault(role, set()).add(process_id)
        user._process_ids_by_role = cached
    return cached


def process_ids_coordinated_by(user) -> set[int]:
    """Ids of the processes a user coordinates."""
    return set(process_ids_by_role(user).get(ProcessRole.COORDINATOR, ()))


def process_ids_evaluated_by(user) -> set[int]:
    """Ids of the processes a user evaluates."""
    return set(process_ids_by_role(user).get(ProcessRole.EVALUATOR, ()))


def is_committee_member(user) -> bool:
    """Whether a user has the platform-wide role of committee member (Ausschussmitglied); remembered for the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_is_committee_member", None)
    if cached is None:
        cached = user.groups.filter(name=Role.COMMITTEE_MEMBER.value).exists()
        user._is_committee_member = cached
    return cached
