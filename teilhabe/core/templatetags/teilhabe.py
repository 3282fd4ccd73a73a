from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.machine_translation import machine_translation_enabled
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.core.ui import list_join, localised_markup

register = template.Library()


def _table(context, model, language):
    # One query per model and language per request, however many objects a page shows.
    request = context.get("request")
    tables = getattr(request, "_content_translations", None) if request is not None else None
    if tables is None:
        tables = {}
        if request is not None:
            request._content_translations = tables
    key = (model, language)
    if key not in tables:
        tables[key] = content_translation_table(model, language)
    return tables[key]


@register.filter
def join_list(items) -> str:
    """``items`` joined with the reader's list separator (``core.ui.list_join``); escaped like any value."""
    return list_join(items)


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
    return localised_markup(text, html=html)


@register.filter
def localised_text(text):
    """A ``LocalisedText`` prepared by a selector, marked up as ``{% localised %}`` does."""
    return localised_markup(text)


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


@register.simple_tag
def select_options(field):
    """The ``<option>``s of a choice field, the bound value selected: one Python loop, not a template per option."""
    current = str(field.value() if field.value() is not None else "")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == current else "", label)  # noqa: S308 - a constant
            for value, label in field.field.choices
        ),
    )


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        request = context.get("request")
        key = fragment_key(self.name, translation.get_language(), [part.resolve(context) for part in self.parts])

        def render(_items):
            # Whether a staff text of this part fell back to German, apart from the rest of the page.
            before = getattr(request, "_translation_fell_back", False)
            if request is not None:
                request._translation_fell_back = False
            html = self.nodelist.render(context)
            fell_back = getattr(request, "_translation_fell_back", False)
            if request is not None:
                request._translation_fell_back = before
            return {None: (html, fell_back)}

        return cached_fragments({None: key}, render, request=request)[None].html


@register.tag
def fragment(parser, token):
    """``{% fragment "name" part1 part2 … %}…{% endfragment %}``: the enclosed part of a page, cached.

    The key is the name, the active language and the parts, which must name every version of what the part
    shows (e.g. ``content_version`` and a phase's id). Unlike Django's ``{% cache %}`` it also remembers whether
    a staff text in it fell back to German, so that the page's note still says so when the part comes from
    the cache.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]])
