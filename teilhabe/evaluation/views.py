"""The evaluation's pages: the public questionnaire and indicator page under /p/<slug>/, the evaluation team's
pages under /verwaltung/p/<slug>/evaluation/. Views parse, ask the permission, call a service or selector."""

from __future__ import annotations

import secrets

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from teilhabe.core.disclosure import small_cell_k
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.ui import attempt_for_form as _attempt
from teilhabe.core.ui import int_or_404
from teilhabe.evaluation import selectors, services
from teilhabe.evaluation.charts import indicator_chart
from teilhabe.evaluation.documents import questionnaire_pdf
from teilhabe.evaluation.forms import (
    IndicatorForm,
    MeasurementConfirmForm,
    MeasurementForm,
    MeasurementUploadForm,
    NoteForm,
    PaperQuestionnaireForm,
    QualityRatingForm,
    QuestionnaireForm,
)
from teilhabe.evaluation.measurement_csv import MeasurementFileError
from teilhabe.evaluation.questions import ANSWERS, PRINCIPLES, RATINGS, THEMES
from teilhabe.plan.selectors import measure_choices

WRITE_RATE = "60/h"  # as the contribution form (docs/rate-limits.md)
TOKEN = "evaluation.respondent"  # session: a random token naming this browser for "one response each"
SAVED = "evaluation.paper_saved.{}"  # session: the paper questionnaire just saved, per process


def _process(slug):
    process = selectors.evaluation_process(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _staff_process(request, slug, *perms):
    """The process if the person holds any of ``perms`` on it (403 otherwise, 404 for an unknown process)."""
    process = _process(slug)
    if not any(rules.has_perm(perm, request.user, process) for perm in perms):
        raise NotAllowed()
    return process


def _can(request, process, *names) -> dict:
    return {name.split(".")[1]: rules.has_perm(name, request.user, process) for name in names}


def _page(request, template, context, status=200):
    """A page of the evaluation team, with the links its navigation may offer this person."""
    context["nav"] = _can(request, context["process"], *STAFF_PERMS)
    return render(request, template, context, status=status)


# == public =========================================================================================================


def _respondent(request) -> str:
    token = request.session.get(TOKEN)
    if not token:
        token = request.session[TOKEN] = secrets.token_urlsafe(18)
    return services.respondent_key(user=request.user, session_token=token)


@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=True)
def questionnaire_view(request, slug):
    """``/p/<slug>/fragebogen/``: the participant questionnaire, once per account or browser."""
    process = _process(slug)
    if not rules.has_perm("evaluation.answer_questionnaire", request.user, process):
        raise NotFound()
    respondent = _respondent(request)
    context = {"process": process, "themes": THEMES, "k": small_cell_k()}
    if selectors.response_exists(process=process, respondent_key=respondent):
        return render(request, "evaluation/questionnaire_done.html", context)
    form = QuestionnaireForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            response, status = _attempt(
                form,
                lambda: services.questionnaire_submit(
                    user=request.user,
                    process=process,
                    respondent=respondent,
                    answers=form.answers(),
                    free_text=form.cleaned_data["free_text"],
                    language=get_language(),
                ),
            )
            if response is not None:
                return redirect("evaluation:questionnaire_thanks", slug=process.slug)
            if status == 409:
                return render(request, "evaluation/questionnaire_done.html", context, status=409)
    context.update(form=form, groups=_question_groups(form))
    return render(request, "evaluation/questionnaire.html", context, status=status)


def _question_groups(form) -> list[tuple[str, list]]:
    """The form's statements grouped by theme, in the questionnaire's order."""
    from teilhabe.evaluation.questions import QUESTIONS

    groups: dict[str, list] = {}
    for question in QUESTIONS:
        groups.setdefault(question.theme, []).append(form[question.key])
    return [(THEMES[theme], fields) for theme, fields in groups.items()]


def questionnaire_thanks_view(request, slug):
    process = _process(slug)
    return render(request, "evaluation/questionnaire_done.html", {"process": process, "thanks": True})


def indicators_public_view(request, slug):
    """``/p/<slug>/indikatoren/``: every outcome indicator with its progress, a small chart, its table and a text."""
    process = _process(slug)
    if not rules.has_perm("evaluation.view_indicators", request.user, process):
        raise NotFound()
    views = selectors.indicators_of(process=process)
    items = [{"view": view, "chart": indicator_chart(view)} for view in views]
    return render(request, "evaluation/indicators_public.html", {"process": process, "items": items})


# == the evaluation team ============================================================================================

STAFF_PERMS = (
    "evaluation.view_results",
    "evaluation.view_quality",
    "evaluation.view_notes",
    "evaluation.manage_indicators",
    "evaluation.enter_paper_responses",
)


@login_required
def mine_view(request):
    """``/verwaltung/evaluation/``: the processes whose evaluation the person reads."""
    if not selectors.has_evaluation_work(request.user):
        raise NotAllowed()
    return render(request, "evaluation/mine.html", {"processes": selectors.evaluation_processes(request.user)})


@login_required
def overview_view(request, slug):
    """``/verwaltung/p/<slug>/evaluation/``: the questionnaire's results (small-cell protected) and, for the
    evaluation team, the free texts; links to the other evaluation pages."""
    process = _staff_process(request, slug, *STAFF_PERMS)
    can = _can(request, process, *STAFF_PERMS, "evaluation.view_free_texts")
    context = {"process": process, "can": can, "answers": ANSWERS}
    if can["view_results"]:
        context["summary"] = selectors.questionnaire_summary(process=process)
    if can["view_free_texts"]:
        context["free_texts"] = selectors.free_texts(process=process)
    return _page(request, "evaluation/overview.html", context)


@login_required
def paper_entry_view(request, slug):
    """``…/evaluation/papier/``: paper questionnaires one after another ("save and next"), keyboard only."""
    process = _staff_process(request, slug, "evaluation.enter_paper_responses")
    saved_key = SAVED.format(process.pk)
    form = PaperQuestionnaireForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            response, status = _attempt(
                form,
                lambda: services.questionnaire_enter_paper(
                    user=request.user,
                    process=process,
                    answers=form.answers(),
                    free_text=form.cleaned_data["free_text"],
                    form_serial=form.cleaned_data["form_serial"],
                    language=get_language(),
                ),
            )
            if response is not None:
                request.session[saved_key] = response.form_serial or "-"
                return redirect("evaluation:paper", slug=process.slug)
        saved = None
    else:
        saved = request.session.pop(saved_key, None)
        form.fields["form_serial"].widget.attrs["autofocus"] = True
    context = {
        "process": process,
        "form": form,
        "saved": saved,
        "recent": selectors.paper_responses_recent(process=process),
        "answers": ANSWERS,
        "languages": settings.LANGUAGES,
    }
    return _page(request, "evaluation/paper_entry.html", context, status=status)


PDF_RATE = "60/h"  # as the other PDFs (docs/rate-limits.md)


@login_required
@ratelimit(key="user", rate=PDF_RATE, method="GET", block=True)
def questionnaire_pdf_view(request, slug):
    """``…/evaluation/papier/fragebogen.pdf?sprache=<language>``: the printable questionnaire in one of the site's
    languages (German without ``sprache``)."""
    process = _staff_process(request, slug, "evaluation.enter_paper_responses")
    language = request.GET.get("sprache", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        raise NotFound()
    data = questionnaire_pdf(process=process, language=language)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="fragebogen-{process.slug}-{language}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def quality_view(request, slug):
    """``…/evaluation/qualitaet/``: the ten principles × the phases, the current rating of each."""
    process = _staff_process(request, slug, "evaluation.view_quality")
    context = {
        "process": process,
        "matrix": selectors.quality_matrix(process=process),
        "can": _can(request, process, "evaluation.assess_quality"),
    }
    return _page(request, "evaluation/quality.html", context)


@login_required
def quality_phase_view(request, slug, phase):
    """``…/evaluation/qualitaet/<phase>/``: rate each principle for one phase, with a note; the history below."""
    process = _staff_process(request, slug, "evaluation.view_quality")
    found = selectors.phase_of(process=process, pk=int_or_404(phase))
    if found is None:
        raise NotFound()
    can_rate = rules.has_perm("evaluation.assess_quality", request.user, process)
    posted = None
    if request.method == "POST":
        # Each principle's form carries its key in its own prefixed hidden field.
        posted = next((item.key for item in PRINCIPLES if request.POST.get(f"{item.key}-principle") == item.key), "")
    status = 200
    if request.method == "POST" and not can_rate:
        raise NotAllowed()
    forms = {}
    for principle in PRINCIPLES:
        prefix = principle.key
        bound = request.POST if posted == principle.key else None
        forms[principle.key] = QualityRatingForm(bound, prefix=prefix, initial={"principle": principle.key})
    if posted is not None:
        form = forms.get(posted)
        if form is None:  # no principle named
            raise ApplicationError(_("Please choose one of the quality principles."))
        status = 400
        if form.is_valid():
            rating, status = _attempt(
                form,
                lambda: services.quality_rate(
                    user=request.user,
                    process=process,
                    phase=found,
                    principle=posted,
                    rating=form.cleaned_data["rating"],
                    note=form.cleaned_data["note"],
                ),
            )
            if rating is not None:
                messages.success(request, _("The rating was saved."))
                return redirect(f"{request.path}#principle-{posted}")
    matrix = selectors.quality_matrix(process=process)
    column = next(index for index, item in enumerate(matrix["phases"]) if item["id"] == found.pk)
    rows = []
    for principle, row in zip(PRINCIPLES, matrix["principles"], strict=True):
        rows.append(
            {
                "principle": principle,
                "current": row["ratings"][column],
                "form": forms[principle.key] if can_rate else None,
                "history": selectors.quality_history(process=process, phase=found, principle=principle.key),
            }
        )
    context = {"process": process, "phase": found, "rows": rows, "ratings": RATINGS}
    return _page(request, "evaluation/quality_phase.html", context, status=status)


@login_required
def notes_view(request, slug):
    """``…/evaluation/notizen/``: the evaluation team's internal notes."""
    process = _staff_process(request, slug, "evaluation.view_notes")
    can_add = rules.has_perm("evaluation.add_note", request.user, process)
    form = NoteForm(request.POST or None, process=process) if can_add else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise NotAllowed()
        status = 400
        if form.is_valid():
            note, status = _attempt(
                form,
                lambda: services.note_add(
                    user=request.user, process=process, text=form.cleaned_data["text"], phase=form.cleaned_data["phase"]
                ),
            )
            if note is not None:
                messages.success(request, _("The note was saved."))
                return redirect("evaluation:notes", slug=process.slug)
    context = {"process": process, "form": form, "notes": selectors.notes_of(process=process)}
    return _page(request, "evaluation/notes.html", context, status=status)


def _indicator_form(request, process, **kwargs):
    return IndicatorForm(
        request.POST or None, process=process, measure_choices=measure_choices(process, get_language()), **kwargs
    )


def _indicator_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "unit": data["unit"],
        "source": data["source"],
        "baseline_value": data["baseline_value"],
        "baseline_date": data["baseline_date"],
        "target_value": data["target_value"],
        "target_date": data["target_date"],
        "direction": data["direction"],
        "field_of_action": data["field_of_action"],
        "measures": list(data["measures"]),
    }


@login_required
def indicators_manage_view(request, slug):
    """``…/evaluation/indikatoren/``: the process's indicators; a coordinator adds one."""
    process = _staff_process(request, slug, "evaluation.manage_indicators")
    form = _indicator_form(request, process)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            indicator, status = _attempt(
                form, lambda: services.indicator_save(user=request.user, process=process, **_indicator_fields(form))
            )
            if indicator is not None:
                messages.success(request, _("The indicator was added."))
                return redirect("evaluation:indicator", slug=process.slug, pk=indicator.pk)
    context = {"process": process, "form": form, "views": selectors.indicators_of(process=process)}
    return _page(request, "evaluation/indicators_manage.html", context, status=status)


@login_required
def indicator_view(request, slug, pk):
    """``…/evaluation/indikatoren/<pk>/``: enter a measurement; change the indicator."""
    process = _staff_process(request, slug, "evaluation.manage_indicators")
    indicator = selectors.indicator_get(process=process, pk=int_or_404(pk))
    if indicator is None:
        raise NotFound()
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "baseline_value": indicator.baseline_value.normalize(),
        "baseline_date": indicator.baseline_date,
        "target_value": indicator.target_value.normalize(),
        "target_date": indicator.target_date,
        "direction": indicator.direction,
        "field_of_action": indicator.field_of_action_id,
        "measures": list(indicator.measures.values_list("pk", flat=True)),
    }
    measurement_form = MeasurementForm(request.POST if action == "measurement" else None, prefix="m")
    edit_form = IndicatorForm(
        request.POST if action == "indicator" else None,
        process=process,
        measure_choices=measure_choices(process, get_language()),
        initial=initial,
        prefix="i",
    )
    status = 200
    if action == "measurement":
        status = 400
        if measurement_form.is_valid():
            data = measurement_form.cleaned_data
            saved, status = _attempt(
                measurement_form,
                lambda: services.measurement_record(
                    user=request.user,
                    indicator=indicator,
                    value=data["value"],
                    measured_on=data["measured_on"],
                    note=data["note"],
                    source=data["source"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The measurement was saved."))
                return redirect("evaluation:indicator", slug=process.slug, pk=indicator.pk)
    elif action == "indicator":
        status = 400
        if edit_form.is_valid():
            saved, status = _attempt(
                edit_form,
                lambda: services.indicator_save(
                    user=request.user, process=process, indicator=indicator, **_indicator_fields(edit_form)
                ),
            )
            if saved is not None:
                messages.success(request, _("The indicator was saved."))
                return redirect("evaluation:indicator", slug=process.slug, pk=indicator.pk)
    elif action is not None:
        raise ApplicationError()
    view = next(item for item in selectors.indicators_of(process=process) if item.indicator.pk == indicator.pk)
    context = {
        "process": process,
        "view": view,
        "chart": indicator_chart(view),
        "measurement_form": measurement_form,
        "edit_form": edit_form,
    }
    return _page(request, "evaluation/indicator.html", context, status=status)


@login_required
def measurements_import_view(request, slug):
    """``…/evaluation/indikatoren/import/``: upload a CSV, see what it would change (dry run), then import it."""
    process = _staff_process(request, slug, "evaluation.manage_indicators")
    upload = MeasurementUploadForm()
    preview = None
    content = ""
    problem = ""
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("action") == "import":
            confirm = MeasurementConfirmForm(request.POST)
            if not confirm.is_valid():
                raise ApplicationError(_("Please upload the file again."))
            content = confirm.cleaned_data["content"]
            try:
                preview = services.measurements_import(user=request.user, process=process, data=content.encode())
            except MeasurementFileError as error:
                problem = error.message
            except ApplicationError as error:
                if isinstance(error, NotFound | NotAllowed):
                    raise
                preview = services.measurements_preview(user=request.user, process=process, data=content.encode())
                problem = error.message
            else:
                messages.success(
                    request,
                    _("%(count)s measurements were imported.") % {"count": preview.imported},
                )
                return redirect("evaluation:indicators", slug=process.slug)
        else:
            upload = MeasurementUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                data = upload.cleaned_data["file"].read()
                try:
                    preview = services.measurements_preview(user=request.user, process=process, data=data)
                except MeasurementFileError as error:
                    upload.add_error("file", error.message)
                else:
                    status = 200
                    content = data.decode("utf-8-sig", errors="replace") if _is_utf8(data) else data.decode("cp1252")
    context = {"process": process, "form": upload, "preview": preview, "content": content, "problem": problem}
    return _page(request, "evaluation/measurements_import.html", context, status=status)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
