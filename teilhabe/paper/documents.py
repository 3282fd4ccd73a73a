"""The printed documents: the A4 participation form (one page per sheet, each with its serial) and the poster.

Texts of the process come in the sheet's language where a translation exists (``core.selectors.localise``),
else in German, marked ``lang="de"``. The QR codes are SVG (segno): one to the process's online form (the same on
every sheet), one per sheet holding only its serial (a Micro QR code, PNG).
"""

import copy
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from teilhabe.core.selectors import LocalisedText, localise
from teilhabe.core.ui import localised_markup
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


def qr_data_uri(text: str) -> str:
    """A QR code (error correction M) as an SVG data URI, drawn as vectors: sharp at any printer resolution."""
    return segno.make_qr(text, error="m").svg_data_uri(scale=1, border=4, omitsize=True)


def _columns(items: list, count: int = 3) -> list[list]:
    """``items`` in ``count`` columns, filled top to bottom (the last column one shorter when they do not divide)."""
    rows = -(-len(items) // count) if items else 0
    return [items[start : start + rows] for start in range(0, len(items), rows)] if rows else []


def serial_code_uri(serial: str) -> str:
    """The sheet's serial as a Micro QR code, a PNG of whole pixels per module (drawn without smoothing): each
    sheet has its own, and WeasyPrint draws a small PNG much faster than an SVG."""
    return segno.make(serial, error="m", micro=True).png_data_uri(scale=8, border=2)


def _offline(text: LocalisedText):
    """How to take part offline: staff-written HTML (sanitised), cut to what fits on the poster."""
    if not text.text.strip():
        return ""
    cut = LocalisedText(Truncator(text.text).chars(POSTER_TEXT_CHARS, html=True), text.language, text.state)
    return localised_markup(cut, html=True)


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
        "offline": _offline(localise(process, "how_to_take_part_offline", language)),
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
        yield Sheet(serial=serial, code=serial_code_uri(serial))


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


def _first_page(template: str, context: dict, *, run: PrintRun, title: str):
    # Imported here, not at start-up (see core.pdf).
    from weasyprint import HTML

    html = _html(template, context, language=run.language, title=title)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_tags=True)
    if len(document.pages) != 1:
        raise RuntimeError(f"A sheet of print run {run.pk} takes {len(document.pages)} pages instead of one.")
    return document


def _page_references_cached(pdf) -> tuple:
    """``pydyf.PDF.page_references``, computed once per number of pages.

    pydyf builds the tuple of all page references anew on every access, and WeasyPrint's tagging asks for it once
    per tagged element, so writing a tagged PDF takes time growing with the square of its pages (for 500 sheets,
    about a third of the whole). Pages are only ever appended (``PDF.add_page``), so the tuple of the same number of
    pages is the same tuple.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_teilhabe_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_teilhabe_page_references"] = cached
    return cached[1]


def _pydyf_page_references_once() -> None:
    import pydyf

    if getattr(pydyf.PDF.page_references, "fget", None) is not _page_references_cached:
        pydyf.PDF.page_references = property(_page_references_cached)


def _write(document, pages) -> bytes:
    # Tagged and accessible like every PDF of the platform (core.pdf.render_pdf).
    _pydyf_page_references_once()
    return document.copy(pages).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True)


def _code_images(sheets: list[Sheet]) -> list:
    """WeasyPrint's images of the sheets' serial codes, in order: one small document of images only, so that
    WeasyPrint loads them all in one go."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import InlineReplacedBox

    images = "".join(f'<img src="{sheet.code}" alt="">' for sheet in sheets)
    document = HTML(string=f"<!DOCTYPE html><html><body>{images}</body></html>").render()
    return [
        box.replacement
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, InlineReplacedBox)
    ]


def _stamped(page_box, *, first: str, sheet: Sheet, image):
    """A copy of the first sheet's laid-out page with another sheet's serial and code.

    The serial is set in a monospaced font and always has the same length within a run, so the layout does not
    change; the text is shaped again when the page is drawn (WeasyPrint's text layouts are re-activated then).
    """
    from weasyprint.document import Page
    from weasyprint.formatting_structure.boxes import InlineReplacedBox, TextBox

    box = page_box.deepcopy()
    stamped = 0
    for child in box.descendants():
        if isinstance(child, TextBox) and child.text == first:
            layout = copy.copy(child.pango_layout)
            layout.text = sheet.serial
            child.text, child.pango_layout = sheet.serial, layout
            stamped += 1
        elif isinstance(child, InlineReplacedBox) and "serial-code" in (child.element.get("class") or ""):
            child.replacement = image
            stamped += 1
    if stamped != 2:
        raise RuntimeError(f"The sheet's serial and code were not found in its layout ({stamped} of 2).")
    return Page(box)


def print_run_pdf(run: PrintRun) -> bytes:
    """The run's document as a tagged PDF (PDF/UA-1) in its language: ``count`` form sheets, or ``count`` posters.

    All sheets of a run look the same except for their serial and its code, and WeasyPrint lays a sheet out in
    about a tenth of a second, so the first sheet is laid out once and every other page is a copy of its layout
    with its own serial and code (500 sheets in well under a minute instead of several; see
    docs/paper-forms.md). Copies of a poster are the same page.
    """
    template, context, title = _document_parts(run)
    if run.kind == PrintKind.POSTER:
        document = _first_page(template, {**context, "copies": range(1)}, run=run, title=title)
        return _write(document, document.pages * run.count)
    sheets = list(sheets_of(run))
    document = _first_page(template, {**context, "sheets": sheets[:1]}, run=run, title=title)
    if len(sheets) == 1:
        return _write(document, document.pages)
    page_box = document.pages[0]._page_box
    images = _code_images(sheets[1:])
    pages = [document.pages[0]] + [
        _stamped(page_box, first=sheets[0].serial, sheet=sheet, image=image)
        for sheet, image in zip(sheets[1:], images, strict=True)
    ]
    return _write(document, pages)


def print_run_html(run: PrintRun) -> str:
    """The HTML of the run's first sheet (or poster) as ``print_run_pdf`` gives it to WeasyPrint."""
    template, context, title = _document_parts(run)
    part = {"copies": range(1)} if run.kind == PrintKind.POSTER else {"sheets": list(sheets_of(run))[:1]}
    return _html(template, {**context, **part}, language=run.language, title=title)


def print_run_filename(run: PrintRun) -> str:
    what = "plakat" if run.kind == PrintKind.POSTER else "formulare"
    return f"{run.process.slug}-{what}-{run.language}-{run.pk}.pdf"
