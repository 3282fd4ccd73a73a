"""Reads for contributions: the public list with filters, search and sorting; pages; the queue."""

import hashlib
import re
from dataclasses import dataclass

import rules
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from teilhabe.contributions.models import Comment, Contribution, Status, Support
from teilhabe.core.cache_versions import cache_version
from teilhabe.places.models import District

# "Newest" is the order of receipt: ids grow with time, and an id order is cheap for every filter and search.
SORTS = {
    "newest": ("-id",),
    "supported": ("-support_count", "-id"),
    "discussed": ("-comment_count", "-id"),
}
# Threads keep removed comments as placeholders; lists show the public only what is published.
THREAD_STATUSES = (Status.PUBLISHED, Status.REMOVED)
LISTS_NAMESPACE = "contribution-lists"  # bumped by the services whenever a contribution enters or leaves a list
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ContributionFilters:
    field: str = ""
    district: int | None = None
    target_group: str = ""
    channel: str = ""
    status: str = Status.PUBLISHED
    language: str = ""
    q: str = ""
    sort: str = "newest"


def search_terms(q: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(q or "")][:8]


def _apply_search(queryset: QuerySet, q: str, *, counting: bool = False) -> QuerySet:
    """Full-text search: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL (see search.py)."""
    terms = search_terms(q)
    if not terms:
        return queryset
    if connection.vendor == "sqlite":
        match = " ".join('"' + term.replace('"', "") + '"*' for term in terms)
        # For a page, the unary + keeps SQLite walking the list index in order and stopping at the page's last
        # hit instead of fetching and sorting every hit of a common word. For a count, SQLite starts from the
        # hits and checks each in the small index contrib_by_id_status.
        column = "contributions_contribution.id" if counting else "+contributions_contribution.id"
        return queryset.extra(  # noqa: S610 - constant SQL; the search terms go in as a parameter
            where=[
                f"{column} IN (SELECT rowid FROM contributions_contribution_fts "  # noqa: S608 - column is a constant
                "WHERE contributions_contribution_fts MATCH %s)"
            ],
            params=[match],
        )
    if connection.vendor == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        return queryset.extra(
            where=[
                "to_tsvector('simple'::regconfig, contributions_contribution.title || ' ' || "
                "contributions_contribution.body) @@ to_tsquery('simple'::regconfig, %s)"
            ],
            params=[query],
        )
    condition = Q()
    for term in terms:
        condition &= Q(title__icontains=term) | Q(body__icontains=term)
    return queryset.filter(condition)


def visible_statuses(user, process) -> tuple[str, ...]:
    if rules.has_perm("contributions.moderate_contribution", user, process):
        return tuple(Status.values)
    return (Status.PUBLISHED,)


def contribution_list(*, process, filters: ContributionFilters, user, counting: bool = False) -> QuerySet:
    """Contributions of a process as the list page shows them: filtered, searched, sorted.

    The queryset is meant for paging ids; ``contribution_rows`` loads what a page shows.
    """
    status = filters.status if filters.status in visible_statuses(user, process) else Status.PUBLISHED
    queryset = Contribution.objects.filter(process=process, status=status)
    # Filters by id, not by joined slug or number, so that the database uses the link tables' indexes.
    if filters.field:
        field_ids = [item.pk for item in process.fields_of_action.all() if item.slug == filters.field]
        queryset = queryset.filter(fields_of_action__id__in=field_ids)
    if filters.district:
        queryset = queryset.filter(
            district_id__in=District.objects.filter(city_id=process.city_id, number=filters.district).values("id")
        )
    if filters.target_group:
        group_ids = [item.pk for item in process.target_groups.all() if item.slug == filters.target_group]
        queryset = queryset.filter(target_groups__id__in=group_ids)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    queryset = _apply_search(queryset, filters.q, counting=counting)
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def contribution_list_count(*, process, filters: ContributionFilters, user) -> int:
    """How many contributions a list shows, cached until a contribution enters or leaves a list."""
    queryset = contribution_list(process=process, filters=filters, user=user, counting=True)
    query = hashlib.sha256(str(queryset.query).encode()).hexdigest()
    key = f"contribution-count:{process.pk}:{cache_version(LISTS_NAMESPACE, process.pk)}:{query}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, 300)
    return count


CARD_FIELDS = (
    "id",
    "process_id",
    "title",
    "language",
    "created_at",
    "channel",
    "status",
    "support_count",
    "comment_count",
    "district__name",
    "organisation__name",
    "author__display_name",
    "author__email",
)


def contribution_rows(ids, *, process) -> list[Contribution]:
    """The rows of one list page with what each card shows, in two queries whatever the page size.

    Cards name their fields of action; these are the process's own (already loaded) objects, attached as
    ``card_fields``, so that no field of action is loaded once per card.
    """
    rows = list(
        Contribution.objects.filter(pk__in=ids).select_related("district", "organisation", "author").only(*CARD_FIELDS)
    )
    fields = {field.pk: field for field in process.fields_of_action.all()}
    links = Contribution.fields_of_action.through.objects.filter(contribution_id__in=ids).values_list(
        "contribution_id", "fieldofaction_id"
    )
    by_contribution: dict[int, list] = {}
    for contribution_id, field_id in links:
        by_contribution.setdefault(contribution_id, []).append(fields[field_id])
    for row in rows:
        row.card_fields = sorted(by_contribution.get(row.pk, []), key=lambda field: (field.order, field.name))
    return rows


def contribution_get(*, pk: int) -> Contribution | None:
    return (
        Contribution.objects.filter(pk=pk)
        .select_related("process", "process__city", "district", "neighbourhood", "organisation", "author")
        .prefetch_related("fields_of_action", "target_groups", "process__phases")
        .first()
    )


def comment_thread(*, contribution, user, limit: int | None = None) -> tuple[list[Comment], bool]:
    """Top-level comments with their replies; removed ones stay as placeholders, unpublished are hidden.

    With a ``limit`` only the first threads are returned; the flag says whether there are more.
    """
    shown = Q(status__in=THREAD_STATUSES)
    if rules.has_perm("contributions.moderate_contribution", user, contribution):
        shown = Q()
    elif getattr(user, "is_authenticated", False):
        shown |= Q(author=user)
    replies = Comment.objects.filter(shown).select_related("author").order_by("created_at", "id")
    threads = (
        Comment.objects.filter(shown, contribution=contribution, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )
    if limit is None:
        return list(threads), False
    threads = list(threads[: limit + 1])
    return threads[:limit], len(threads) > limit


def user_supports(*, user, contribution) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Support.objects.filter(user=user, contribution=contribution).exists()


def moderation_queue(*, process) -> dict:
    """What waits for a coordinator: unreviewed contributions and comments, and open flags."""
    pending = Q(status=Status.IN_MODERATION) | Q(open_flag_count__gt=0, status=Status.PUBLISHED)
    return {
        "contributions": list(
            Contribution.objects.filter(pending, process=process)
            .select_related("author", "organisation")
            .prefetch_related("flags")
            .order_by("created_at")[:200]
        ),
        "comments": list(
            Comment.objects.filter(pending, contribution__process=process)
            .select_related("author", "contribution")
            .prefetch_related("flags")
            .order_by("created_at")[:200]
        ),
    }
