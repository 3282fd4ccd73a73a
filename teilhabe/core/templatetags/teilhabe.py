from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from teilhabe.core.text import sanitise_html

register = template.Library()


@register.filter
def sanitised(value):
    """Staff-written markup, cleaned by nh3 to the allowed tags."""
    return mark_safe(sanitise_html(value))  # noqa: S308 - nh3 has removed everything unsafe


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


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
