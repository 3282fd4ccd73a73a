"""Display helpers of the ideas competition's templates."""

from django import template

from teilhabe.competitions.selectors import euro as euro_text

register = template.Library()


@register.filter
def euro(value) -> str:
    """An amount in euros with two decimals, grouped as the page's language writes numbers ("1.250,50 €")."""
    if value is None or value == "":
        return ""
    return euro_text(value)
