"""Helpers views and templates share: applying service errors to forms, reading ids, marking up staff texts."""

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.selectors import LocalisedText
from teilhabe.core.text import sanitise_html


def list_join(items) -> str:
    """Items as one run of text with the active language's separator (Arabic and Persian write "، ")."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def apply_errors(form, error: ApplicationError) -> None:
    """Put a service's field errors onto the form's fields (or the form itself)."""
    for field, message in error.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def attempt_for_form(form, run, *, fields: dict | None = None):
    """Run a service for a valid form: (its result, None), or (None, the status) with the refusal on the form.

    A missing or forbidden object is not the form's business: those errors go on to the error page. ``fields``
    renames a service's field names to the form's."""
    try:
        return run(), None
    except ApplicationError as error:
        if isinstance(error, NotFound | NotAllowed):
            raise
        if fields:
            error.field_errors = {fields.get(name, name): message for name, message in error.field_errors.items()}
        apply_errors(form, error)
        return None, error.status_code


def int_or_404(value) -> int:
    """An id from a URL or form: anything that cannot be an id (text, 0, negative, beyond 64 bits) is a 404."""
    number = parse_id(value)
    if number is None:
        raise NotFound()
    return number


def localised_markup(text: LocalisedText, *, html: bool = False) -> SafeString:
    """A staff-written text marked with its language, and labelled when it is a machine translation.

    ``html=True`` for texts with (sanitised) markup, in a ``<div>``; else a ``<span>``.
    """
    # A text running the other way than the page (a German fallback on an Arabic page) says so with dir.
    rtl = text.language.split("-")[0] in settings.LANGUAGES_BIDI
    direction = "" if rtl == translation.get_language_bidi() else ("rtl" if rtl else "ltr")
    if html:
        body = mark_safe(sanitise_html(text.text))  # noqa: S308
        if direction:
            rendered = format_html('<div lang="{}" dir="{}">{}</div>', text.language, direction, body)
        else:
            rendered = format_html('<div lang="{}">{}</div>', text.language, body)
    elif direction:
        rendered = format_html('<span lang="{}" dir="{}">{}</span>', text.language, direction, text.text)
    else:
        rendered = format_html('<span lang="{}">{}</span>', text.language, text.text)
    if text.state == "machine":
        rendered = format_html('{} <small class="machine-label">({})</small>', rendered, _("machine translation"))
    return rendered
