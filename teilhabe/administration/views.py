"""The staff workspace of the answer path: department queues, routing, statements, decisions, notes; the
residents' notification settings; the consideration table. Views parse input, call a service or selector and
render; permissions are decided once per page."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from teilhabe.administration import consideration, services
from teilhabe.administration.forms import (
    ConsiderationExportForm,
    ConsiderationFilterForm,
    SubscribeForm,
    SubscriptionActionForm,
)
from teilhabe.administration.models import ExportFormat, ExportState
from teilhabe.administration.selectors import (
    subscription_by_token,
    subscription_of,
    subscription_page,
)
from teilhabe.contributions.selectors import contribution_visible
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.ui import apply_errors

# == consideration table ==

CONSIDERATION_PER_PAGE = 50
EXPORT_REFRESH_SECONDS = 5


def _consideration_process(request, slug):
    """The process of a consideration table page: 404 when missing, 403 for everyone but its coordinators."""
    process = consideration.consideration_process(slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("administration.view_consideration_table", request.user, process):
        raise NotAllowed()
    return process


def _consideration_page(request, process, *, filter_form, export_form=None, status=200):
    filters = consideration.ConsiderationFilters.from_dict(filter_form.cleaned_data if filter_form.is_valid() else {})
    page = None
    if filter_form.is_valid():
        page = paginate_ids(
            consideration.consideration_queryset(process, filters),
            page_number=request.GET.get("page"),
            per_page=CONSIDERATION_PER_PAGE,
            load_rows=consideration.consideration_page_rows(process),
        )
    if export_form is None:
        export_form = ConsiderationExportForm(
            initial=filters.to_dict(), options=consideration.consideration_filter_options(process)
        )
    return render(
        request,
        "administration/consideration.html",
        {
            "process": process,
            "form": filter_form,
            "export_form": export_form,
            "page": page,
            "filtered": bool(filters.to_dict()),
            "exports": consideration.consideration_exports_recent(process=process, user=request.user),
            "formats": ExportFormat.choices,
            "pdf_max_rows": consideration.pdf_max_rows(),
        },
        status=status,
    )


@login_required
def consideration_view(request, slug):
    """The consideration table of a process (coordinators): every answerable contribution with its statement
    and decision, filtered and paged, with exports of the filtered table."""
    process = _consideration_process(request, slug)
    options = consideration.consideration_filter_options(process)
    form = ConsiderationFilterForm(request.GET, options=options)
    return _consideration_page(request, process, filter_form=form, status=200 if form.is_valid() else 400)


@require_POST
@login_required
def consideration_export_view(request, slug):
    """Ask for the (filtered) table as a file: queued, made in the background, then shown on its status page."""
    process = _consideration_process(request, slug)
    options = consideration.consideration_filter_options(process)
    form = ConsiderationExportForm(request.POST, options=options)
    if form.is_valid():
        data = dict(form.cleaned_data)
        file_format = data.pop("format")
        try:
            export = services.consideration_export_request(
                user=request.user,
                process=process,
                format=file_format,
                filters=consideration.ConsiderationFilters.from_dict(data).to_dict(),
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            if error.status_code != 400:
                raise
            apply_errors(form, error)
        else:
            return redirect("administration:consideration_export_status", pk=export.pk)
    filters = ConsiderationFilterForm({}, options=options)
    return _consideration_page(request, process, filter_form=filters, export_form=form, status=400)


def _export_or_404(request, pk):
    number = parse_id(pk)
    export = consideration.consideration_export_visible(user=request.user, pk=number) if number else None
    if export is None or str(number) != pk:
        raise NotFound()
    return export


@login_required
def consideration_export_status_view(request, pk):
    """How far an export is; reloads itself (without JavaScript) while it is being made, unless asked not to."""
    export = _export_or_404(request, pk)
    working = export.state in (ExportState.QUEUED, ExportState.RUNNING)
    return render(
        request,
        "administration/consideration_export.html",
        {
            "export": export,
            "process": export.process,
            "working": working,
            "refresh": EXPORT_REFRESH_SECONDS if working and request.GET.get("auto") != "0" else None,
            "percent": (100 * export.rows_done // export.rows_total) if export.rows_total else 0,
        },
    )


@login_required
def consideration_export_download_view(request, pk):
    """The file of a finished export, to the coordinators of its process only (404 for everyone else)."""
    export = _export_or_404(request, pk)
    if export.state != ExportState.DONE or not export.file:
        raise NotFound()
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise NotFound() from error
    name = consideration.consideration_table_filename(
        export.process, export.format, day=timezone.localtime(export.finished_at).date()
    )
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=consideration.CONTENT_TYPES[export.format]
    )
    response["Cache-Control"] = "private, no-store"
    return response


# == notifications (unsubscribe, opt-in) ==

SUBSCRIBE_RATE = "60/h"


def _csrf_refusal(request):
    """The settings page's own form keeps its CSRF check; only the RFC 8058 one-click POST goes without."""
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})


def _subscription_action(subscription, action: str) -> str:
    """Do what a button of the settings page asks; returns the message to show."""
    if action == "unsubscribe":
        services.subscription_unsubscribe(subscription=subscription)
        return _("You will get no more e-mails about this contribution.")
    if action == "unsubscribe_all":
        services.subscription_unsubscribe(subscription=subscription, everything=True)
        return _("You will get no more e-mails from us about any contribution.")
    if action == "resume":
        services.subscription_resume(subscription=subscription)
        return _("You will be notified about this contribution again.")
    services.subscription_delivery_set(subscription=subscription, delivery=action)
    if action == "daily_digest":
        return _("You will get one summary a day instead of a mail at each step.")
    return _("You will get a mail at each step again.")


@csrf_exempt  # for the one-click POST of RFC 8058 only: every other POST is checked by _csrf_refusal
@never_cache
def unsubscribe_view(request, token):
    """The notification settings reached by the link in every mail, no sign-in needed: the token is the key.

    A mail program's one-click POST (body ``List-Unsubscribe=One-Click``) unsubscribes at once (``?scope=all``:
    from every mail to the same recipient); the page's buttons unsubscribe, switch between a mail at each step
    and a daily summary, or subscribe again.
    """
    subscription = subscription_by_token(token)
    if subscription is None:
        raise NotFound()
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    form, status = SubscriptionActionForm(), 200
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    if one_click:
        services.subscription_unsubscribe(
            subscription=subscription, everything=request.GET.get("scope") == "all", one_click=True
        )
        subscription.refresh_from_db()
    elif request.method == "POST":
        refusal = _csrf_refusal(request)
        if refusal is not None:
            return refusal
        form = SubscriptionActionForm(request.POST)
        if not form.is_valid():
            status = 400
        else:
            try:
                message = _subscription_action(subscription, form.cleaned_data["action"])
            except ApplicationError as error:
                apply_errors(form, error)
                status = error.status_code
            else:
                messages.success(request, message)
                return redirect("administration:unsubscribe", token=subscription.token)
    return render(
        request,
        "administration/unsubscribe.html",
        {
            "page": subscription_page(subscription),
            "token": subscription.token,
            "form": form,
            "one_click": one_click,
            "everything": request.GET.get("scope") == "all",
        },
        status=status,
    )


@login_required
@ratelimit(key="user", rate=SUBSCRIBE_RATE, method="POST", block=True)
def subscribe_view(request, pk):
    """A signed-in reader asks to be notified of a contribution's steps (GET shows the choice, POST does it)."""
    contribution = contribution_visible(user=request.user, pk=pk)
    if contribution is None:
        raise NotFound()
    if not rules.has_perm("administration.subscribe", request.user, contribution):
        raise NotAllowed(_("Notifications are only available for published contributions."))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    current = subscription_of(user=request.user, contribution=contribution)
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            status = 400
        else:
            try:
                subscription = services.subscription_subscribe(
                    user=request.user, contribution=contribution, delivery=form.cleaned_data["delivery"]
                )
            except ApplicationError as error:
                apply_errors(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("You will get a mail at each step of this contribution.")
                    if subscription.delivery == "each_step"
                    else _("You will get one summary a day when this contribution takes a step."),
                )
                return redirect("administration:unsubscribe", token=subscription.token)
    else:
        initial = current.delivery if current is not None and current.unsubscribed_at is None else "each_step"
        form = SubscribeForm(initial={"delivery": initial})
    return render(
        request,
        "administration/subscribe.html",
        {
            "contribution": contribution,
            "form": form,
            "subscribed": current is not None and current.unsubscribed_at is None,
            "settings_token": current.token if current is not None else "",
        },
        status=status,
    )
