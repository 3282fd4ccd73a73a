"""The coordinators' pages of the ideas competition under ``/verwaltung/``: the funds, a fund's yearly balances
and ledger, booking an entry, correcting one, setting a year's budget; a process's calls, setting one up (texts,
period, limits, who may apply, scale, funding tiers, criteria), its translations and publishing it.

Views parse input with forms, call a selector or service and render; permissions are asked once per page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.competitions import selectors, services
from teilhabe.competitions.forms import (
    CallForm,
    CriterionForm,
    FundYearForm,
    JurorForm,
    LedgerCorrectionForm,
    LedgerEntryForm,
    SupportTallyCorrectionForm,
    SupportTallyForm,
    TierForm,
    TranslationForm,
)
from teilhabe.competitions.models import Call, Criterion
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.selectors import content_translation_table
from teilhabe.core.ui import apply_errors, int_or_404
from teilhabe.processes.models import Process
from teilhabe.processes.selectors import process_get


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


# == calls ======================================================================================================


def _process(request, slug):
    pk = Process.objects.filter(slug=slug).values_list("pk", flat=True).first() if len(slug) <= 50 else None
    process = process_get(pk=pk) if pk is not None else None
    if process is None:
        raise NotFound()
    if not rules.has_perm("competitions.add_call", request.user, process):
        raise NotAllowed()
    return process


def _call_crumbs(process, call=None) -> tuple:
    crumbs = [
        (_("Workspace"), reverse("administration:workspace")),
        (_("Calls"), reverse("competitions:calls", kwargs={"slug": process.slug})),
    ]
    if call is not None:
        crumbs.append((call.title, reverse("competitions:call", kwargs={"pk": call.pk})))
    return tuple(crumbs)


def _call(request, pk) -> Call:
    call = selectors.call_get(int_or_404(pk))
    if call is None:
        raise NotFound()
    if not rules.has_perm("competitions.change_call", request.user, call):
        raise NotAllowed()
    return call


@login_required
def calls_view(request, slug):
    process = _process(request, slug)
    now = timezone.now()
    items = [
        {"call": call, "state": selectors.call_state(call, now)}
        for call in selectors.calls_of_process(process, published_only=False)
    ]
    return render(
        request,
        "competitions/work_calls.html",
        {"process": process, "items": items, "crumbs": _call_crumbs(process)[:1]},
    )


def _call_data(data: dict) -> dict:
    return {name: data.get(name) for name in services.CALL_FIELDS}


@login_required
def call_create_view(request, slug):
    process = _process(request, slug)
    funds = [fund for fund in selectors.funds_of_city(process.city_id)]
    if not funds:
        raise NotFound(_("There is no fund in this city yet."))
    by_pk = {fund.pk: fund for fund in funds}
    status = 200
    if request.method == "POST":
        form = CallForm(request.POST, funds=funds)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            call, status = attempt(
                form,
                lambda: services.call_create(
                    user=request.user, process=process, fund=by_pk[data["fund"]], **_call_data(data)
                ),
            )
            if call is not None:
                messages.success(request, _("The call was created. Check its tiers and criteria, then publish it."))
                return redirect("competitions:call", pk=call.pk)
    else:
        form = CallForm(
            funds=funds,
            initial={"allows_organisations": True, "allows_groups": True, "scale_min": 0, "scale_max": 10},
        )
    return render(
        request,
        "competitions/work_call_form.html",
        {
            "process": process,
            "form": form,
            "heading": _("New call"),
            "explanation": _(
                "The call starts unpublished, with the fund's funding tiers and criteria. Texts are written in German;"
                " translations follow on the call's page."
            ),
            "button": _("Create the call"),
            "cancel": reverse("competitions:calls", kwargs={"slug": process.slug}),
            "crumbs": _call_crumbs(process),
        },
        status=status,
    )


def _call_setup(request, call, *, tier_form=None, criterion_form=None, status=200):
    process = call.process
    tiers = selectors.call_tiers(call)
    return render(
        request,
        "competitions/work_call.html",
        {
            "process": process,
            "call": call,
            "state": selectors.call_state(call),
            "locked": selectors.call_config_locked(call),
            "tier_rules": [(rule, selectors.tier_rule_text(rule)) for rule in selectors.tier_rules(tiers)],
            "criteria": selectors.call_criteria(call),
            "tier_form": tier_form or TierForm(auto_id="tier_%s"),
            "criterion_form": criterion_form or CriterionForm(auto_id="criterion_%s"),
            "crumbs": _call_crumbs(process),
        },
        status=status,
    )


@login_required
def call_view(request, pk):
    """A call's set-up: its facts, funding tiers and criteria (with forms to add them until it opens), publishing."""
    return _call_setup(request, _call(request, pk))


@login_required
def call_edit_view(request, pk):
    call = _call(request, pk)
    status = 200
    if request.method == "POST":
        form = CallForm(request.POST)
        status = 400
        if form.is_valid():
            done, status = attempt(
                form, lambda: services.call_update(user=request.user, call=call, **_call_data(form.cleaned_data))
            )
            if done is not None:
                messages.success(request, _("The call was saved."))
                return redirect("competitions:call", pk=call.pk)
    else:
        form = CallForm(initial={name: getattr(call, name) for name in services.CALL_FIELDS})
    return render(
        request,
        "competitions/work_call_form.html",
        {
            "process": call.process,
            "call": call,
            "form": form,
            "heading": _("Change the call"),
            "button": _("Save"),
            "cancel": reverse("competitions:call", kwargs={"pk": call.pk}),
            "crumbs": _call_crumbs(call.process, call),
        },
        status=status,
    )


@login_required
def tier_add_view(request, pk):
    call = _call(request, pk)
    if request.method != "POST":
        return redirect("competitions:call", pk=call.pk)
    form = TierForm(request.POST, auto_id="tier_%s")
    if form.is_valid():
        data = form.cleaned_data
        done, status = attempt(
            form,
            lambda: services.tier_add(
                user=request.user,
                call=call,
                up_to=data["up_to"],
                kind=data["kind"],
                min_own_share=data["min_own_share"],
            ),
        )
        if done is not None:
            messages.success(request, _("The funding tier was added."))
            return redirect("competitions:call", pk=call.pk)
    else:
        status = 400
    return _call_setup(request, call, tier_form=form, status=status)


@login_required
def tier_remove_view(request, pk, tier):
    call = _call(request, pk)
    if request.method != "POST":
        return redirect("competitions:call", pk=call.pk)
    found = call.tiers.filter(pk=int_or_404(tier)).first()
    if found is None:
        raise NotFound()
    services.tier_remove(user=request.user, tier=found)
    messages.success(request, _("The funding tier was removed."))
    return redirect("competitions:call", pk=call.pk)


@login_required
def criterion_add_view(request, pk):
    call = _call(request, pk)
    if request.method != "POST":
        return redirect("competitions:call", pk=call.pk)
    form = CriterionForm(request.POST, auto_id="criterion_%s")
    if form.is_valid():
        done, status = attempt(form, lambda: services.criterion_add(user=request.user, call=call, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The criterion was added."))
            return redirect("competitions:call", pk=call.pk)
    else:
        status = 400
    return _call_setup(request, call, criterion_form=form, status=status)


def _criterion(call, pk) -> Criterion:
    found = call.criteria.filter(pk=int_or_404(pk)).first()
    if found is None:
        raise NotFound()
    return found


@login_required
def criterion_edit_view(request, pk, criterion):
    call = _call(request, pk)
    criterion = _criterion(call, criterion)
    status = 200
    if request.method == "POST":
        form = CriterionForm(request.POST)
        status = 400
        if form.is_valid():
            done, status = attempt(
                form, lambda: services.criterion_update(user=request.user, criterion=criterion, **form.cleaned_data)
            )
            if done is not None:
                messages.success(request, _("The criterion was saved."))
                return redirect("competitions:call", pk=call.pk)
    else:
        form = CriterionForm(
            initial={"name": criterion.name, "description": criterion.description, "weight": criterion.weight}
        )
    return render(
        request,
        "competitions/work_call_form.html",
        {
            "process": call.process,
            "call": call,
            "form": form,
            "heading": _("Change the criterion"),
            "button": _("Save"),
            "cancel": reverse("competitions:call", kwargs={"pk": call.pk}),
            "crumbs": _call_crumbs(call.process, call),
        },
        status=status,
    )


@login_required
def criterion_remove_view(request, pk, criterion):
    call = _call(request, pk)
    if request.method != "POST":
        return redirect("competitions:call", pk=call.pk)
    services.criterion_remove(user=request.user, criterion=_criterion(call, criterion))
    messages.success(request, _("The criterion was removed."))
    return redirect("competitions:call", pk=call.pk)


@login_required
def call_publish_view(request, pk):
    call = _call(request, pk)
    if request.method != "POST":
        return redirect("competitions:call", pk=call.pk)
    try:
        services.call_publish(user=request.user, call=call)
    except ApplicationError as error:
        if error.status_code != 400:
            raise
        messages.error(request, error.message)
        return _call_setup(request, call, status=400)
    messages.success(request, _("The call is published."))
    return redirect("competitions:call", pk=call.pk)


def _translation_languages():
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@login_required
def call_translate_view(request, pk):
    """The translations of a call's texts, or (``?kriterium=<id>``) of one of its criteria, one language at a time
    (``?sprache=``), with the state of every language."""
    call = _call(request, pk)
    criterion_id = request.GET.get("kriterium")
    obj = _criterion(call, criterion_id) if criterion_id else call
    names = [name for name in obj.translatable_fields if getattr(obj, name)]
    languages = _translation_languages()
    tables = {code: content_translation_table(type(obj), code) for code, _name in languages}
    existing = {(name, code): tables[code].get((obj.pk, name)) for code, _name in languages for name in names}
    rows = [
        {
            "code": code,
            "name": name,
            "states": [
                (field, existing[(field, code)].state if existing[(field, code)] else "missing") for field in names
            ],
        }
        for code, name in languages
    ]
    language = request.GET.get("sprache") or languages[0][0]
    if language not in dict(languages):
        raise ApplicationError(_("Please choose a language from the list."))
    options = {"obj": obj, "fields": names, "language": language, "auto_id": "translation_%s"}
    query = {"sprache": language, **({"kriterium": obj.pk} if obj is not call else {})}
    status = 200
    if request.method == "POST":
        form = TranslationForm(request.POST, **options)
        status = 400
        if form.is_valid():
            texts = {name: form.cleaned_data[name] for name in names if form.cleaned_data.get(name)}
            done, status = attempt(
                form,
                lambda: (
                    services.call_translations_set(
                        user=request.user, call=call, obj=obj, language=language, texts=texts
                    )
                    or True
                ),
            )
            if done is not None:
                messages.success(
                    request, _("The translation into %(language)s was saved.") % {"language": dict(languages)[language]}
                )
                return redirect(f"{request.path}?{urlencode(query)}")
    else:
        form = TranslationForm(
            initial={name: existing[(name, language)].text for name in names if existing[(name, language)]},
            **options,
        )
    return render(
        request,
        "competitions/work_call_translate.html",
        {
            "process": call.process,
            "call": call,
            "obj": obj,
            "form": form,
            "originals": [(form[name], getattr(obj, name)) for name in names],
            "rows": rows,
            "field_labels": {name: obj._meta.get_field(name).verbose_name for name in names},
            "language": language,
            "language_name": dict(languages)[language],
            "criterion_query": f"&kriterium={obj.pk}" if obj is not call else "",
            "action": f"{request.path}?{urlencode(query)}",
            "crumbs": _call_crumbs(call.process, call),
        },
        status=status,
    )


@login_required
def call_summary_view(request, pk, format):
    """The call summary for the committee as PDF, XLSX or ODS, for the call's coordinators; never cached."""
    from django.http import HttpResponse

    from teilhabe.competitions.documents import CONTENT_TYPES, FORMATS, call_summary_document

    call = _call(request, pk)
    if format not in FORMATS:
        raise NotFound()
    data = call_summary_document(call, format, request.LANGUAGE_CODE)
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="call-{call.pk}-summary.{format}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def fund_defaults_view(request, pk):
    """The fund's funding tiers and criteria that every new call starts with (a call changes its own copy)."""
    from teilhabe.competitions.models import Criterion, FundingTier

    fund = _fund(request, pk, "competitions.keep_ledger")
    tier_form, criterion_form, status = TierForm(auto_id="tier_%s"), CriterionForm(auto_id="criterion_%s"), 200
    if request.method == "POST":
        action = request.POST.get("action")
        done = None
        if action == "add_tier":
            tier_form = TierForm(request.POST, auto_id="tier_%s")
            status = 400
            if tier_form.is_valid():
                data = tier_form.cleaned_data
                done, status = attempt(
                    tier_form,
                    lambda: services.tier_add(
                        user=request.user,
                        fund=fund,
                        up_to=data["up_to"],
                        kind=data["kind"],
                        min_own_share=data["min_own_share"],
                    ),
                )
        elif action == "add_criterion":
            criterion_form = CriterionForm(request.POST, auto_id="criterion_%s")
            status = 400
            if criterion_form.is_valid():
                done, status = attempt(
                    criterion_form,
                    lambda: services.criterion_add(user=request.user, fund=fund, **criterion_form.cleaned_data),
                )
        elif action == "remove_tier":
            tier = FundingTier.objects.filter(
                fund=fund, call__isnull=True, pk=int_or_404(request.POST.get("id"))
            ).first()
            if tier is None:
                raise NotFound()
            services.tier_remove(user=request.user, tier=tier)
            done = True
        elif action == "remove_criterion":
            criterion = Criterion.objects.filter(
                fund=fund, call__isnull=True, pk=int_or_404(request.POST.get("id"))
            ).first()
            if criterion is None:
                raise NotFound()
            services.criterion_remove(user=request.user, criterion=criterion)
            done = True
        else:
            raise ApplicationError(_("Please choose what to do."))
        if done is not None:
            messages.success(request, _("The defaults were saved."))
            return redirect("competitions:fund_defaults", pk=fund.pk)
    tiers = list(FundingTier.objects.filter(fund=fund, call__isnull=True).order_by(F("up_to").asc(nulls_last=True)))
    return render(
        request,
        "competitions/work_fund_defaults.html",
        {
            "fund": fund,
            "tier_rules": [(rule, selectors.tier_rule_text(rule)) for rule in selectors.tier_rules(tiers)],
            "criteria": list(Criterion.objects.filter(fund=fund, call__isnull=True).order_by("position", "pk")),
            "tier_form": tier_form,
            "criterion_form": criterion_form,
            "crumbs": _crumbs(fund),
        },
        status=status,
    )


# --- the jury's seats --------------------------------------------------------------------------------------------


def _jury_setup_call(request, pk) -> Call:
    call = selectors.call_get(int_or_404(pk))
    if call is None:
        raise NotFound()
    if not rules.has_perm("competitions.change_call", request.user, call):
        raise NotAllowed()
    return call


def _jury_setup(request, call, *, form=None, status=200):
    return render(
        request,
        "competitions/work_jury.html",
        {
            "process": call.process,
            "call": call,
            "seats": selectors.jury_seats(call),
            "can_manage": rules.has_perm("competitions.manage_jury", request.user, call),
            "form": form or JurorForm(auto_id="juror_%s"),
            "crumbs": _call_crumbs(call.process, call),
        },
        status=status,
    )


@login_required
def jury_setup_view(request, pk):
    """The call's jurors (the chair first) with buttons to make one the chair or remove one, and a form to seat a
    person by their e-mail address; after closing, the list only."""
    call = _jury_setup_call(request, pk)
    if request.method != "POST":
        return _jury_setup(request, call)
    form = JurorForm(request.POST, auto_id="juror_%s")
    status = 400
    if form.is_valid():
        person = selectors.person_by_email(form.cleaned_data["email"])
        seat, status = attempt(
            form,
            lambda: services.jury_member_add(
                user=request.user, call=call, person=person, is_chair=form.cleaned_data["is_chair"]
            ),
        )
        if seat is not None:
            messages.success(request, _("%(name)s is now on the jury.") % {"name": person.display_name or person.email})
            return redirect("competitions:jury_setup", pk=call.pk)
    return _jury_setup(request, call, form=form, status=status)


def _seat_action(request, pk, seat, run, done_message):
    call = _jury_setup_call(request, pk)
    if request.method != "POST":
        return redirect("competitions:jury_setup", pk=call.pk)
    found = selectors.jury_seat_get(call, seat)
    if found is None:
        raise NotFound()
    name = found.user.display_name or found.user.email
    try:
        run(found)
    except ApplicationError as error:
        if isinstance(error, NotFound | NotAllowed):
            raise
        messages.error(request, error.message)
        return _jury_setup(request, call, status=error.status_code)
    messages.success(request, done_message % {"name": name})
    return redirect("competitions:jury_setup", pk=call.pk)


@login_required
def jury_chair_view(request, pk, seat):
    return _seat_action(
        request,
        pk,
        seat,
        lambda found: services.jury_chair_set(user=request.user, seat=found),
        _("%(name)s now chairs the jury."),
    )


@login_required
def jury_remove_view(request, pk, seat):
    return _seat_action(
        request,
        pk,
        seat,
        lambda found: services.jury_member_remove(user=request.user, seat=found),
        _("%(name)s is no longer on the jury."),
    )


# --- the public support phase ------------------------------------------------------------------------------------


@login_required
def supports_view(request, pk):
    """The call's public support phase for its coordinators: per application shown publicly its online supports
    and analog tallies, the tallies entered so far, and a form to enter one (a count with channel and
    provenance)."""
    call = _jury_setup_call(request, pk)
    if selectors.support_state(call) == selectors.SupportState.NONE:
        raise NotFound(_("This call has no public support phase."))
    applications = list(selectors.jury_applications(call).filter(summary_consent=True).order_by("title", "pk"))
    form = SupportTallyForm(request.POST or None, applications=applications, auto_id="tally_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            chosen = next(item for item in applications if item.pk == data["application"])
            tally, status = attempt(
                form,
                lambda: services.support_tally_enter(
                    user=request.user,
                    application=chosen,
                    count=data["count"],
                    channel=data["channel"],
                    provenance=data["provenance"],
                ),
            )
            if tally is not None:
                messages.success(request, _("The count was entered."))
                return redirect("competitions:supports", pk=call.pk)
    totals = selectors.support_totals(call)
    empty = selectors.SupportTotal(0, 0)
    return render(
        request,
        "competitions/work_supports.html",
        {
            "process": call.process,
            "call": call,
            "support": selectors.support_state(call),
            "rows": [(item, totals.get(item.pk, empty)) for item in applications],
            "tallies": selectors.support_tallies(call),
            "form": form,
            "can_enter": call.scoring_closed_at is None and selectors.support_state(call) != "upcoming",
            "crumbs": _call_crumbs(call.process, call),
        },
        status=status,
    )


@login_required
def support_tally_correct_view(request, pk, tally):
    """Correct an analog tally: the right count and why; the old tally stays, listed as corrected."""
    call = _jury_setup_call(request, pk)
    found = selectors.support_tally_get(call, tally)
    if found is None:
        raise NotFound()
    form = SupportTallyCorrectionForm(request.POST or None, initial={"count": found.count})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt(
                form,
                lambda: services.support_tally_correct(
                    user=request.user, tally=found, count=data["count"], reason=data["reason"]
                ),
            )
            if done is not None:
                messages.success(request, _("The count was corrected."))
                return redirect("competitions:supports", pk=call.pk)
    return render(
        request,
        "competitions/work_form.html",
        {
            "process": call.process,
            "call": call,
            "form": form,
            "heading": _("Correct a count"),
            "explanation": _(
                "%(reference)s: %(count)d supports (%(channel)s, %(provenance)s). The corrected count replaces this"
                " one in the total; this one stays in the list."
            )
            % {
                "reference": found.application.reference,
                "count": found.count,
                "channel": found.get_channel_display(),
                "provenance": found.provenance,
            },
            "button": _("Correct the count"),
            "cancel": reverse("competitions:supports", kwargs={"pk": call.pk}),
            "crumbs": _call_crumbs(call.process, call),
        },
        status=status,
    )
