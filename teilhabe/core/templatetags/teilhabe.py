from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from teilhabe.core.machine_translation import machine_translation_enabled
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.core.text import sanitise_html

register = template.Library()


def _table(context, model, language):
    # One query per model and language per request, however many objects a page shows.
    request = context.get("request")
    cache = getattr(request, "_content_translations", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._content_translations = cache
    key = (model, language)
    if key not in cache:
        cache[key] = content_translation_table(model, language)
    return cache[key]


@register.simple_tag(takes_context=True)
def localised(context, obj, field, html=False, plain=False):
    """A staff-written text in the reader's language, marked with its language and state.

    Falls back to German (marked lang="de"); the page then shows one note in the reader's language.
    ``plain=True`` gives the bare text, for places that cannot hold markup such as ``<title>``.
    """
    language = translation.get_language()
    text = localise(obj, field, language, _table(context, type(obj), language))
    if text.is_fallback:
        request = context.get("request")
        if request is not None:
            request._translation_fell_back = True
    if plain:
        return text.text
    body = sanitise_html(text.text) if html else text.text
    tag = "div" if html else "span"
    rendered = format_html('<{} lang="{}">{}</{}>', tag, text.language, mark_safe(body) if html else body, tag)  # noqa: S308
    if text.state == "machine":
        rendered = format_html('{} <small class="machine-label">({})</small>', rendered, _("machine translation"))
    return rendered


@register.simple_tag(takes_context=True)
def fallback_note(context):
    """After the content: one note when some staff texts were not available in the reader's language."""
    request = context.get("request")
    if not getattr(request, "_translation_fell_back", False):
        return ""
    return format_html(
        '<p class="fallback-note">{}</p>',
        _("Some texts on this page are not yet available in your language and are shown in German."),
    )


@register.simple_tag
def active_filter_count(form, ignore=("sort", "page")):
    """How many of a filter form's fields the request sets (sorting and paging are not filters)."""
    if not form.is_bound:
        return 0
    return sum(1 for name in form.fields if name not in ignore and form.data.get(name, "").strip())


@register.simple_tag
def machine_translation_available():
    """Whether contributions can be machine-translated here (pages promise it only then)."""
    return machine_translation_enabled()


@register.simple_tag
def phase_allowances(phase):
    allowed = [
        label
        for flag, label in (
            (phase.allows_contribute, _("contributions")),
            (phase.allows_comment, _("comments")),
            (phase.allows_support, _("supports")),
        )
        if flag
    ]
    if not allowed:
        return _("Reading only")
    return _("Open for: %(list)s") % {"list": ", ".join(allowed)}
