import functools
import hashlib

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from teilhabe.contributions import services
from teilhabe.contributions.cards import contribution_card_fragments, contribution_versions, thread_html
from teilhabe.contributions.forms import (
    CommentForm,
    ContributionFilterForm,
    ContributionForm,
    FlagForm,
    LanguageForm,
    ModerationForm,
)
from teilhabe.contributions.models import Status
from teilhabe.contributions.page_versions import contribution_page_versions
from teilhabe.contributions.selectors import (
    LISTS_NAMESPACE,
    ContributionFilters,
    comment_thread,
    comment_visible,
    contribution_facets,
    contribution_list,
    contribution_list_count,
    contribution_pdf,
    contribution_submitted_get,
    contribution_visible,
    moderation_queue,
    search_terms,
    user_supports,
    visible_statuses,
)
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE, cache_versions_many
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.machine_translation import machine_translation_enabled
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.selectors import localise
from teilhabe.core.ui import apply_errors, int_or_404
from teilhabe.processes.page_versions import process_page_versions
from teilhabe.processes.selectors import phase_current, process_get_published
from teilhabe.stakeholders.selectors import organisations_represented_by

WRITE_RATE = "60/h"
PDF_RATE = "60/h"  # a PDF takes a second or two to render the first time (later ones come from the cache)
COMMENT_THREADS_SHOWN = 25  # a much-discussed contribution shows the rest on request


def _process_or_404(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def with_contribution(*, removed: bool = False, cached: bool = False):
    """Views of one contribution get it from ``contribution_visible``, before any other check.

    So every such view answers the same 404 for an id that does not exist and for a contribution the caller
    may not see, whoever asks and however. Only the detail page takes ``removed=True`` (a placeholder) and
    ``cached=True`` (it only shows the contribution, so its row may come from the cache).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, pk, **kwargs):
            contribution = contribution_visible(user=request.user, pk=pk, removed=removed, cached=cached)
            if contribution is None:
                raise NotFound()
            return view(request, contribution, **kwargs)

        return wrapper

    return decorator


# The public list's query parameters: its filters (the status filter is for coordinators) and the page.
SEARCH_OPERATORS = {"OR", "AND", "NOT", "NEAR"}  # full-text syntax someone may try; searched as plain words
LIST_PARAMS = (*(name for name in ContributionFilterForm.base_fields if name != "status"), "page")


def _list_page_versions(request, slug):
    page = request.GET.get("page")
    if page is not None and not (page.isascii() and page.isdigit() and page == str(int(page)) and page != "0"):
        return None  # ?page=abc, 0 or 007: a 404 or a duplicate of a canonical page
    q = request.GET.get("q")
    if q is not None and (q.lower() != " ".join(search_terms(q)) or SEARCH_OPERATORS & set(q.split())):
        # Only a search of plain words, as typed, is stored. Quotes, stars, search-engine operators, odd bytes or
        # more words than are searched for find what their plain words find, and are not worth a cached page.
        return None
    return process_page_versions(slug)


@cache_public_page(_list_page_versions, params=LIST_PARAMS)
def contribution_list_view(request, slug):
    process = _process_or_404(slug)
    statuses = visible_statuses(request.user, process)
    status = request.GET.get("status")
    facets = contribution_facets(process=process, status=status if status in statuses else Status.PUBLISHED)
    form = ContributionFilterForm(request.GET or None, process=process, statuses=statuses, facets=facets)
    status = 200
    if form.is_bound and not form.is_valid():
        filters, status = ContributionFilters(), 400
    else:
        data = {
            key: value for key, value in (form.cleaned_data if form.is_bound else {}).items() if value not in (None, "")
        }
        filters = ContributionFilters(**data)
    contributions = contribution_list(process=process, filters=filters, user=request.user)
    page = paginate_ids(
        contributions,
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=functools.partial(contribution_card_fragments, process=process, request=request),
        count=contribution_list_count(process=process, filters=filters, user=request.user),
        ids_key=_list_ids_key(process, filters, statuses),
    )
    return render(
        request,
        "contributions/contribution_list.html",
        {
            "process": process,
            "form": form,
            "page": page,
            "filters": filters,
            "filter_panel_key": _filter_panel_key(request, process, form, statuses),
        },
        status=status,
    )


def _list_ids_key(process, filters, statuses) -> str:
    """Which contributions a page of a list shows changes when one enters or leaves the list (the lists'
    version) and, sorted by supports or comments, with every support or comment (the process's figures)."""
    pairs = [(LISTS_NAMESPACE, process.pk)] + ([(FIGURES_NAMESPACE, process.pk)] if filters.sort != "newest" else [])
    versions = cache_versions_many(pairs)
    asked = hashlib.sha256(repr((filters, statuses)).encode()).hexdigest()[:32]
    return f"list-ids:{process.pk}:{'-'.join(str(version) for version in versions.values())}:{asked}"


def _filter_panel_key(request, process, form, statuses) -> str | None:
    """What the filter panel shows depends on: the values asked for, the statuses the reader may choose, the
    names of the options (site content) and their counts (the lists' version). A panel with errors is not cached.
    """
    if form.errors:
        return None
    versions = cache_versions_many([(CONTENT_NAMESPACE, "site"), (LISTS_NAMESPACE, process.pk)])
    asked = tuple((name, request.GET.get(name, "")) for name in form.fields)
    return hashlib.sha256(repr((asked, statuses, sorted(versions.values()))).encode()).hexdigest()[:32]


@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=True)
def contribution_create_view(request, slug):
    process = _process_or_404(slug)
    if not rules.has_perm("contributions.add_contribution", request.user, process):
        return render(
            request,
            "contributions/contribution_closed.html",
            {"process": process, "current_phase": phase_current(process)},
            status=403,
        )
    organisations = organisations_represented_by(request.user) if request.user.is_authenticated else None
    if organisations is not None and not organisations.exists():
        organisations = None
    form = ContributionForm(request.POST or None, process=process, user=request.user, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                contribution = services.contribution_create(
                    process=process,
                    user=request.user,
                    title=data["title"],
                    body=data["body"],
                    fields_of_action=list(data["fields_of_action"]),
                    target_groups=list(data["target_groups"]),
                    district=data["district"],
                    neighbourhood=data["neighbourhood"],
                    language=data["language"],
                    author_language=request.LANGUAGE_CODE,
                    organisation=data.get("organisation"),
                    author_email=data.get("author_email", ""),
                    publication_consent=data["publication_consent"],
                )
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                if not contribution.author_id:
                    return redirect("contributions:submitted", pk=contribution.pk)
                messages.success(request, _published_message(contribution))
                return redirect("contributions:detail", pk=contribution.pk)
        status = 400
    return render(request, "contributions/contribution_form.html", {"process": process, "form": form}, status=status)


def _published_message(contribution) -> str:
    if contribution.is_published:
        return _("Thank you! Your contribution is now published.")
    return _("Thank you! Your contribution will be published after review.")


def contribution_submitted_view(request, pk):
    """The page an anonymous author sees: check your mailbox."""
    contribution = contribution_submitted_get(pk=pk, confirmed=False)
    if contribution is None:
        raise NotFound()
    return render(
        request,
        "contributions/contribution_submitted.html",
        {"pk": contribution.pk, "process_slug": contribution.process.slug},
    )


def _detail_page_versions(request, pk):
    if "uebersetzen" in request.GET or request.GET.get("kommentare", "alle") != "alle":
        return None  # machine translations are fetched per reader; other values are no canonical page
    return contribution_page_versions(pk)


@cache_public_page(_detail_page_versions, params=("kommentare",))
@with_contribution(removed=True, cached=True)
def contribution_detail_view(request, contribution):
    return _detail(request, contribution)


def _detail(request, contribution, *, comment_form=None, status=200):
    reader_language = (request.LANGUAGE_CODE or "de").split("-")[0]
    wants_translation = request.GET.get("uebersetzen") == "1" and not contribution.is_removed
    translation = None
    if wants_translation:
        translation = services.contribution_translation_get(contribution=contribution, language=reader_language)
    comments, more_comments, comments_html = [], False, None
    if not contribution.is_removed:
        limit = None if request.GET.get("kommentare") == "alle" else COMMENT_THREADS_SHOWN
        if request.user.is_authenticated:  # they may see their own unpublished comments, reply and report
            comments, more_comments = comment_thread(contribution=contribution, user=request.user, limit=limit)
        else:
            comments_html = _public_comments_html(request, contribution, limit)
    # What the reader may do is decided once for the page (the comments reuse it).
    user = request.user
    can = {
        name: not contribution.is_removed and rules.has_perm(f"contributions.{perm}", user, contribution)
        for name, perm in (
            ("can_support", "add_support"),
            ("can_comment", "add_comment"),
            ("can_flag", "flag_contribution"),
            ("can_moderate", "moderate_contribution"),
        )
    }
    if comments_html is None and not contribution.is_removed:  # a signed-in reader's own view of the threads
        comments_html = thread_html(
            comments,
            contribution_pk=contribution.pk,
            more=more_comments,
            can_flag=can["can_flag"],
            can_comment=can["can_comment"],
            request=request,
        )
    if can["can_comment"] and comment_form is None:
        comment_form = CommentForm(initial={"language": request.LANGUAGE_CODE[:2]})
    context = {
        **can,
        "contribution": contribution,
        "process": contribution.process,
        "comments": comments,
        "more_comments": more_comments,
        "comments_html": comments_html,
        "supported": user_supports(user=user, contribution=contribution),
        "comment_form": comment_form,
        "current_phase": phase_current(contribution.process),
        "reader_language": reader_language,
        "can_translate": machine_translation_enabled() and contribution.language != reader_language,
        "machine_translation": translation,
        "translation_failed": wants_translation and translation is None and machine_translation_enabled(),
        "language_form": LanguageForm(initial={"language": contribution.language}) if can["can_moderate"] else None,
        "article_version": None if wants_translation else _article_version(contribution),
    }
    return render(request, "contributions/contribution_detail.html", context, status=status)


def _article_version(contribution) -> str:
    """What the cached article of a contribution depends on: the contribution and the site's texts and names."""
    return "-".join(str(version) for version in contribution_versions([contribution.pk])[contribution.pk])


def _public_comments_html(request, contribution, limit):
    """The threads as every anonymous reader sees them, cached until the contribution changes (a comment or a
    moderation decision bumps its version) or a name in them does (the content version)."""
    versions = contribution_versions([contribution.pk])[contribution.pk]
    key = fragment_key("comments", get_language(), [contribution.pk, *versions, limit])

    def render(_items):
        comments, more = comment_thread(contribution=contribution, user=request.user, limit=limit)
        return {contribution.pk: (thread_html(comments, contribution_pk=contribution.pk, more=more), False)}

    return cached_fragments({contribution.pk: key}, render)[contribution.pk].html


def contribution_confirm_view(request, token):
    contribution = services.contribution_confirm_email(token=token)
    messages.success(request, _published_message(contribution))
    return redirect("contributions:submitted_confirmed", pk=contribution.pk)


def contribution_confirmed_view(request, pk):
    contribution = contribution_submitted_get(pk=pk, confirmed=True)
    if contribution is None:
        raise NotFound()
    return render(
        request,
        "contributions/contribution_confirmed.html",
        {"pk": contribution.pk, "process_slug": contribution.process.slug},
    )


@with_contribution()
@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def support_view(request, contribution):
    if request.POST.get("action") == "withdraw":
        services.support_withdraw(contribution=contribution, user=request.user)
        messages.success(request, _("You withdrew your support."))
    else:
        services.support_add(contribution=contribution, user=request.user)
        messages.success(request, _("Thank you for your support."))
    return redirect(contribution_url(contribution) + "#support")


def contribution_url(contribution) -> str:
    return reverse("contributions:detail", kwargs={"pk": contribution.pk})


def _comment_or_404(request, contribution, pk, *, perm: str, message=None):
    """A comment named in a form, seen through ``comment_visible``: 404 alike for hidden and missing ones."""
    comment = comment_visible(user=request.user, pk=pk, contribution=contribution)
    if comment is None:
        raise NotFound(message)
    if not rules.has_perm(perm, request.user, comment):
        raise NotAllowed()
    return comment


@with_contribution()
@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def comment_view(request, contribution):
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = _comment_or_404(
                request,
                contribution,
                form.cleaned_data["parent"],
                perm="contributions.reply_to_comment",
                message=_("The comment you replied to does not exist."),
            )
        try:
            comment = services.comment_create(
                contribution=contribution,
                user=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                language=form.cleaned_data["language"],
            )
        except ApplicationError as error:
            if error.status_code != 400:
                raise
            apply_errors(form, error)
        else:
            if comment.status == "published":
                messages.success(request, _("Your comment is published."))
            else:
                messages.success(request, _("Your comment will be published after review."))
            return redirect(contribution_url(contribution) + f"#comment-{comment.pk}")
    return _detail(request, contribution, comment_form=form, status=400)


@with_contribution()
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def flag_view(request, contribution):
    if request.method != "POST":
        comment_id = request.GET.get("comment")
        if comment_id:
            comment_id = _comment_or_404(request, contribution, comment_id, perm="contributions.flag_comment").pk
        form = FlagForm(initial={"comment": comment_id})
        return render(request, "contributions/flag_form.html", {"contribution": contribution, "form": form})
    form = FlagForm(request.POST)
    if form.is_valid():
        comment = None
        if form.cleaned_data["comment"]:
            comment = _comment_or_404(
                request, contribution, form.cleaned_data["comment"], perm="contributions.flag_comment"
            )
        services.flag_create(
            contribution=contribution,
            user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            comment=comment,
        )
        messages.success(request, _("Thank you. The moderators will look at your report."))
        return redirect(contribution_url(contribution))
    return render(request, "contributions/flag_form.html", {"contribution": contribution, "form": form}, status=400)


@login_required
def moderation_view(request, slug):
    process = _process_or_404(slug)
    if not rules.has_perm("contributions.moderate_contribution", request.user, process):
        raise NotAllowed()
    if request.method == "POST":
        return _moderate(request, process)
    return _queue(request, process, ModerationForm())


def _queue(request, process, form, status=200):
    language = get_language()
    return render(
        request,
        "contributions/moderation_queue.html",
        {
            "process": process,
            "process_title": localise(process, "title", language).text,
            "queue": moderation_queue(process=process),
            "form": form,
        },
        status=status,
    )


def _moderation_target(request, process, kind: str, target):
    """The item a decision is about, seen through the same selectors as every other page; 404 otherwise."""
    if kind == "contribution":
        item = contribution_visible(user=request.user, pk=target)
        contribution = item
    else:
        item = comment_visible(user=request.user, pk=target)
        contribution = item.contribution if item is not None else None
    if item is None or contribution.process_id != process.pk:
        raise NotFound()
    return item


def _moderate(request, process):
    form = ModerationForm(request.POST)
    kind = request.POST.get("kind")
    target_id = int_or_404(request.POST.get("target"))
    if not form.is_valid() or kind not in {"contribution", "comment"}:
        messages.error(request, _("Please choose a decision."))
        return redirect("contributions:moderation", slug=process.slug)
    item = _moderation_target(request, process, kind, target_id)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        if decision == "keep":
            contribution, comment = (item, None) if kind == "contribution" else (item.contribution, item)
            services.flags_dismiss(user=request.user, contribution=contribution, comment=comment)
        elif kind == "contribution":
            services.contribution_moderate(
                contribution=item, user=request.user, publish=decision == "publish", reason=reason
            )
        else:
            services.comment_moderate(comment=item, user=request.user, publish=decision == "publish", reason=reason)
    except ApplicationError as error:
        if error.status_code != 400:
            raise
        messages.error(request, error.message)
        return _queue(request, process, form, status=400)
    messages.success(request, _("Decision saved."))
    return redirect("contributions:moderation", slug=process.slug)


@with_contribution()
@require_POST
@login_required
def contribution_language_view(request, contribution):
    """Staff correct the detected language of a contribution."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _detail(request, contribution, status=400)
    services.contribution_set_language(
        contribution=contribution, user=request.user, language=form.cleaned_data["language"]
    )
    messages.success(request, _("The language was changed."))
    return redirect(contribution_url(contribution))


@ratelimit(key="ip", rate=PDF_RATE, method="GET", block=True)
@with_contribution()
def contribution_pdf_view(request, contribution):
    """The contribution as a printable, tagged PDF in the reader's language (cached until it changes)."""
    pdf = contribution_pdf(
        contribution=contribution,
        language=request.LANGUAGE_CODE,
        url=settings.SITE_URL + contribution_url(contribution),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="beitrag-{contribution.pk}.pdf"'
    return response
