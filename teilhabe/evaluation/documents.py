"""The printable questionnaire: one A4 page in the chosen language, tagged PDF (``core.pdf.render_pdf``), with the
answer columns numbered as the paper entry screen expects them (5 … 1, ? for "don't know") and a QR code to the
online questionnaire."""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from teilhabe.core.pdf import render_pdf
from teilhabe.core.selectors import localise
from teilhabe.evaluation.questions import ANSWERS, DONT_KNOW, FREE_TEXT_QUESTION, QUESTIONS, THEMES


def questionnaire_url(process) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("evaluation:questionnaire", kwargs={"slug": process.slug})


def questionnaire_pdf(*, process, language: str) -> bytes:
    with translation.override(language):
        title = str(translation.gettext("How was it for you?"))
    url = questionnaire_url(process)
    context = {
        "process_title": localise(process, "title", language),
        "themes": [
            (THEMES[theme], [question for question in QUESTIONS if question.theme == theme]) for theme in THEMES
        ],
        "answers": [("?" if value == DONT_KNOW else str(value), label) for value, label in ANSWERS],
        "free_text_question": FREE_TEXT_QUESTION,
        "online_url": url,
        "online_code": segno.make_qr(url, error="m").svg_data_uri(scale=1, border=4, omitsize=True),
    }
    return render_pdf(template="evaluation/questionnaire_pdf.html", context=context, language=language, title=title)
