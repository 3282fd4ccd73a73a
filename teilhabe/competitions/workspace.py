"""The coordinators' pages of the ideas competition under ``/verwaltung/``: the funds, a fund's yearly balances
and ledger, booking an entry, correcting one, setting a year's budget.

Views parse input with forms, call a selector or service and render; permissions are asked once per page.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.competitions import selectors, services
from teilhabe.competitions.forms import FundYearForm, LedgerCorrectionForm, LedgerEntryForm
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.ui import apply_errors, int_or_404


def attempt(form, run):
    """Run a service for a valid form: (its result, None), or (None, the status) with the refusal on the form."""
    try:
        return run(), None
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        apply_errors(form, error)
        return None, error.status_code


def _crumbs(fund=None) -> tuple:
    crumbs = [(_("Workspace"), reverse("administration:workspace")), (_("Funds"), reverse("competitions:funds"))]
    if fund is not None:
        crumbs.append((fund.name, reverse("competitions:fund", kwargs={"pk": fund.pk})))
    return tuple(crumbs)


def _fund(request, pk, perm="competitions.view_fund"):
    fund = selectors.fund_get(int_or_404(pk))
    if fund is None:
        raise NotFound()
    if not rules.has_perm(perm, request.user, fund):
        raise NotAllowed()
    return fund


@login_required
def funds_view(request):
    funds = selectors.funds_of(request.user)
    if not funds:
        raise NotAllowed()
    year = timezone.localdate().year
    items = [{"fund": fund, "balance": selectors.fund_balance(fund, year)} for fund in funds]
    return render(request, "competitions/work_funds.html", {"items": items, "year": year, "crumbs": _crumbs()[:1]})


@login_required
def fund_view(request, pk):
    """The fund's balance per year (derived from the ledger) and its ledger, newest first, by year."""
    fund = _fund(request, pk)
    balances = selectors.fund_balances(fund)
    year = request.GET.get("jahr")
    year = int(year) if year and year.isdigit() and len(year) == 4 else None
    page = paginate_ids(
        selectors.ledger_entries(fund, year=year),
        page_number=request.GET.get("page"),
        per_page=settings.TEILHABE_PAGE_SIZE,
        load_rows=selectors.ledger_rows,
    )
    return render(
        request,
        "competitions/work_fund.html",
        {
            "fund": fund,
            "balances": balances,
            "page": page,
            "year": year,
            "can_book": rules.has_perm("competitions.keep_ledger", request.user, fund),
            "crumbs": _crumbs()[:2],
        },
    )


@login_required
def fund_year_view(request, pk):
    fund = _fund(request, pk, "competitions.keep_ledger")
    status = 200
    if request.method == "POST":
        form = FundYearForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt(
                form,
                lambda: services.fund_year_set(user=request.user, fund=fund, year=data["year"], budget=data["budget"]),
            )
            if done is not None:
                messages.success(request, _("The budget of %(year)d was saved.") % {"year": done.year})
                return redirect("competitions:fund", pk=fund.pk)
    else:
        form = FundYearForm(initial={"year": timezone.localdate().year, "budget": fund.annual_budget})
    return render(
        request,
        "competitions/work_form.html",
        {
            "fund": fund,
            "form": form,
            "heading": _("Set a year's budget"),
            "explanation": _("The budget the year's commitments draw on. It cannot be lower than what is committed."),
            "button": _("Save the budget"),
            "crumbs": _crumbs(fund),
        },
        status=status,
    )


@login_required
def entry_add_view(request, pk):
    fund = _fund(request, pk, "competitions.keep_ledger")
    calls = list(selectors.fund_calls(fund))
    by_pk = {call.pk: call for call in calls}
    status = 200
    if request.method == "POST":
        form = LedgerEntryForm(request.POST, calls=calls)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            entry, status = attempt(
                form,
                lambda: services.ledger_entry_record(
                    user=request.user,
                    fund=fund,
                    kind=data["kind"],
                    amount=data["amount"],
                    year=data["year"],
                    booked_on=data["booked_on"],
                    call=by_pk.get(data["call"]),
                    reason=data["reason"],
                    override_reason=data["override_reason"],
                ),
            )
            if entry is not None:
                messages.success(request, _("The entry was booked."))
                return redirect("competitions:fund", pk=fund.pk)
    else:
        today = timezone.localdate()
        form = LedgerEntryForm(calls=calls, initial={"booked_on": today, "year": today.year})
    return render(
        request,
        "competitions/work_form.html",
        {
            "fund": fund,
            "form": form,
            "heading": _("Book an entry"),
            "explanation": _(
                "Every commitment, payment, repayment and release is an entry. An entry cannot be changed afterwards:"
                " a mistake is corrected by a correction entry."
            ),
            "button": _("Book the entry"),
            "crumbs": _crumbs(fund),
        },
        status=status,
    )


@login_required
def entry_correct_view(request, pk, entry):
    fund = _fund(request, pk, "competitions.keep_ledger")
    original = selectors.ledger_entry_get(fund, int_or_404(entry))
    if original is None:
        raise NotFound()
    status = 200
    if request.method == "POST":
        form = LedgerCorrectionForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt(
                form,
                lambda: services.ledger_entry_record(
                    user=request.user,
                    fund=fund,
                    kind=original.kind,
                    amount=data["amount"],
                    corrects=original,
                    reason=data["reason"],
                    override_reason=data["override_reason"],
                ),
            )
            if done is not None:
                messages.success(request, _("The correction was booked."))
                return redirect("competitions:fund", pk=fund.pk)
    else:
        form = LedgerCorrectionForm()
    return render(
        request,
        "competitions/work_form.html",
        {
            "fund": fund,
            "entry": original,
            "net": selectors.entry_net(original),
            "form": form,
            "heading": _("Correct entry %(number)d") % {"number": original.pk},
            "button": _("Book the correction"),
            "crumbs": _crumbs(fund),
        },
        status=status,
    )
