from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def coverage_cell(context, cell, type: str, total: bool = False):
    """One cell of the coverage matrix: its counts linking to the organisations behind it, marked when nobody of it
    has been heard. A tag, not an include: the matrix has up to 16 × 12 cells."""
    query = f"?by={context['by']}&type={type}" + ("&all=1" if total else f"&column={cell.column}")
    spoken = gettext("%(registered)s registered, %(invited)s invited, %(taking_part)s taking part") % {
        "registered": cell.registered,
        "invited": cell.invited,
        "taking_part": cell.taking_part,
    }
    gap = format_html(' <strong class="coverage-gap-label">{}</strong>', gettext("none heard")) if cell.gap else ""
    return format_html(
        '<td class="coverage-cell{}"><a href="{}">{} / {} / {}<span class="visually-hidden"> ({})</span></a>{}</td>',
        " coverage-gap" if cell.gap else "",
        context["cell_url"] + query,
        cell.registered,
        cell.invited,
        cell.taking_part,
        spoken,
        gap,
    )
