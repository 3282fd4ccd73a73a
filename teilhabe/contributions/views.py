import functools

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from teilhabe.contributions import services
from teilhabe.contributions.forms import (
    CommentForm,
    ContributionFilterForm,
    ContributionForm,
    FlagForm,
    LanguageForm,
    ModerationForm,
)
from teilhabe.contributions.models import Comment
from teilhabe.contributions.selectors import (
    ContributionFilters,
    comment_thread,
    contribution_get,
    contribution_list,
    contribution_list_count,
    contribution_rows,
    moderation_queue,
    user_supports,
    visible_statuses,
)
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.machine_translation import machine_translation_enabled
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.pdf import render_pdf
from teilhabe.core.ui import apply_errors, int_or_404
from teilhabe.processes.selectors import phase_current, process_get_published
from teilhabe.stakeholders.selectors import organisations_represented_by

WRITE_RATE = "60/h"
COMMENT_THREADS_SHOWN = 25  # a much-discussed contribution shows the rest on request


def _process_or_404(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _contribution_or_404(pk, user):
    contribution = contribution_get(pk=int_or_404(pk))
    if contribution is None or not contribution.process.is_published:
        raise NotFound()
    if not contribution.is_removed and not rules.has_perm("contributions.view_contribution", user, contribution):
        raise NotFound()
    return contribution


def contribution_list_view(request, slug):
    process = _process_or_404(slug)
    statuses = visible_statuses(request.user, process)
    form = ContributionFilterForm(request.GET or None, process=process, statuses=statuses)
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
        load_rows=functools.partial(contribution_rows, process=process),
        count=contribution_list_count(process=process, filters=filters, user=request.user),
    )
    return render(
        request,
        "contributions/contribution_list.html",
        {"process": process, "form": form, "page": page, "filters": filters},
        status=status,
    )


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
    return render(request, "contributions/contribution_submitted.html", {"pk": int_or_404(pk)})


def contribution_detail_view(request, pk, comment_form=None, flag_form=None, status=200):
    contribution = _contribution_or_404(pk, request.user)
    reader_language = (request.LANGUAGE_CODE or "de").split("-")[0]
    wants_translation = request.GET.get("uebersetzen") == "1" and not contribution.is_removed
    translation = None
    if wants_translation:
        translation = services.contribution_translation_get(contribution=contribution, language=reader_language)
    comments, more_comments = [], False
    if not contribution.is_removed:
        limit = None if request.GET.get("kommentare") == "alle" else COMMENT_THREADS_SHOWN
        comments, more_comments = comment_thread(contribution=contribution, user=request.user, limit=limit)
    context = {
        "contribution": contribution,
        "process": contribution.process,
        "comments": comments,
        "more_comments": more_comments,
        "supported": user_supports(user=request.user, contribution=contribution),
        "comment_form": comment_form or CommentForm(initial={"language": request.LANGUAGE_CODE[:2]}),
        "flag_form": flag_form or FlagForm(),
        "current_phase": phase_current(contribution.process),
        "reader_language": reader_language,
        "can_translate": machine_translation_enabled() and contribution.language != reader_language,
        "machine_translation": translation,
        "translation_failed": wants_translation and translation is None and machine_translation_enabled(),
        "language_form": LanguageForm(initial={"language": contribution.language}),
    }
    return render(request, "contributions/contribution_detail.html", context, status=status)


def contribution_confirm_view(request, token):
    contribution = services.contribution_confirm_email(token=token)
    messages.success(request, _published_message(contribution))
    return redirect("contributions:submitted_confirmed", pk=contribution.pk)


def contribution_confirmed_view(request, pk):
    return render(request, "contributions/contribution_confirmed.html", {"pk": int_or_404(pk)})


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def support_view(request, pk):
    contribution = _contribution_or_404(pk, request.user)
    if request.POST.get("action") == "withdraw":
        services.support_withdraw(contribution=contribution, user=request.user)
        messages.success(request, _("You withdrew your support."))
    else:
        services.support_add(contribution=contribution, user=request.user)
        messages.success(request, _("Thank you for your support."))
    return redirect(contribution_url(contribution) + "#support")


def contribution_url(contribution) -> str:
    return reverse("contributions:detail", kwargs={"pk": contribution.pk})


@require_POST
@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def comment_view(request, pk):
    contribution = _contribution_or_404(pk, request.user)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"], contribution=contribution).first()
            if parent is None:
                raise NotFound(_("The comment you replied to does not exist."))
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
    return contribution_detail_view(request, pk, comment_form=form, status=400)


@login_required
@ratelimit(key="user", rate=WRITE_RATE, method="POST", block=True)
def flag_view(request, pk):
    contribution = _contribution_or_404(pk, request.user)
    if request.method != "POST":
        return render(
            request,
            "contributions/flag_form.html",
            {"contribution": contribution, "form": FlagForm(initial={"comment": request.GET.get("comment")})},
        )
    form = FlagForm(request.POST)
    if form.is_valid():
        comment = None
        if form.cleaned_data["comment"]:
            comment = Comment.objects.filter(pk=form.cleaned_data["comment"], contribution=contribution).first()
            if comment is None:
                raise NotFound()
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
    return render(
        request,
        "contributions/moderation_queue.html",
        {"process": process, "queue": moderation_queue(process=process), "form": ModerationForm()},
    )


def _moderate(request, process):
    form = ModerationForm(request.POST)
    kind = request.POST.get("kind")
    target_id = int_or_404(request.POST.get("target"))
    if not form.is_valid() or kind not in {"contribution", "comment"}:
        messages.error(request, _("Please choose a decision."))
        return redirect("contributions:moderation", slug=process.slug)
    publish = form.cleaned_data["decision"] == "publish"
    reason = form.cleaned_data["reason"]
    try:
        if kind == "contribution":
            contribution = contribution_get(pk=target_id)
            if contribution is None or contribution.process_id != process.pk:
                raise NotFound()
            services.contribution_moderate(contribution=contribution, user=request.user, publish=publish, reason=reason)
        else:
            comment = (
                Comment.objects.select_related("contribution__process")
                .filter(pk=target_id, contribution__process=process)
                .first()
            )
            if comment is None:
                raise NotFound()
            services.comment_moderate(comment=comment, user=request.user, publish=publish, reason=reason)
    except ApplicationError as error:
        if error.status_code != 400:
            raise
        messages.error(request, error.message)
        return render(
            request,
            "contributions/moderation_queue.html",
            {"process": process, "queue": moderation_queue(process=process), "form": form},
            status=400,
        )
    messages.success(request, _("Decision saved."))
    return redirect("contributions:moderation", slug=process.slug)


@require_POST
@login_required
def contribution_language_view(request, pk):
    """Staff correct the detected language of a contribution."""
    contribution = _contribution_or_404(pk, request.user)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return contribution_detail_view(request, pk, status=400)
    services.contribution_set_language(
        contribution=contribution, user=request.user, language=form.cleaned_data["language"]
    )
    messages.success(request, _("The language was changed."))
    return redirect(contribution_url(contribution))


def contribution_pdf_view(request, pk):
    """The contribution as a printable, tagged PDF in the reader's language."""
    contribution = _contribution_or_404(pk, request.user)
    if contribution.is_removed:
        raise NotFound()
    pdf = render_pdf(
        template="contributions/contribution_pdf.html",
        context={
            "contribution": contribution,
            "url": request.build_absolute_uri(contribution_url(contribution)),
            "request": request,
        },
        language=request.LANGUAGE_CODE,
        title=contribution.title,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="beitrag-{contribution.pk}.pdf"'
    return response
