"""The printed documents: the A4 participation form (one page per sheet, each with its serial) and the poster.

Texts of the process come in the sheet's language where a translation exists (``core.selectors.localise``),
else in German, marked ``lang="de"``. The QR codes are SVG (segno): one to the process's online form (the same on
every sheet, so WeasyPrint loads it once), one per sheet holding only its serial (a Micro QR code).
"""

from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from teilhabe.core.selectors import LocalisedText, localise
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.serials import serial_format
from teilhabe.processes.selectors import phase_current

# What fits on one A4 page at 12 pt; longer texts are cut (with "…"), longer lists leave a line to write on.
QUESTION_CHARS = 360
POSTER_TEXT_CHARS = 700
FIELDS_MAX = 11
DISTRICTS_MAX = 14


@dataclass(frozen=True)
class Sheet:
    serial: str
    code: str  # data URI of the serial's Micro QR code (SVG)


def online_form_url(process) -> str:
    """The absolute address of the process's online contribution form (what the sheet's QR code holds)."""
    return settings.SITE_URL.rstrip("/") + reverse("contributions:create", kwargs={"slug": process.slug})


def process_url(process) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("pages:detail", kwargs={"slug": process.slug})


def qr_data_uri(text: str, *, micro: bool = False) -> str:
    # Error correction M; the serial's code is a Micro QR code (no larger than needed for 12 characters).
    code = segno.make(text, error="m", micro=micro) if micro else segno.make_qr(text, error="m")
    return code.svg_data_uri(scale=1, border=2 if micro else 4, omitsize=True)


def _columns(items: list, count: int = 3) -> list[list]:
    """``items`` in ``count`` columns, filled top to bottom (the last column one shorter when they do not divide)."""
    rows = -(-len(items) // count) if items else 0
    return [items[start : start + rows] for start in range(0, len(items), rows)] if rows else []


def _cut(text: LocalisedText, limit: int) -> LocalisedText:
    return LocalisedText(Truncator(text.text).chars(limit), text.language, text.state)


def document_context(*, process, language: str, kind: str, event=None, place: str = "") -> dict:
    """What both documents show: the process's texts in ``language``, the question of the current phase, the
    fields of action and districts to tick, the online form's address and QR code."""
    phase = phase_current(process)
    question = None
    if phase is not None and phase.description.strip():
        question = localise(phase, "description", language)
    if question is None or not question.text.strip():
        question = localise(process, "summary", language)
    fields = list(process.fields_of_action.order_by("order", "pk"))
    districts = list(process.city.districts.order_by("number"))
    url = online_form_url(process)
    limit = POSTER_TEXT_CHARS if kind == PrintKind.POSTER else QUESTION_CHARS
    return {
        "process": process,
        "process_title": localise(process, "title", language),
        "summary": _cut(localise(process, "summary", language), POSTER_TEXT_CHARS),
        "offline": _cut(localise(process, "how_to_take_part_offline", language), POSTER_TEXT_CHARS),
        "phase_name": localise(phase, "name", language) if phase is not None else None,
        "phase": phase,
        "question": _cut(question, limit),
        "fields": _columns([localise(field, "name", language) for field in fields[:FIELDS_MAX]]),
        "fields_cut": len(fields) > FIELDS_MAX,
        "districts": _columns([district.name for district in districts[:DISTRICTS_MAX]]) or [[]],
        "districts_cut": len(districts) > DISTRICTS_MAX,
        "online_url": url,
        "online_code": qr_data_uri(url),
        "event": event,
        "place": place,
    }


def sheets_of(run: PrintRun):
    for number in range(run.first_number, run.first_number + run.count):
        serial = serial_format(process_id=run.process_id, number=number)
        yield Sheet(serial=serial, code=qr_data_uri(serial, micro=True))


# Sheets laid out per WeasyPrint document: its layout time grows faster than its pages, so a run is laid out in
# chunks and their pages are written as one PDF.
CHUNK_SHEETS = 25


def _document_parts(run: PrintRun) -> tuple[str, dict, str]:
    context = document_context(
        process=run.process, language=run.language, kind=run.kind, event=run.event, place=run.place
    )
    template = "paper/poster_pdf.html" if run.kind == PrintKind.POSTER else "paper/form_pdf.html"
    return template, context, context["process_title"].text


def _html(template: str, context: dict, *, language: str, title: str) -> str:
    with translation.override(language):
        return render_to_string(
            template,
            {
                **context,
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
                "title": title,
            },
        )


def _chunks(run: PrintRun, context: dict):
    if run.kind == PrintKind.POSTER:
        yield {**context, "copies": range(run.count)}
        return
    sheets = list(sheets_of(run))
    for start in range(0, len(sheets), CHUNK_SHEETS):
        yield {**context, "sheets": sheets[start : start + CHUNK_SHEETS]}


def print_run_pdf(run: PrintRun) -> bytes:
    """The run's document as a tagged PDF (PDF/UA-1, like ``core.pdf.render_pdf``) in its language: ``count``
    form sheets, or ``count`` posters."""
    # Imported here, not at start-up (see core.pdf).
    from weasyprint import HTML

    template, context, title = _document_parts(run)
    documents = [
        HTML(string=_html(template, part, language=run.language, title=title), base_url=str(settings.BASE_DIR)).render(
            pdf_tags=True
        )
        for part in _chunks(run, context)
    ]
    combined = documents[0].copy([page for document in documents for page in document.pages])
    return combined.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True)


def print_run_html(run: PrintRun) -> str:
    """The HTML of the run's first chunk as ``print_run_pdf`` gives it to WeasyPrint (tests, a look in a browser)."""
    template, context, title = _document_parts(run)
    return _html(template, next(_chunks(run, context)), language=run.language, title=title)


def print_run_filename(run: PrintRun) -> str:
    what = "plakat" if run.kind == PrintKind.POSTER else "formulare"
    return f"{run.process.slug}-{what}-{run.language}-{run.pk}.pdf"
