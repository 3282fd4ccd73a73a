"""Reads for contributions: the public list with filters, search and sorting; pages; the queue."""

import hashlib
import re
from dataclasses import dataclass, field

import rules
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext

from teilhabe.accounts.models import pseudonym
from teilhabe.contributions.models import (
    RIGHT_TO_LEFT,
    AnalogSupportTally,
    Channel,
    Comment,
    Contribution,
    Flag,
    Language,
    RemovalReason,
    Status,
    Support,
)
from teilhabe.contributions.search import SQLITE_NAME as SEARCH_TABLE
from teilhabe.contributions.search import search_match, search_scope
from teilhabe.contributions.tallies import tally_count, tally_counts_by
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_version, cache_versions_many, cache_versions_with
from teilhabe.core.fields import parse_id
from teilhabe.core.mail import supported_language
from teilhabe.core.pdf import render_pdf
from teilhabe.core.selectors import LocalisedText, content_translation_table, localise
from teilhabe.places.models import District
from teilhabe.places.selectors import district_choices
from teilhabe.processes.models import FieldOfAction
from teilhabe.processes.selectors import process_get

# "Newest" is the order of receipt: ids grow with time, and an id order is cheap for every filter and search.
# "Most supported" counts every support, online and at events (equal terms; the index contrib_list_supported is
# on the same sum).
SUPPORTS_TOTAL = F("support_count") + F("analog_support_count")
SORTS = {
    "newest": ("-id",),
    "supported": (SUPPORTS_TOTAL.desc(), "-id"),
    "discussed": ("-comment_count", "-id"),
}
# Threads keep removed comments as placeholders; lists show the public only what is published.
THREAD_STATUSES = (Status.PUBLISHED, Status.REMOVED)
LISTS_NAMESPACE = "contribution-lists"  # bumped by the services whenever a contribution enters or leaves a list
CONTRIBUTION_NAMESPACE = "contribution"  # per contribution: bumped by every service that changes what it shows
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
        # For a page, the unary + keeps SQLite walking the list index in order and stopping at the page's last
        # hit instead of fetching and sorting every hit of a common word. For a count, SQLite starts from the
        # hits and checks each in the small index contrib_by_id_status.
        column = "contributions_contribution.id" if counting else "+contributions_contribution.id"
        return queryset.extra(  # noqa: S610 - constant SQL; the search terms go in as a parameter
            where=[f"{column} IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s)"],  # noqa: S608
            params=[search_match(terms)],
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


def _searched_only(filters: ContributionFilters) -> bool:
    """Whether a list is one status of a process and a search, nothing else (the SQLite index holds all of it)."""
    return (
        connection.vendor == "sqlite"
        and bool(search_terms(filters.q))
        and not (filters.field or filters.district or filters.target_group or filters.channel or filters.language)
    )


def _search_page_order(queryset: QuerySet, filters: ContributionFilters, status: str, process) -> QuerySet:
    """The newest hits of a search, as the index gives them: it holds the process and status of each contribution
    (search.py), so SQLite reads its hits from the newest down and stops at the page's last one, looking up only
    those in the contributions' table."""
    match = search_match(search_terms(filters.q), scope=search_scope(process.pk, status))
    return queryset.extra(  # noqa: S610 - constant SQL; the search terms go in as a parameter
        tables=[SEARCH_TABLE],
        where=[f"{SEARCH_TABLE}.rowid = contributions_contribution.id", f"{SEARCH_TABLE} MATCH %s"],
        params=[match],
    ).order_by(RawSQL(f"{SEARCH_TABLE}.rowid", ()).desc())  # noqa: S611 - a constant


def _search_count(process, status: str, q: str) -> int:
    """How many contributions of ``process`` with ``status`` a search finds, counted by the SQLite index alone."""
    match = search_match(search_terms(q), scope=search_scope(process.pk, status))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s", [match])  # noqa: S608
        return cursor.fetchone()[0]


def visible_statuses(user, process) -> tuple[str, ...]:
    if rules.has_perm("contributions.moderate_contribution", user, process):
        return tuple(Status.values)
    return (Status.PUBLISHED,)


def contribution_list(*, process, filters: ContributionFilters, user, counting: bool = False) -> QuerySet:
    """Contributions of a process as the list page shows them: filtered, searched, sorted.

    The queryset is meant for paging ids; ``contribution_cards`` prepares what a page shows.
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
    if not counting and _searched_only(filters) and SORTS.get(filters.sort, SORTS["newest"]) == SORTS["newest"]:
        return _search_page_order(queryset, filters, status, process)
    queryset = _apply_search(queryset, filters.q, counting=counting)
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def contribution_list_count(*, process, filters: ContributionFilters, user) -> int:
    """How many contributions a list shows, cached until a contribution enters or leaves a list."""
    status = filters.status if filters.status in visible_statuses(user, process) else Status.PUBLISHED
    # What decides the count (the sort order does not), so that the key needs no SQL to be built.
    counted = (status, filters.field, filters.district, filters.target_group, filters.channel, filters.language)
    query = hashlib.sha256(repr((counted, search_terms(filters.q))).encode()).hexdigest()
    key = f"contribution-count:{process.pk}:{cache_version(LISTS_NAMESPACE, process.pk)}:{query}"
    count = cache.get(key)
    if count is None:
        if _searched_only(filters):
            count = _search_count(process, status, filters.q)
        elif filters.field or filters.target_group or search_terms(filters.q):
            count = contribution_list(process=process, filters=filters, user=user, counting=True).count()
        else:  # filters the tallies hold: a sum over a few small rows, whatever the number of contributions
            count = tally_count(process=process, status=status, **_tally_columns(process, filters))
        cache.set(key, count, 300)
    return count


def _tally_columns(process, filters: ContributionFilters) -> dict:
    columns = {"channel": filters.channel, "language": filters.language}
    columns = {name: value for name, value in columns.items() if value}
    if filters.district:
        ids = [pk for pk, number, _name in district_choices(city_id=process.city_id) if number == filters.district]
        columns["district_id__in"] = ids
    return columns


# Filters whose options show how many contributions they find, and the tally column each is counted by.
FACETS = {"channel": "channel", "language": "language", "district": "district_id"}


def contribution_facets(*, process, status: str) -> dict[str, dict]:
    """For each filter in FACETS, how many contributions of the list with ``status`` each value has.

    Only values that occur are keys. Read from the process's tallies (a few hundred small rows, whatever the
    number of contributions) and cached like the list counts, until a contribution enters or leaves a list.
    """
    key = f"contribution-facets:{process.pk}:{cache_version(LISTS_NAMESPACE, process.pk)}:{status}"
    facets = cache.get(key)
    if facets is None:
        counts = tally_counts_by(process=process, status=status, fields=FACETS.values())
        facets = {name: counts[column] for name, column in FACETS.items()}
        cache.set(key, facets, 300)
    return facets


CARD_COLUMNS = (
    "id",
    "title",
    "language",
    "created_at",
    "channel",
    "support_count",
    "comment_count",
    "district__name",
    "analog_support_count",
    "organisation_id",
    "organisation__name",
    "author_id",
    "author__display_name",
)


@dataclass(frozen=True)
class ContributionCard:
    """What one card of a list shows, as display values prepared once per page (the template only prints them)."""

    pk: int
    url: str
    title: str
    language: str
    direction: str
    created_iso: str
    created_text: str
    byline: str  # the organisation, the author's public name, "anonymous" for online input, or "" for analog
    channel: str
    district: str
    language_name: str
    fields: tuple[LocalisedText, ...]
    supports_text: str
    comments_text: str


def contribution_cards(ids, *, process) -> list[ContributionCard]:
    """The cards of ``ids`` in the active language, in the order of ``ids``.

    Labels, the date format, the detail URL and the fields of action's names are looked up once per call, not
    once per card.
    """
    language = translation.get_language()
    # Plain values, not model instances: a page of cards in two small queries and no object construction.
    rows = {row[0]: row for row in Contribution.objects.filter(pk__in=ids).values_list(*CARD_COLUMNS)}
    links: dict[int, list[int]] = {}
    for contribution_id, field_id in Contribution.fields_of_action.through.objects.filter(
        contribution_id__in=ids
    ).values_list("contribution_id", "fieldofaction_id"):
        links.setdefault(contribution_id, []).append(field_id)
    table = content_translation_table(FieldOfAction, language)
    fields = sorted(process.fields_of_action.all(), key=lambda field: (field.order, field.name))
    field_order = {field.pk: index for index, field in enumerate(fields)}
    field_names = {field.pk: localise(field, "name", language, table) for field in fields}
    channels = {value: str(label) for value, label in Channel.choices}
    languages = dict(Language.choices)
    anonymous = gettext("anonymous")
    date_format = formats.get_format("DATE_FORMAT")
    url = reverse("contributions:detail", kwargs={"pk": _URL_PLACEHOLDER})
    dates: dict = {}  # the date in the reader's format, once per day shown (a page of the newest shares a few)
    cards = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        (_pk, title, text_language, created_at, channel, supports, comments, district, analog, organisation_id,
         organisation, author_id, display_name) = row  # fmt: skip
        created = timezone.localtime(created_at)
        created_text = dates.get(created.date())
        if created_text is None:
            created_text = dates[created.date()] = dateformat.format(created, date_format)
        if organisation_id:
            byline = organisation
        elif author_id:
            byline = display_name or pseudonym(author_id)
        else:
            byline = anonymous if channel == Channel.ONLINE else ""
        cards.append(
            ContributionCard(
                pk=pk,
                url=url.replace(str(_URL_PLACEHOLDER), str(pk)),
                title=title,
                language=text_language,
                direction="rtl" if text_language in RIGHT_TO_LEFT else "ltr",
                created_iso=created.isoformat(),
                created_text=created_text,
                byline=byline,
                channel=channels.get(channel, channel),
                district=district or "",
                language_name=languages.get(text_language, text_language),
                fields=tuple(
                    field_names[field_id]
                    for field_id in sorted(links.get(pk, ()), key=field_order.__getitem__)
                    if field_id in field_names
                ),
                supports_text=supports_text(supports, analog),
                comments_text=ngettext("%(counter)s comment", "%(counter)s comments", comments) % {"counter": comments},
            )
        )
    return cards


_URL_PLACEHOLDER = 987654321987


def supports_text(online: int, analog: int) -> str:
    """ "N supports", and where some were counted at events "N supports (x online, y at events)": the total is
    online + analog, each part shown (docs/analog-supports.md)."""
    total = online + analog
    if not analog:
        return ngettext("%(counter)s support", "%(counter)s supports", total) % {"counter": total}
    return ngettext(
        "%(counter)s support (%(online)s online, %(analog)s at events)",
        "%(counter)s supports (%(online)s online, %(analog)s at events)",
        total,
    ) % {"counter": total, "online": online, "analog": analog}


# A contribution's page loads of its author only what it may show: the public name, never the e-mail address.
_PAGE_FIELDS = [
    *(field.name for field in Contribution._meta.concrete_fields),
    "district__name",
    "neighbourhood__name",
    "organisation__name",
    "author__display_name",
]


PAGE_ROW_SECONDS = 3600  # an upper bound: the versions kept with the row decide whether it is used


def contribution_get(*, pk: int, cached: bool = False) -> Contribution | None:
    """One contribution with what its page shows; its process (with phases) comes from the process cache.

    ``cached``: for a page that only shows it (never for a write), the row may come from the cache, where it is
    kept together with the versions it was read under — the contribution's own and the site's content, the
    versions of its card and article — and is used only while both are still current.
    """
    contribution = _page_row_cached(pk) if cached else _page_row(pk)
    if contribution is None:
        return None
    process = contribution.process = process_get(pk=contribution.process_id)
    # Its fields of action and target groups are the process's own (cached) objects, found by the link tables.
    # Looked up only when shown (a cached article does not need them).
    contribution.shown_fields = SimpleLazyObject(lambda: _linked(process.fields_of_action.all(), "fieldofaction", pk))
    contribution.shown_groups = SimpleLazyObject(lambda: _linked(process.target_groups.all(), "targetgroup", pk))
    return contribution


def _page_row(pk: int) -> Contribution | None:
    return (
        Contribution.objects.filter(pk=pk)
        .select_related("district", "neighbourhood", "organisation", "author")
        .only(*_PAGE_FIELDS)
        .first()
    )


def _page_row_cached(pk: int) -> Contribution | None:
    """``_page_row``, from the cache while the versions stored with it are current.

    The versions are read before the row is, so a change committed in between bumps them after: a row is never
    kept under versions newer than its data. An id without a contribution leaves nothing in the cache (no
    version is started for it).
    """
    pairs = [(CONTRIBUTION_NAMESPACE, pk), (CONTENT_NAMESPACE, "site")]
    key = f"contribution-page-row:{pk}"
    versions, found = cache_versions_with(pairs, [key])
    current = tuple(versions.get(pair) for pair in pairs)
    stored = found.get(key)
    if stored is not None and None not in current and stored[0] == current:
        return stored[1]
    contribution = _page_row(pk)
    if contribution is None:
        return None
    if None in current:  # a version not started yet: start it, then read the row again, after it
        versions = cache_versions_many(pairs)
        current = tuple(versions[pair] for pair in pairs)
        contribution = _page_row(pk)
        if contribution is None:
            return None
    cache.set(key, (current, contribution), PAGE_ROW_SECONDS)
    return contribution


def _linked(objects, column: str, pk: int) -> list:
    """Those of ``objects`` linked to contribution ``pk`` through its ``column`` link table."""
    through = Contribution.fields_of_action.through if column == "fieldofaction" else Contribution.target_groups.through
    ids = set(through.objects.filter(contribution_id=pk).values_list(f"{column}_id", flat=True))
    return [obj for obj in objects if obj.pk in ids]


def _may_see(user, contribution, *, removed: bool = False) -> bool:
    if contribution is None or not contribution.process.is_published:
        return False
    if contribution.is_removed:
        return removed
    return rules.has_perm("contributions.view_contribution", user, contribution)


def contribution_visible(*, user, pk, removed: bool = False, cached: bool = False) -> Contribution | None:
    """The contribution ``pk`` if ``user`` may see it, else None: the question every page of a contribution asks.

    None stands for "not found" alike for an id that does not exist and a contribution hidden from ``user``
    (awaiting confirmation, in moderation, in an unpublished process), so that the answers cannot differ.
    A removed contribution is only a placeholder: returned with ``removed=True`` (its page says it was removed
    and why), never for anything done with it (reports, supports, comments, language, PDF, moderation).
    ``cached``: see ``contribution_get`` (its page, which only shows it).
    """
    pk = parse_id(pk)
    contribution = contribution_get(pk=pk, cached=cached) if pk is not None else None
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
    return contributions.select_related("process").only("id", "process__slug").first()


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
        f"{contribution.updated_at.timestamp()}:{contribution.support_count}:{contribution.analog_support_count}"
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


@dataclass
class CommentView:
    """What a thread shows of one comment, as display values prepared once per page."""

    pk: int
    parent_id: int | None
    status: str
    status_label: str
    removal_reason: str
    author_name: str
    created_iso: str
    created_text: str
    language: str
    body: str
    replies: list = field(default_factory=list)


COMMENT_COLUMNS = (
    "id",
    "parent_id",
    "status",
    "removal_reason",
    "author_id",
    "author__display_name",
    "created_at",
    "language",
    "body",
)


def _comment_views(rows) -> list[CommentView]:
    statuses = {value: str(label) for value, label in Status.choices}
    reasons = {value: str(label) for value, label in RemovalReason.choices}
    datetime_format = formats.get_format("DATETIME_FORMAT")
    former = gettext("former user")
    views = []
    for pk, parent_id, status, reason, author_id, display_name, created_at, language, body in rows:
        created = timezone.localtime(created_at)
        views.append(
            CommentView(
                pk=pk,
                parent_id=parent_id,
                status=status,
                status_label=statuses.get(status, status),
                removal_reason=reasons.get(reason, reason),
                author_name=(display_name or pseudonym(author_id)) if author_id else former,
                created_iso=created.isoformat(),
                created_text=dateformat.format(created, datetime_format),
                language=language,
                body=body,
            )
        )
    return views


WHOLE_THREAD_MAX = 60  # published comments up to which a discussion is read in one query


def comment_thread(*, contribution, user, limit: int | None = None) -> tuple[list[CommentView], bool]:
    """Top-level comments with their replies; removed ones stay as placeholders, unpublished are hidden.

    With a ``limit`` only the first threads are returned; the flag says whether there are more. Two queries of
    plain values (threads, then their replies); authors are only their public names.
    """
    shown = Q(status__in=THREAD_STATUSES)
    if rules.has_perm("contributions.moderate_contribution", user, contribution):
        shown = Q()
    elif getattr(user, "is_authenticated", False):
        shown |= Q(author=user)
    comments = Comment.objects.filter(shown, contribution=contribution).order_by("created_at", "id")
    if contribution.comment_count <= WHOLE_THREAD_MAX:
        # Most discussions are short: one query for all of it, threads built here.
        views = _comment_views(comments.values_list(*COMMENT_COLUMNS))
        threads = [view for view in views if view.parent_id is None]
        by_id = {view.pk: view for view in threads}
        for view in views:
            if view.parent_id is not None and view.parent_id in by_id:
                by_id[view.parent_id].replies.append(view)
        if limit is not None and len(threads) > limit:
            return threads[:limit], True
        return threads, False
    rows = comments.filter(parent__isnull=True).values_list(*COMMENT_COLUMNS)
    more = False
    if limit is not None:
        rows = list(rows[: limit + 1])
        rows, more = rows[:limit], len(rows) > limit
    threads = _comment_views(rows)
    by_id = {view.pk: view for view in threads}
    if by_id:
        for reply in _comment_views(comments.filter(parent_id__in=list(by_id)).values_list(*COMMENT_COLUMNS)):
            by_id[reply.parent_id].replies.append(reply)
    return threads, more


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


# --------------------------------------------------------------------------------------------------------------
# Supports counted at events (the organisers' entry page; docs/analog-supports.md)


@dataclass(frozen=True)
class AnalogSupportRow:
    """One row of an event's tally sheet: a published contribution of the process and its supports."""

    pk: int
    title: str
    language: str
    is_result: bool  # came out of this event
    online: int
    analog: int  # counted at every event
    at_event: int  # counted at this event (its current entries)

    @property
    def total(self) -> int:
        return self.online + self.analog


def analog_support_rows(*, event, extra_ids=()) -> list[AnalogSupportRow]:
    """The rows of ``event``'s tally sheet: the published contributions of its process that came out of it, that
    already have supports counted at it, and those of ``extra_ids`` (added by number), in id order. Two queries,
    whatever the number of rows."""
    at_event = dict(
        AnalogSupportTally.objects.filter(event_id=event.pk)
        .order_by()
        .values("contribution_id")
        .annotate(n=Sum("delta"))
        .values_list("contribution_id", "n")
    )
    wanted = {pk for pk in (parse_id(value) for value in extra_ids) if pk is not None}
    rows = (
        Contribution.objects.filter(process_id=event.process_id, status=Status.PUBLISHED)
        .filter(Q(event_id=event.pk) | Q(pk__in=wanted | set(at_event)))
        .order_by("pk")
        .values_list("pk", "title", "language", "event_id", "support_count", "analog_support_count")
    )
    return [
        AnalogSupportRow(
            pk=pk,
            title=title,
            language=language,
            is_result=event_id == event.pk,
            online=online,
            analog=analog,
            at_event=at_event.get(pk, 0),
        )
        for pk, title, language, event_id, online, analog in rows
    ]


def analog_support_history(*, event) -> list[AnalogSupportTally]:
    """Every entry of supports counted at ``event``, newest first, with who entered it, what it corrects and whether
    it was corrected itself (one query)."""
    return list(
        AnalogSupportTally.objects.filter(event_id=event.pk)
        .select_related("entered_by", "contribution", "correction")
        .order_by("-id")
    )


def analog_support_entry_get(*, pk) -> AnalogSupportTally | None:
    """One entry with its event, the event's process and its contribution (for its correction page)."""
    pk = parse_id(pk)
    if pk is None:
        return None
    return (
        AnalogSupportTally.objects.filter(pk=pk)
        .select_related("event__process", "contribution", "entered_by", "correction")
        .first()
    )
