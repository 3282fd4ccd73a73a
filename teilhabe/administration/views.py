"""The staff workspace of the answer path: department queues, routing, statements, decisions, notes; the
residents' notification settings; the consideration table. Views parse input, call a service or selector and
render; permissions are decided once per page."""

import hashlib
from urllib.parse import urlencode

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from teilhabe.administration import consideration, services
from teilhabe.administration.forms import (
    ConsiderationExportForm,
    ConsiderationFilterForm,
    DecisionForm,
    GroupDecisionForm,
    GroupFilterForm,
    InputForm,
    NoteForm,
    QueueFilterForm,
    RouteForm,
    RoutingAssignForm,
    RoutingFilterForm,
    RoutingReturnForm,
    StatementActionForm,
    StatementReviewForm,
    StatementTextForm,
    SubscribeForm,
    SubscriptionActionForm,
    TranslationForm,
)
from teilhabe.administration.models import Disposition, ExportFormat, ExportState, Statement, StatementState
from teilhabe.administration.selectors import (
    QUEUE_STATES,
    QueueFilters,
    RoutingFilters,
    answer_state_labels,
    answerable_contributions,
    contribution_work,
    department_choices,
    department_get,
    department_name,
    disposition_candidates,
    disposition_current,
    has_workspace,
    queue_count,
    queue_counts,
    queue_filter_options,
    queue_routings,
    queue_rows,
    queue_scope,
    queue_state_choices,
    routing_candidates,
    routing_filter_options,
    routing_get,
    routing_rows,
    routing_state_choices,
    statement_current,
    subscription_by_token,
    subscription_of,
    subscription_page,
    workspace_departments,
    workspace_processes,
    workspace_queues,
)
from teilhabe.contributions.selectors import contribution_get, contribution_visible
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.selectors import localise
from teilhabe.core.ui import apply_errors, int_or_404
from teilhabe.places.selectors import district_choices
from teilhabe.processes.selectors import process_get_published

# == queue and routing (department queues, coordinators' routing screen) ==


@login_required
def workspace_view(request):
    """The staff start page: the person's departments with their queues' counts, the processes they coordinate."""
    if not has_workspace(request.user):
        raise NotAllowed()
    today = timezone.localdate()
    return render(
        request,
        "administration/workspace.html",
        {
            "departments": workspace_departments(request.user, today=today),
            "processes": workspace_processes(request.user, today=today),
            "queues": workspace_queues(request.user),
            "states": answer_state_labels(),
        },
    )


def _work_url_for():
    """A function giving the work page's URL of a contribution, reversed once per page."""
    sentinel = 987654321
    template = reverse("administration:work", kwargs={"pk": sentinel})
    return lambda pk: template.replace(str(sentinel), str(pk))


@login_required
def queue_view(request, pk):
    department = department_get(int_or_404(pk))
    if department is None:
        raise NotFound()
    if not rules.has_perm("administration.view_queue", request.user, department):
        raise NotAllowed()
    scope = queue_scope(request.user, department)
    form = QueueFilterForm(
        request.GET or None,
        options=queue_filter_options(department=department, scope=scope),
        states=queue_state_choices(),
    )
    filters, status = QueueFilters(), 200
    if form.is_bound:
        if form.is_valid():
            filters = _queue_filters(form.cleaned_data, request.user)
        else:
            status = 400
    today = timezone.localdate()
    work_url = _work_url_for()
    page = paginate_ids(
        queue_routings(department_id=department.pk, scope=scope, filters=filters, today=today),
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        count=queue_count(department_id=department.pk, scope=scope, filters=filters, today=today),
        load_rows=lambda ids: [
            _Row(row, work_url(row.contribution_id))
            for row in queue_rows(ids, department_id=department.pk, today=today)
        ],
    )
    counts = queue_counts(department_ids=[department.pk], scope=scope, today=today)[department.pk]
    labels = answer_state_labels()
    return render(
        request,
        "administration/queue.html",
        {
            "department_name": department_name(department),
            "department": department,
            "form": form,
            "page": page,
            "state_counts": [(state, labels[state], counts[state]) for state in QUEUE_STATES],
            "overdue_count": counts["overdue"],
            "total_count": counts["total"],
            "restricted": scope is not None,
            "filtered": any(value not in (None, "", False) for value in vars(filters).values()),
        },
        status=status,
    )


class _Row:
    """A row of a list with its link; ``pk`` is what the paginator keys it by."""

    __slots__ = ("pk", "row", "url")

    def __init__(self, row, url):
        self.pk, self.row, self.url = row.pk, row, url


def _queue_filters(data, user) -> QueueFilters:
    assigned = data.get("assigned") or ""
    return QueueFilters(
        process=data.get("process"),
        field=data.get("field"),
        district=data.get("district"),
        channel=data.get("channel") or "",
        state=data.get("state") or "",
        due_before=data.get("due_before"),
        overdue=bool(data.get("overdue")),
        assignee=user.pk if assigned == "me" else (int(assigned) if assigned.isdigit() else None),
        unassigned=assigned == "none",
        descending=data.get("sort") == "due_desc",
    )


def _routing_process(request, slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("administration.route_contributions", request.user, process):
        raise NotAllowed()
    return process


ROUTING_FILTER_FIELDS = ("field", "district", "channel", "state", "q")


@login_required
def routing_view(request, slug):
    """The coordinators' routing screen: a filtered list of answerable contributions, routed hand-picked or all
    matching the filter (the filter travels with the form and is applied again here, never a list of ids)."""
    process = _routing_process(request, slug)
    data = request.POST if request.method == "POST" else request.GET
    filter_form = RoutingFilterForm(
        {name: data[name] for name in ROUTING_FILTER_FIELDS if name in data} or None,
        **routing_filter_options(process),
        states=routing_state_choices(),
    )
    filters, status = RoutingFilters(), 200
    if filter_form.is_bound:
        if filter_form.is_valid():
            filters = RoutingFilters(
                **{name: value for name, value in filter_form.cleaned_data.items() if value not in (None, "")}
            )
        else:
            status = 400
    candidates = routing_candidates(process=process, filters=filters)
    labels = dict(department_choices(city_id=process.city_id))
    route_form = RouteForm(
        request.POST if request.method == "POST" else None, process=process, department_labels=labels
    )
    filter_query = (
        urlencode([(name, value) for name, value in filter_form.data.items() if value]) if status == 200 else ""
    )
    if request.method == "POST":
        if route_form.is_valid() and status == 200:
            cleaned = route_form.cleaned_data
            try:
                routed = services.routing_route(
                    user=request.user,
                    process=process,
                    contributions=cleaned["selected"] if cleaned["action"] == "selected" else candidates,
                    lead=cleaned["lead"],
                    contributing=list(cleaned["contributing"]),
                    due_date=cleaned["due_date"],
                )
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(route_form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s contribution routed to %(department)s.",
                        "%(count)s contributions routed to %(department)s.",
                        routed,
                    )
                    % {"count": routed, "department": labels.get(cleaned["lead"].pk, str(cleaned["lead"]))},
                )
                url = reverse("administration:routing", kwargs={"slug": process.slug})
                return redirect(f"{url}?{filter_query}" if filter_query else url)
        status = 400
    today = timezone.localdate()
    work_url = _work_url_for()
    page = paginate_ids(
        candidates,
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=lambda ids: [_Row(row, work_url(row.pk)) for row in routing_rows(ids, process=process, today=today)],
    )
    return render(
        request,
        "administration/routing.html",
        {
            "process": process,
            "process_title": localise(process, "title", get_language()).text,
            "filter_form": filter_form,
            "form": route_form,
            "page": page,
            "filter_fields": [(name, value) for name, value in filter_form.data.items() if value and status != 400]
            if filter_form.is_bound
            else [],
            "filter_query": filter_query,
            "selected": set(route_form.cleaned_data.get("selected") or []) if route_form.is_bound else set(),
        },
        status=status,
    )


def _routing_or_404(request, pk):
    """A routing whose contribution the reader may see internally; any other answers like a missing one."""
    routing = routing_get(int_or_404(pk))
    if routing is None or not rules.has_perm("administration.view_internal", request.user, routing.contribution):
        raise NotFound()
    return routing


def _back_url(request, routing) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("administration:queue", kwargs={"pk": routing.department_id})


def _routing_action_failed(request, back: str, message, *, status: int):
    return render(
        request, "administration/routing_action_error.html", {"message": message, "back": back}, status=status
    )


@require_POST
@login_required
def routing_assign_view(request, pk):
    routing = _routing_or_404(request, pk)
    back = _back_url(request, routing)
    form = RoutingAssignForm(request.POST, routing=routing)
    if not form.is_valid():
        return _routing_action_failed(request, back, _("Please choose a member of this department."), status=400)
    assignee = form.cleaned_data["assignee"]
    try:
        services.routing_assign(user=request.user, routing=routing, assignee=assignee)
    except ApplicationError as error:
        if error.status_code not in (400, 403, 409):
            raise
        return _routing_action_failed(request, back, error.message, status=error.status_code)
    messages.success(request, _("The assignment was saved.") if assignee else _("The assignment was removed."))
    return redirect(back)


@require_POST
@login_required
def routing_return_view(request, pk):
    routing = _routing_or_404(request, pk)
    back = _back_url(request, routing)
    form = RoutingReturnForm(request.POST)
    if not form.is_valid():
        message = _("Please say why you hand this contribution back.")
        if "reason" in form.errors and form.data.get("reason", "").strip():
            message = form.errors["reason"][0]
        return _routing_action_failed(request, back, message, status=400)
    try:
        services.routing_return(user=request.user, routing=routing, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        if error.status_code not in (400, 403, 409):
            raise
        return _routing_action_failed(request, back, error.message, status=error.status_code)
    messages.success(request, _("The contribution was handed back to the coordinators."))
    if not rules.has_perm("administration.view_internal", request.user, routing.contribution):
        # Its work page is no longer the department's (a page that would answer 404): back to the queue.
        return redirect("administration:queue", pk=routing.department_id)
    return redirect(back)


# == contribution work page (statements, dispositions, notes) ==


def _work_contribution(request, pk):
    """A contribution for its staff page: 404 alike for an id that does not exist and for a contribution the
    person may not work on (``administration.view_internal``: its departments and its coordinators)."""
    number = parse_id(pk)
    contribution = contribution_get(pk=number) if number is not None and str(number) == pk else None
    if contribution is None or not rules.has_perm("administration.view_internal", request.user, contribution):
        raise NotFound()
    return contribution


def _work_url(contribution, anchor: str = "") -> str:
    return reverse("administration:work", kwargs={"pk": contribution.pk}) + (f"#{anchor}" if anchor else "")


def _work_page(request, contribution, *, bound=None, error=None, status=200):
    """The staff page of one contribution. ``bound``: a form sent back with its errors (by its context name)."""
    work = contribution_work(contribution)
    user = request.user
    statement = work.statement
    current = work.decisions[0] if work.decisions else None

    def may(name, obj):
        return obj is not None and rules.has_perm(f"administration.{name}", user, obj)

    # Every permission of the page, asked once.
    can = {
        "can_draft": may("draft_statement", contribution)
        and (statement is None or statement.state == StatementState.DRAFT),
        "can_submit": may("submit_statement", statement),
        "can_review": may("sign_off_statement", statement),
        "can_publish": may("publish_statement", statement),
        "can_translate_statement": may("translate_statement", statement),
        "can_add_input": may("add_statement_input", contribution),
        "can_add_note": may("add_note", contribution),
        "can_decide": may("dispose_contribution", contribution),
    }
    can["can_translate_decision"] = can["can_decide"] and current is not None
    routings = [
        {
            "row": row,
            "can_assign": row.is_active and may("assign_routing", row.routing),
            "can_return": row.is_active and may("return_routing", row.routing),
        }
        for row in work.routings
    ]
    statement_id = {"statement": statement.pk} if statement else {}
    forms = {
        "statement_form": StatementTextForm(
            initial={"text": statement.text if statement else ""}, auto_id="statement_%s"
        ),
        "action_form": StatementActionForm(initial=statement_id, auto_id="action_%s"),
        "review_form": StatementReviewForm(initial=statement_id, auto_id="review_%s"),
        "statement_translation_form": TranslationForm(
            initial={"target": statement.pk if statement else None}, auto_id="statement_translation_%s"
        ),
        "input_form": InputForm(auto_id="input_%s"),
        "note_form": NoteForm(auto_id="note_%s"),
        "decision_form": DecisionForm(
            initial={"outcome": current.outcome, "forwarded_to": current.forwarded_to} if current else None,
            auto_id="decision_%s",
        ),
        "decision_translation_form": TranslationForm(
            initial={"target": current.pk if current else None}, auto_id="decision_translation_%s"
        ),
    }
    forms.update(bound or {})
    shown = {
        "statement_form": can["can_draft"],
        "action_form": can["can_submit"] or can["can_publish"],
        "review_form": can["can_review"],
        "statement_translation_form": can["can_translate_statement"],
        "input_form": can["can_add_input"],
        "note_form": can["can_add_note"],
        "decision_form": can["can_decide"],
        "decision_translation_form": can["can_translate_decision"],
    }
    return render(
        request,
        "administration/work.html",
        {
            **can,
            **forms,
            "form_html": _form_fields_html(request, {name: forms[name] for name, show in shown.items() if show}),
            "may_see_scans": rules.has_perm("contributions.enter_analog", user, contribution.process),
            "contribution": contribution,
            "process": contribution.process,
            "work": work,
            "routings": routings,
            "statement": statement,
            "current_decision": current,
            "earlier_decisions": work.decisions[1:],
            "here": request.path,
            "error_message": error,
        },
        status=status,
    )


def _form_fields_html(request, forms: dict) -> dict[str, str]:
    """The fields of each form (``includes/form_fields.html``), by its name on the page.

    An unbound form shows nothing but its class, its ids, its initial values and the reader's language, so its
    fields are kept as a fragment under a key naming exactly these (and the release): the widgets are rendered
    once, not on every request. A form sent back with its errors is rendered afresh.
    """
    html = {
        name: render_to_string("includes/form_fields.html", {"form": form})
        for name, form in forms.items()
        if form.is_bound
    }
    unbound = {name: form for name, form in forms.items() if not form.is_bound}
    language = get_language()
    keys = {}
    for name, form in unbound.items():
        shown = repr((type(form).__qualname__, form.auto_id, sorted(form.initial.items())))
        keys[name] = fragment_key("work-form", language, [name, hashlib.sha256(shown.encode()).hexdigest()[:24]])

    def render_missing(names):
        return {name: (render_to_string("includes/form_fields.html", {"form": unbound[name]}), False) for name in names}

    html.update((name, fragment.html) for name, fragment in cached_fragments(keys, render_missing).items())
    return html


@login_required
def work_view(request, pk):
    return _work_page(request, _work_contribution(request, pk))


def _work_action(request, pk, *, form_class, form_name, auto_id, run, done, anchor):
    """A POST of the work page: parse the form, run the service; on success back to the page with a message,
    on a refusal the page again with the form, the message and the status (400, 403, 409); nothing changed."""
    contribution = _work_contribution(request, pk)
    form = form_class(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            run(contribution, form.cleaned_data)
        except ApplicationError as error:
            if isinstance(error, NotFound):
                raise
            for field, message in error.field_errors.items():
                if field in form.fields:
                    form.add_error(field, message)
            return _work_page(
                request, contribution, bound={form_name: form}, error=error.message, status=error.status_code
            )
        messages.success(request, done)
        return redirect(_work_url(contribution, anchor))
    return _work_page(request, contribution, bound={form_name: form}, status=400)


def _statement_for(contribution, data) -> Statement:
    """The current statement, if it is the one the form was sent for; else a conflict (nothing changes)."""
    statement = statement_current(contribution_id=contribution.pk)
    if statement is None or statement.pk != data["statement"]:
        raise Conflict(_("The statement has changed in the meantime. Please look at it again."))
    return statement


def _decision_for(contribution, data) -> Disposition:
    decision = disposition_current(contribution_id=contribution.pk)
    if decision is None or decision.pk != data["target"]:
        raise Conflict(_("The decision has changed in the meantime. Please look at it again."))
    decision.contribution = contribution
    return decision


@require_POST
@login_required
def statement_save_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=StatementTextForm,
        form_name="statement_form",
        auto_id="statement_%s",
        run=lambda contribution, data: services.statement_save(
            user=request.user, contribution=contribution, text=data["text"]
        ),
        done=_("The draft was saved."),
        anchor="statement",
    )


@require_POST
@login_required
def statement_submit_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=StatementActionForm,
        form_name="action_form",
        auto_id="action_%s",
        run=lambda contribution, data: services.statement_submit(
            user=request.user, statement=_statement_for(contribution, data)
        ),
        done=_("The statement was submitted for sign-off."),
        anchor="statement",
    )


@require_POST
@login_required
def statement_review_view(request, pk):
    sign_off = request.POST.get("decision") == "sign_off"
    return _work_action(
        request,
        pk,
        form_class=StatementReviewForm,
        form_name="review_form",
        auto_id="review_%s",
        run=lambda contribution, data: services.statement_review(
            user=request.user,
            statement=_statement_for(contribution, data),
            sign_off=data["decision"] == "sign_off",
            comment=data["comment"],
        ),
        done=_("The statement was signed off.") if sign_off else _("The statement was returned for revision."),
        anchor="statement",
    )


@require_POST
@login_required
def statement_publish_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=StatementActionForm,
        form_name="action_form",
        auto_id="action_%s",
        run=lambda contribution, data: services.statement_publish(
            user=request.user, statement=_statement_for(contribution, data)
        ),
        done=_("The statement was published."),
        anchor="statement",
    )


@require_POST
@login_required
def statement_translate_view(request, pk):
    def run(contribution, data):
        statement = _statement_for(contribution, {"statement": data["target"]})
        services.statement_translation_set(
            user=request.user, statement=statement, language=data["language"], text=data["text"]
        )

    return _work_action(
        request,
        pk,
        form_class=TranslationForm,
        form_name="statement_translation_form",
        auto_id="statement_translation_%s",
        run=run,
        done=_("The translation was saved."),
        anchor="statement",
    )


@require_POST
@login_required
def statement_input_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=InputForm,
        form_name="input_form",
        auto_id="input_%s",
        run=lambda contribution, data: services.statement_input_add(
            user=request.user, contribution=contribution, text=data["text"]
        ),
        done=_("Your input was added."),
        anchor="inputs",
    )


@require_POST
@login_required
def note_add_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=NoteForm,
        form_name="note_form",
        auto_id="note_%s",
        run=lambda contribution, data: services.note_add(
            user=request.user, contribution=contribution, text=data["text"]
        ),
        done=_("The note was added."),
        anchor="notes",
    )


@require_POST
@login_required
def decide_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=DecisionForm,
        form_name="decision_form",
        auto_id="decision_%s",
        run=lambda contribution, data: services.disposition_decide(
            user=request.user,
            process=contribution.process,
            contributions=[contribution],
            outcome=data["outcome"],
            justification=data["justification"],
            forwarded_to=data["forwarded_to"],
        ),
        done=_("The decision was saved."),
        anchor="decision",
    )


@require_POST
@login_required
def disposition_translate_view(request, pk):
    return _work_action(
        request,
        pk,
        form_class=TranslationForm,
        form_name="decision_translation_form",
        auto_id="decision_translation_%s",
        run=lambda contribution, data: services.disposition_translation_set(
            user=request.user,
            disposition=_decision_for(contribution, data),
            language=data["language"],
            text=data["text"],
        ),
        done=_("The translation was saved."),
        anchor="decision",
    )


@login_required
def decide_group_view(request, slug):
    """Coordinators decide similar contributions together: one decision and justification, each its own record."""
    process = process_get_published(slug=slug)
    if process is None or not rules.has_perm("administration.view_consideration_table", request.user, process):
        raise NotFound()
    fields = [(field.slug, field.name) for field in process.fields_of_action.all()]
    districts = district_choices(city_id=process.city_id)
    filters = GroupFilterForm(request.GET or None, fields=fields, districts=[(n, name) for _pk, n, name in districts])
    status = 200
    chosen = {}
    if filters.is_bound:
        if filters.is_valid():
            chosen = filters.cleaned_data
        else:
            status = 400
    field = next((f for f in process.fields_of_action.all() if f.slug == chosen.get("field")), None)
    district = next((pk for pk, number, _name in districts if str(number) == chosen.get("district")), None)
    rows, more = disposition_candidates(
        process=process, field=field, district_id=district, state=chosen.get("state", ""), q=chosen.get("q", "")
    )
    candidates = answerable_contributions(process=process)
    form = GroupDecisionForm(request.POST or None, candidates=candidates, auto_id="group_%s")
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = services.disposition_decide(
                    user=request.user,
                    process=process,
                    contributions=list(data["contributions"]),
                    outcome=data["outcome"],
                    justification=data["justification"],
                    forwarded_to=data["forwarded_to"],
                    group_title=data["group_title"],
                )
            except ApplicationError as error:
                if isinstance(error, NotFound):
                    raise
                apply_errors(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d contribution was decided.", "%(count)d contributions were decided.", len(decided)
                    )
                    % {"count": len(decided)},
                )
                return redirect(request.get_full_path())
        else:
            status = 400
    selected = {str(value) for value in (form["contributions"].value() or [])} if form.is_bound else set()
    return render(
        request,
        "administration/decide_group.html",
        {
            "process": process,
            "filters": filters,
            "form": form,
            "rows": rows,
            "more": more,
            "selected": selected,
        },
        status=status,
    )


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
