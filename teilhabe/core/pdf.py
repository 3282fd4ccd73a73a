"""Printable documents: HTML templates rendered to tagged, accessible PDF (PDF/UA-1) by WeasyPrint.

Fonts come from the system (Debian's fonts-noto-core covers Latin, Turkish, Cyrillic, Arabic and Persian);
`make install` and .ci/run install them.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from teilhabe.core.mail import supported_language


def render_pdf(*, template: str, context: dict, language: str, title: str) -> bytes:
    # Imported here, not at start-up: WeasyPrint with Pillow and fontTools is a large part of a worker's memory,
    # and most workers never make a PDF.
    from weasyprint import HTML

    language = supported_language(language)
    with translation.override(language):
        html = render_to_string(
            template,
            {**context, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi(), "title": title},
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True)
