"""The jury's pages under ``/verwaltung/jury/``: the calls a person judges, a call's overview (declarations,
progress; after closing the results: weighted mean, spread, ranking; the chair's recommendation with the budget
left), and an application with its declaration, the scoring form and, after closing, everyone's scores.

Coordinators of the call's process see the overview and the results after closing, never scores before.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from teilhabe.competitions import selectors, services
from teilhabe.competitions.forms import DeclarationForm, ScoreForm
from teilhabe.competitions.workspace import attempt
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.ui import int_or_404


def _crumbs(call=None) -> tuple:
    crumbs = [(_("Workspace"), reverse("administration:workspace")), (_("Jury"), reverse("competitions:juries"))]
    if call is not None:
        crumbs.append((call.title, reverse("competitions:jury", kwargs={"pk": call.pk})))
    return tuple(crumbs)


def _jury_call(request, pk):
    call = selectors.call_get(int_or_404(pk))
    if call is None:
        raise NotFound()
    if not rules.has_perm("competitions.view_jury", request.user, call):
        raise NotAllowed()
    return call


@login_required
def juries_view(request):
    calls = selectors.calls_judged_by(request.user)
    if not calls:
        raise NotAllowed()
    return render(request, "competitions/jury_calls.html", {"calls": calls, "crumbs": _crumbs()[:1]})


def _money_formatter():
    """Amounts as ``euro`` writes them, with the language's separators read once per page (500 rows)."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousands = formats.get_format("THOUSAND_SEPARATOR")

    def money(value) -> str:
        if value is None:
            return "–"
        text = f"{value:,.2f}".replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
        return text + "\u00a0€"

    return money


def _rows_html(call, rows, *, seat, closed, can_recommend, criteria_count, posted) -> str:
    """The overview's table rows, built here rather than by the template engine: a jury page lists every
    application of a call (500 in the benchmark), and the labels, URLs and number formats are the same for each.
    Every value is escaped (``html.escape``); labels are translated once per page."""
    money = _money_formatter()
    sentinel = 987654321
    url_template = reverse("competitions:jury_application", kwargs={"pk": call.pk, "application": sentinel})
    declare = f"<strong>{escape(_('Declare first'))}</strong>"
    recused_label, scored_label = escape(_("You are recused")), escape(_("Scored"))
    hidden = escape(_("Not shown: you are recused"))
    progress = _("%(done)s of %(total)s scored")
    recommend_label, amount_label = _("Recommend %(reference)s"), _("Amount for %(reference)s")
    checked = set(posted.getlist("recommend")) if posted else set()
    parts = []
    for row in rows:
        application = row.application
        pk, reference = application.pk, application.reference
        applicant = (
            application.organisation.name
            if application.organisation_id
            else application.group_name or application.contact_name
        )
        cells = [f"<td>{row.rank or '–'}</td>"] if closed else []
        cells.append(
            f'<th scope="row"><a href="{url_template.replace(str(sentinel), str(pk))}">{reference} '
            f'<bdi>{escape(application.title)}</bdi></a><br><span class="meta"><bdi>{escape(applicant)}</bdi>'
            f"</span></th><td>{money(application.requested)}</td>"
        )
        if seat is not None:
            if row.declaration is None:
                part = declare
            elif row.declaration:
                part = recused_label
            elif row.scored == criteria_count:
                part = scored_label
            else:
                part = escape(progress % {"done": row.scored, "total": criteria_count})
            cells.append(f"<td>{part}</td>")
        if closed:
            if seat is not None and row.declaration:
                cells.append(f'<td colspan="3">{hidden}</td>')
            else:
                recused = (
                    escape(
                        ngettext(" (%(count)d recused)", " (%(count)d recused)", row.recused) % {"count": row.recused}
                    )
                    if row.recused
                    else ""
                )
                mean = row.mean if row.mean is not None else "–"
                spread = row.spread if row.spread is not None else "–"
                cells.append(f"<td>{mean}</td><td>{spread}</td><td>{row.jurors}{recused}</td>")
        if can_recommend:
            is_checked = " checked" if row.recommended is not None or str(pk) in checked else ""
            amount = row.recommended if row.recommended is not None else application.requested
            cells.append(
                f'<td><input type="checkbox" name="recommend" value="{pk}" id="recommend-{pk}"{is_checked}>'
                f'<label for="recommend-{pk}" class="visually-hidden">'
                f"{escape(recommend_label % {'reference': reference})}</label></td>"
                f'<td><label for="amount-{pk}" class="visually-hidden">'
                f'{escape(amount_label % {"reference": reference})}</label><input type="number" step="0.01"'
                f' min="0" inputmode="decimal" name="amount_{pk}" id="amount-{pk}"'
                f' value="{amount if amount is not None else ""}"></td>'
            )
        elif closed:
            cells.append(f"<td>{money(row.recommended) if row.recommended else '–'}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every text above is escaped


def _support_rows(call, rows) -> list | None:
    """The public support phase's totals per application (advisory, beside the scores, never in them); None when
    the call has none. Not for applications the viewer is recused from."""
    if selectors.support_state(call) == selectors.SupportState.NONE:
        return None
    totals = selectors.support_totals(call)
    empty = selectors.SupportTotal(0, 0)
    return [(row.application, totals.get(row.application.pk, empty)) for row in rows if row.declaration is not True]


def _overview(request, call, *, amounts_error=None, status=200):
    user = request.user
    seat = selectors.seat_of(user, call)
    closed = call.scoring_closed_at is not None
    rows = selectors.jury_overview(call, seat=seat, show_results=closed)
    criteria = selectors.call_criteria(call)
    recommended = selectors.recommended_total(call) if closed else None
    budget = call.budget if call.budget is not None else Decimal("0.00")
    can_recommend = rules.has_perm("competitions.recommend", user, call)
    rows_html = _rows_html(
        call,
        rows,
        seat=seat,
        closed=closed,
        can_recommend=can_recommend,
        criteria_count=len(criteria),
        posted=request.POST if amounts_error else None,
    )
    return render(
        request,
        "competitions/jury.html",
        {
            "call": call,
            "process": call.process,
            "seat": seat,
            "rows": rows,
            "rows_html": rows_html,
            "criteria_count": len(criteria),
            "closed": closed,
            "can_close": rules.has_perm("competitions.close_scoring", user, call),
            "can_recommend": can_recommend,
            "recommended": recommended,
            "budget_left": budget - recommended if recommended is not None else None,
            "amounts_error": amounts_error,
            "support_rows": _support_rows(call, rows),
            "crumbs": _crumbs()[:2],
        },
        status=status,
    )


@login_required
def jury_view(request, pk):
    return _overview(request, _jury_call(request, pk))


@require_POST
@login_required
def close_view(request, pk):
    call = _jury_call(request, pk)
    services.scoring_close(user=request.user, call=call)
    messages.success(request, _("Scoring is closed. The results are shown below."))
    return redirect("competitions:jury", pk=call.pk)


@require_POST
@login_required
def recommend_view(request, pk):
    """The chair's recommended set: a checked box and an amount per application; refused over the budget."""
    call = _jury_call(request, pk)
    if not rules.has_perm("competitions.recommend", request.user, call):
        raise NotAllowed()
    amounts = {}
    for key in request.POST.getlist("recommend"):
        application_id = int_or_404(key)
        amounts[application_id] = (request.POST.get(f"amount_{application_id}") or "").strip()
    try:
        services.recommendation_set(user=request.user, call=call, amounts=amounts)
    except ApplicationError as error:
        if error.status_code == 403:
            raise
        messages.error(request, error.message)
        return _overview(request, call, amounts_error=list(error.field_errors.values()) or [error.message], status=400)
    messages.success(request, _("The recommendation was recorded."))
    return redirect("competitions:jury", pk=call.pk)


def _application_for_jury(request, call, pk):
    application = selectors.application_get(int_or_404(pk))
    if application is None or application.call_id != call.pk or not selectors.is_for_jury(application):
        raise NotFound()
    return application


@login_required
def jury_application_view(request, pk, application):
    """An application for a juror: declare first; then read and score it; after closing, everyone's scores. A
    recused juror sees that they are recused, and nothing of the application or its scores."""
    call = _jury_call(request, pk)
    application = _application_for_jury(request, call, application)
    user = request.user
    seat = selectors.seat_of(user, call)
    declaration = selectors.declaration_of(seat, application)
    criteria = selectors.call_criteria(call)
    can_score = rules.has_perm("competitions.score_application", user, application)
    status = 200
    declaration_form = score_form = None
    if rules.has_perm("competitions.declare_conflict", user, application):
        declaration_form = DeclarationForm(request.POST if request.POST.get("form") == "declare" else None)
        if declaration_form.is_bound:
            status = 400
            if declaration_form.is_valid():
                done, status = attempt(
                    declaration_form,
                    lambda: services.conflict_declare(
                        user=user,
                        application=application,
                        has_conflict=declaration_form.cleaned_data["has_conflict"],
                        note=declaration_form.cleaned_data["note"],
                    ),
                )
                if done is not None:
                    messages.success(
                        request,
                        _("You are recused from this application.")
                        if done.has_conflict
                        else _("Thank you. You can now read and score the application."),
                    )
                    return redirect(request.path)
    if can_score:
        options = {"criteria": criteria, "low": call.scale_min, "high": call.scale_max}
        if request.method == "POST" and request.POST.get("form") == "score":
            score_form = ScoreForm(request.POST, **options)
            status = 400
            if score_form.is_valid():
                done, status = attempt(
                    score_form,
                    lambda: services.scores_record(
                        user=user, application=application, scores=score_form.service_data()
                    ),
                )
                if done is not None:
                    messages.success(request, _("Your scores were saved."))
                    return redirect("competitions:jury", pk=call.pk)
        else:
            initial = {}
            for criterion_id, (value, comment) in selectors.scores_of_seat(seat, application).items():
                initial[f"score_{criterion_id}"] = value
                initial[f"comment_{criterion_id}"] = comment
            score_form = ScoreForm(initial=initial, **options)
    elif request.method == "POST" and declaration_form is None:
        raise NotAllowed()
    may_read = rules.has_perm("competitions.view_application", user, application)
    context = {
        "call": call,
        "application": application,
        "declaration": declaration,
        "declaration_form": declaration_form,
        "score_form": score_form,
        "may_read": may_read,
        "criteria": criteria,
        "crumbs": _crumbs(call),
    }
    if may_read:
        lines = selectors.application_lines(application)
        context.update(
            {
                "lines": lines,
                "total": sum((line.amount for line in lines), 0),
                "files": selectors.application_files(application),
                "target_groups": list(application.target_groups.all()),
                "districts": list(application.districts.all()),
                "fields": list(application.fields_of_action.all()),
                "eligibility": selectors.application_eligibility(application),
            }
        )
    if rules.has_perm("competitions.view_scores", user, application):
        context["all_scores"] = selectors.application_scores(application, criteria)
    return render(request, "competitions/jury_application.html", context, status=status)
