"""The plan's public pages: the current version as a readable document, any version the reader may see, one
section with its comments (and the form to comment while the draft is out for consultation), the list of
measures with its filters, and a measure's page with its status history and the contributions that led to it.

Anonymous readers get these pages whole from the page cache (``page_versions.plan_page_versions``); the
document of a version is kept as a fragment (``rendering``) until the plan, a staff text or a comment count
changes. The other plan pages (workspace, expert groups, documents) have modules of their own.
"""

import functools
import hashlib
import uuid

import rules
from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from teilhabe.contributions.cards import contribution_card_fragments
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.core.ui import apply_errors
from teilhabe.plan import services
from teilhabe.plan.forms import PublicCommentForm, PublicMeasureFilterForm
from teilhabe.plan.models import MeasureStatus, Section, VersionState
from teilhabe.plan.page_versions import plan_page_versions
from teilhabe.plan.rendering import (
    DocumentOptions,
    Fallbacks,
    document_html,
    measure_rows_html,
    measure_url_maker,
    money_text,
    period_text,
    section_url_maker,
    toc_html,
)
from teilhabe.plan.selectors import (
    PLAN_NAMESPACE,
    measure_appearances,
    measure_contributions_published,
    measure_get,
    measure_history_public,
    measure_rows,
    section_comments_published,
    section_get,
    version_comment_counts,
    version_comments_open,
    version_of_number,
    version_tree,
    version_working,
    versions_published,
)
from teilhabe.processes.models import FieldOfAction
from teilhabe.processes.selectors import process_get_published

WRITE_RATE = "60/h"  # as the contribution form (docs/rate-limits.md)
MEASURE_FILTERS = ("field", "department", "district", "target_group", "status")


# --- helpers ---------------------------------------------------------------------------------------------------


def _process_or_404(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _canonical_number(value) -> int | None:
    """A version number as written in its URL ("3"; not "03", "+3" or "3.0")."""
    number = parse_id(value)
    return number if number is not None and str(number) == value and number < 2**31 else None


def _canonical_key(value) -> str | None:
    """A section key as written in its URL: a UUID in its lower-case hyphenated form."""
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        key = str(uuid.UUID(value))
    except ValueError:
        return None
    return key if key == value else None


def _canonical_page(value) -> bool:
    return value is None or (value.isascii() and value.isdigit() and value == str(int(value)) and value != "0")


def _working_for(user, process):
    """The working draft, for a reader who may see it (coordinators, department staff, expert groups)."""
    if not user.is_authenticated:
        return None
    version = version_working(process)
    if version is None or not rules.has_perm("plan.view_version", user, version):
        return None
    version.process = process
    return version


def _version_or_404(request, process, number):
    """Version ``number`` when the reader may see it: a working draft answers 404 to everyone else."""
    number = _canonical_number(number)
    version = version_of_number(process, number) if number is not None else None
    if version is None or not rules.has_perm("plan.view_version", request.user, version):
        raise NotFound(_("This version of the plan does not exist."))
    return version


def _can_comment(user, version, section_id=None) -> bool:
    """Whether the reader may comment on the sections of ``version`` (the same for all of them: the version is
    out for consultation, its phase runs and allows contributions)."""
    if version.state != VersionState.CONSULTATION:
        return False
    return rules.has_perm("plan.comment_section", user, Section(pk=section_id, version=version))


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _version_heading(version, language) -> dict:
    """What a page says about a version: its title in the reader's language, its state, and whether comments
    are open."""
    return {
        "version": version,
        "version_title": localise(version, "title", language),
        "comments_open": version_comments_open(version),
        "is_working": version.state == VersionState.WORKING,
    }


def _page_versions(request, slug, **kwargs):
    if not _canonical_page(request.GET.get("page")):
        return None  # ?page=abc, 0 or 007: a 404 or a duplicate of a canonical page
    return plan_page_versions(slug)


# --- the plan: current version and any version -------------------------------------------------------------------


@cache_public_page(_page_versions)
def plan_view(request, slug):
    """``/p/<slug>/plan/``: the newest published version, or a page saying that the plan is being drafted."""
    process = _process_or_404(slug)
    published = versions_published(process)
    working = _working_for(request.user, process)
    if not published:
        return render(request, "plan/public_empty.html", {"process": process, "working": working})
    return _version_page(request, process, published[-1], published, working, is_current=True)


@cache_public_page(_page_versions)
def version_view(request, slug, number):
    """``/p/<slug>/plan/fassung/<n>/``: any version the reader may see."""
    process = _process_or_404(slug)
    version = _version_or_404(request, process, number)
    published = versions_published(process)
    working = _working_for(request.user, process)
    is_current = bool(published) and published[-1].pk == version.pk
    return _version_page(request, process, version, published, working, is_current=is_current)


def _version_page(request, process, version, published, working, *, is_current):
    language = _language()
    context = {
        "process": process,
        "published": published,
        "working": working,
        "is_current": is_current,
        "document": _document(request, process, version, language),
        **_version_heading(version, language),
    }
    return render(request, "plan/public_plan.html", context)


def _document(request, process, version, language):
    """The table of contents and the sections of a version, from the cache: its key names the plan's and the
    site's content versions, the comment counts and whether the reader may comment."""
    pairs = [(PLAN_NAMESPACE, process.pk), (CONTENT_NAMESPACE, "site")]
    versions = cache_versions_many(pairs)
    counts = version_comment_counts(version)
    can_comment = _can_comment(request.user, version)
    counted = hashlib.sha256(repr(sorted(counts.items())).encode()).hexdigest()[:16] if counts else "0"
    key = fragment_key(
        "plan-document", language, [version.pk, *(versions[pair] for pair in pairs), int(can_comment), counted]
    )

    def render_document(_items):
        tree = version_tree(version, language)
        fallbacks = Fallbacks(language)
        options = DocumentOptions(
            measure_url=measure_url_maker(process.slug),
            section_url=section_url_maker(process.slug, version.number),
            counts=counts,
            can_comment=can_comment,
        )
        html = toc_html(tree, fallbacks) + '<div class="plan-document">\n' + document_html(tree, options, fallbacks)
        return {version.pk: (html + "</div>\n", fallbacks.any)}

    return cached_fragments({version.pk: key}, render_document, request=request)[version.pk].html


# --- one section: its text, its comments, the comment form --------------------------------------------------------


@cache_public_page(_page_versions, params=("page",))
@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=True)
def section_view(request, slug, number, key):
    """``/p/<slug>/plan/fassung/<n>/abschnitt/<key>/``: a section with the published contributions made on it,
    and while the draft is out for consultation the form to comment on it."""
    process = _process_or_404(slug)
    version = _version_or_404(request, process, number)
    key = _canonical_key(key)
    language = _language()
    tree = version_tree(version, language)
    nodes = tree.by_key()
    node = nodes.get(key) if key else None
    if node is None:
        raise NotFound(_("This section does not exist in this version of the plan."))
    can_comment = _can_comment(request.user, version, node.id)
    form, status = None, 200
    if request.method == "POST":
        if not can_comment:
            raise NotAllowed(_("Comments on this draft are not open."))
        form = PublicCommentForm(request.POST, user=request.user, licence=process.contribution_licence)
        if form.is_valid():
            response = _comment_create(request, version, key, form)
            if response is not None:
                return response
        status = 400
    elif can_comment:
        form = PublicCommentForm(
            user=request.user,
            licence=process.contribution_licence,
            initial={"language": request.LANGUAGE_CODE[:2]},
        )
    ancestors = []
    parent = nodes.get(node.parent_key)
    while parent is not None:
        ancestors.insert(0, parent)
        parent = nodes.get(parent.parent_key)
    fallbacks = Fallbacks(language)
    comments = paginate_ids(
        section_comments_published(node.id),
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=functools.partial(contribution_card_fragments, process=process, request=request),
    )
    section_url = section_url_maker(process.slug, version.number)
    context = {
        "process": process,
        "node": node,
        "title_lang": fallbacks.lang(node.id, "title", node.title),
        "body_lang": fallbacks.lang(node.id, "body", node.body),
        "partners_lang": fallbacks.lang(node.id, "partners", node.partners),
        "heading_level": 2,
        "ancestors": [(ancestor, section_url(ancestor.key)) for ancestor in ancestors],
        "children": [(child, section_url(child.key)) for child in node.children],
        "measure_url": measure_url_maker(process.slug)(node.measure_code) if node.measure_code else "",
        "facts": _measure_facts(node) if node.measure_code else None,
        "comments": comments,
        "can_comment": can_comment,
        "form": form,
        "plan_url": _version_url(process, version),
        **_version_heading(version, language),
    }
    if fallbacks.any:
        request._translation_fell_back = True
    return render(request, "plan/public_section.html", context, status=status)


def _comment_create(request, version, key, form):
    """Create the comment; the redirect as the contribution form gives it, or None with the form's errors."""
    section = section_get(version=version, key=key)
    if section is None:
        raise NotFound()
    data = form.cleaned_data
    try:
        contribution = services.section_comment_create(
            user=request.user,
            section=section,
            title=data["title"],
            body=data["body"],
            language=data["language"],
            author_email=data.get("author_email", ""),
            publication_consent=data["publication_consent"],
            author_language=request.LANGUAGE_CODE,
        )
    except ApplicationError as error:
        if error.status_code != 400:
            raise
        apply_errors(form, error)
        return None
    if not contribution.author_id:
        return redirect("contributions:submitted", pk=contribution.pk)
    if contribution.is_published:
        messages.success(request, _("Thank you! Your comment on the draft is now published."))
    else:
        messages.success(request, _("Thank you! Your comment on the draft will be published after review."))
    return redirect("contributions:detail", pk=contribution.pk)


def _version_url(process, version) -> str:
    return reverse("plan:version", kwargs={"slug": process.slug, "number": version.number})


def _measure_facts(node, spent=None) -> list[tuple[str, str]]:
    """A measure's facts for its page and its section's: responsible department, period, budget, spending."""
    facts = []
    if node.department:
        facts.append((_("Responsible"), node.department))
    period = period_text(node.start, node.end)
    if period:
        facts.append((_("Period"), period))
    if node.budget is not None:
        facts.append((_("Planned budget"), money_text(node.budget)))
    if spent is not None:
        facts.append((_("Spent so far"), money_text(spent)))
    return facts


# --- the list of measures -------------------------------------------------------------------------------------------


def _measures_page_versions(request, slug):
    return plan_page_versions(slug)


@cache_public_page(_measures_page_versions, params=MEASURE_FILTERS)
def measures_view(request, slug):
    """``/p/<slug>/plan/massnahmen/``: the measures of the current version, filtered by field of action,
    department, district, target group and status, with how many measures each status has."""
    process = _process_or_404(slug)
    published = versions_published(process)
    if not published:
        working = _working_for(request.user, process)
        return render(request, "plan/public_empty.html", {"process": process, "working": working})
    version = published[-1]
    language = _language()
    tree = version_tree(version, language)
    rows = measure_rows(tree, _field_names(process, language))
    options = _filter_options(process, rows, tree)
    form = PublicMeasureFilterForm(request.GET or None, options=options)
    status = 200
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = {name: value for name, value in form.cleaned_data.items() if value}
        else:
            status = 400
    criteria = _criteria(process, filters)
    matching = [row for row in rows if _matches(row, criteria)]
    others = {name: value for name, value in criteria.items() if name != "status"}
    without_status = [row for row in rows if _matches(row, others)] if "status" in criteria else matching
    counts = {value: 0 for value in MeasureStatus.values}
    for row in without_status:
        counts[row.status] = counts.get(row.status, 0) + 1
    rows_html = _measure_rows_fragment(request, process, version, language, criteria, matching)
    labels = dict(MeasureStatus.choices)
    status_counts = [
        {
            "status": value,
            "label": labels[value],
            "count": counts[value],
            "query": _query_with(request.GET, status=value),
            "current": filters.get("status") == value,
        }
        for value in MeasureStatus.values
    ]
    context = {
        "process": process,
        "form": form,
        "rows_html": rows_html,
        "count": len(matching),
        "total": len(rows),
        "status_counts": status_counts,
        "all_statuses_query": _query_with(request.GET, status=None),
        "filtered": bool(filters),
        "plan_url": reverse("plan:plan", kwargs={"slug": process.slug}),
        **_version_heading(version, language),
    }
    return render(request, "plan/public_measures.html", context, status=status)


def _measure_rows_fragment(request, process, version, language, criteria, matching):
    """The rows of the table, from the cache: the key names the plan's and the site's content versions (the tree
    the rows come from) and the filters."""
    pairs = [(PLAN_NAMESPACE, process.pk), (CONTENT_NAMESPACE, "site")]
    versions = cache_versions_many(pairs)
    asked = hashlib.sha256(repr(sorted(criteria.items())).encode()).hexdigest()[:16]
    key = fragment_key("plan-measure-rows", language, [version.pk, *(versions[pair] for pair in pairs), asked])

    def render_rows(_items):
        fallbacks = Fallbacks(language)
        html = measure_rows_html(matching, measure_url_maker(process.slug), fallbacks)
        return {version.pk: (html, fallbacks.any)}

    return cached_fragments({version.pk: key}, render_rows, request=request)[version.pk].html


def _field_names(process, language) -> dict[str, str]:
    table = content_translation_table(FieldOfAction, language) if language != settings.LANGUAGE_CODE else {}
    return {field.slug: localise(field, "name", language, table).text for field in process.fields_of_action.all()}


def _filter_options(process, rows, tree) -> dict[str, list[tuple[str, str]]]:
    """The values the filters offer: those the version's measures have (fields of action in the process's order,
    the rest by name)."""
    field_names = {row.field_slug: row.field_name for row in rows if row.field_slug}
    departments, districts, groups = {}, {}, {}
    for node in tree.measures():
        if node.department_id:
            departments[str(node.department_id)] = node.department
        districts.update(zip((str(pk) for pk in node.district_ids), node.districts, strict=False))
        groups.update(zip(node.target_group_ids, node.target_groups, strict=False))

    def by_name(options):
        return sorted(options.items(), key=lambda item: item[1].casefold())

    return {
        "field": [
            (field.slug, field_names[field.slug])
            for field in process.fields_of_action.all()
            if field.slug in field_names
        ],
        "department": by_name(departments),
        "district": by_name(districts),
        "target_group": [(group.slug, groups[group.pk]) for group in process.target_groups.all() if group.pk in groups],
        "status": list(MeasureStatus.choices),
    }


def _criteria(process, filters: dict) -> dict:
    """The chosen filters as the rows hold them: ids for department, district and target group."""
    criteria = dict(filters)
    for name in ("department", "district"):
        if name in criteria:
            criteria[name] = int(criteria[name])
    if "target_group" in criteria:
        ids = {group.slug: group.pk for group in process.target_groups.all()}
        criteria["target_group"] = ids[criteria["target_group"]]
    return criteria


def _matches(row, criteria: dict) -> bool:
    if "field" in criteria and row.field_slug != criteria["field"]:
        return False
    if "department" in criteria and row.department_id != criteria["department"]:
        return False
    if "district" in criteria and criteria["district"] not in row.district_ids:
        return False
    if "target_group" in criteria and criteria["target_group"] not in row.target_group_ids:
        return False
    return "status" not in criteria or row.status == criteria["status"]


def _query_with(query: QueryDict, **changes) -> str:
    changed = query.copy()
    for name, value in changes.items():
        changed.pop(name, None)
        if value is not None:
            changed[name] = value
    encoded = changed.urlencode()
    return f"?{encoded}" if encoded else "?"


# --- one measure --------------------------------------------------------------------------------------------------


@cache_public_page(_page_versions, params=("page",))
def measure_view(request, slug, code):
    """``/p/<slug>/plan/massnahmen/<code>/``: what the newest published version says about a measure, its status
    with the dated history, the contributions that led to it and the versions it appears in."""
    process = _process_or_404(slug)
    measure = measure_get(process, code)
    if measure is None:
        raise NotFound(_("This measure does not exist."))
    language = _language()
    working = _working_for(request.user, process)
    appearances = measure_appearances(measure, language, with_working=working is not None)
    if not appearances:
        raise NotFound(_("This measure does not exist."))
    shown = next((item for item in appearances if item.state != VersionState.WORKING), appearances[0])
    version = version_of_number(process, shown.version_number)
    tree = version_tree(version, language)
    nodes = tree.by_key()
    node = nodes[shown.section_key]
    field_slug, parent = "", node
    while parent is not None and not field_slug:
        field_slug = parent.field_slug
        parent = nodes.get(parent.parent_key)
    fallbacks = Fallbacks(language)
    contributions = paginate_ids(
        measure_contributions_published(measure),
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=functools.partial(contribution_card_fragments, process=process, request=request),
    )
    context = {
        "process": process,
        "measure": measure,
        "node": node,
        "title_lang": fallbacks.lang(node.id, "title", node.title),
        "body_lang": fallbacks.lang(node.id, "body", node.body),
        "partners_lang": fallbacks.lang(node.id, "partners", node.partners),
        "field_name": _field_names(process, language).get(field_slug, ""),
        "facts": _measure_facts(node, measure.spent),
        "history": measure_history_public(measure, language),
        "contributions": contributions,
        "appearances": [
            (item, section_url_maker(process.slug, item.version_number)(item.section_key)) for item in appearances
        ],
        "shown": shown,
        "shown_url": _version_url(process, version),
        "measures_url": reverse("plan:measures", kwargs={"slug": process.slug}),
        "status_label": dict(MeasureStatus.choices).get(measure.status, measure.status),
    }
    fell_back = any(entry.note.is_fallback for entry in context["history"]) or any(
        item.version_title.is_fallback for item in appearances
    )
    if fallbacks.any or fell_back:
        request._translation_fell_back = True
    return render(request, "plan/public_measure.html", context)
