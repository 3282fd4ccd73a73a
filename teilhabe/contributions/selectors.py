"""Reads for contributions: the public list with filters, search and sorting; pages; the queue."""

import hashlib
import re
from dataclasses import dataclass

import rules
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from teilhabe.contributions.models import Comment, Contribution, Flag, Status, Support
from teilhabe.core.cache_versions import cache_version
from teilhabe.core.fields import parse_id
from teilhabe.core.mail import supported_language
from teilhabe.core.pdf import render_pdf
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
PDF_CACHE_SECONDS = 24 * 3600
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


# Filters whose options show how many contributions they find; each is counted from its own list index.
FACETS = {"channel": "channel", "language": "language", "district": "district_id"}


def contribution_facets(*, process, status: str) -> dict[str, dict]:
    """For each filter in FACETS, how many contributions of the list with ``status`` each value has.

    Only values that occur are keys. Cached like the list counts, until a contribution enters or leaves a list.
    """
    key = f"contribution-facets:{process.pk}:{cache_version(LISTS_NAMESPACE, process.pk)}:{status}"
    facets = cache.get(key)
    if facets is None:
        rows = Contribution.objects.filter(process=process, status=status).order_by()
        facets = {
            name: dict(rows.values_list(column).annotate(n=Count("id")).values_list(column, "n"))
            for name, column in FACETS.items()
        }
        cache.set(key, facets, 300)
    return facets


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


def _may_see(user, contribution, *, removed: bool = False) -> bool:
    if contribution is None or not contribution.process.is_published:
        return False
    if contribution.is_removed:
        return removed
    return rules.has_perm("contributions.view_contribution", user, contribution)


def contribution_visible(*, user, pk, removed: bool = False) -> Contribution | None:
    """The contribution ``pk`` if ``user`` may see it, else None: the question every page of a contribution asks.

    None stands for "not found" alike for an id that does not exist and a contribution hidden from ``user``
    (awaiting confirmation, in moderation, in an unpublished process), so that the answers cannot differ.
    A removed contribution is only a placeholder: returned with ``removed=True`` (its page says it was removed
    and why), never for anything done with it (reports, supports, comments, language, PDF, moderation).
    """
    pk = parse_id(pk)
    contribution = contribution_get(pk=pk) if pk is not None else None
    return contribution if _may_see(user, contribution, removed=removed) else None


def comment_visible(*, user, pk, contribution: Contribution | None = None) -> Comment | None:
    """The comment ``pk`` (of ``contribution`` when given) if ``user`` may see it, else None.

    The same rule as for contributions: its contribution must be visible and not removed; a removed comment is
    only a placeholder; an unpublished one is seen by its author and the coordinators only. What may be done
    with a visible comment (reply, report) is a permission (``contributions.reply_to_comment`` and
    ``contributions.flag_comment``).
    """
    pk = parse_id(pk)
    if pk is None:
        return None
    comments = Comment.objects.filter(pk=pk)
    if contribution is not None:
        comment = comments.filter(contribution=contribution).first()
        if comment is not None:
            comment.contribution = contribution
    else:
        comment = comments.select_related("contribution__process").first()
    if comment is None or comment.status == Status.REMOVED or not _may_see(user, comment.contribution):
        return None
    return comment if rules.has_perm("contributions.view_comment", user, comment) else None


def contribution_submitted_get(*, pk, confirmed: bool) -> Contribution | None:
    """An anonymous author's contribution for the page after submitting (``confirmed=False``: still awaiting
    the confirmation) or after confirming (``confirmed=True``); None for every other id."""
    pk = parse_id(pk)
    if pk is None:
        return None
    contributions = Contribution.objects.filter(pk=pk, author__isnull=True, process__is_published=True)
    if confirmed:
        contributions = contributions.filter(email_confirmed_at__isnull=False).exclude(status=Status.REMOVED)
    else:
        contributions = contributions.filter(status=Status.AWAITING_CONFIRMATION)
    return contributions.only("id").first()


def contribution_pdf(*, contribution: Contribution, language: str, url: str) -> bytes:
    """The contribution as a tagged PDF in ``language``, rendered once and then taken from the cache.

    Rendering takes a second or two, so each document is kept in the shared cache (Redis in production) under
    a key holding what changes it: every service that changes a contribution saves ``updated_at``, and the
    support count changes by F() updates. Texts around it (a process title's translation, an author's display
    name) change rarely; a document is kept at most PDF_CACHE_SECONDS.
    """
    language = supported_language(language)
    key = (
        f"contribution-pdf:{contribution.pk}:{language}:"
        f"{contribution.updated_at.timestamp()}:{contribution.support_count}"
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(
            template="contributions/contribution_pdf.html",
            context={"contribution": contribution, "url": url},
            language=language,
            title=contribution.title,
        )
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


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
    """What waits for a coordinator: unreviewed contributions and comments, and open flags.

    Each item carries ``open_flags``: its own unresolved reports (a contribution's, not its comments'), which
    the screen both lists and counts.
    """
    pending = Q(status=Status.IN_MODERATION) | Q(open_flag_count__gt=0, status=Status.PUBLISHED)
    open_flags = Flag.objects.filter(resolved_at__isnull=True).order_by("created_at", "id")
    return {
        "contributions": list(
            Contribution.objects.filter(pending, process=process)
            .select_related("author", "organisation")
            .prefetch_related(Prefetch("flags", queryset=open_flags.filter(comment__isnull=True), to_attr="open_flags"))
            .order_by("created_at")[:200]
        ),
        "comments": list(
            Comment.objects.filter(pending, contribution__process=process)
            .select_related("author", "contribution")
            .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
            .order_by("created_at")[:200]
        ),
    }
