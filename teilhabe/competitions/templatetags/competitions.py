"""Display helpers of the ideas competition's templates."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def euro(value) -> str:
    """An amount in euros with two decimals, grouped as the page's language writes numbers ("1.250,50 €")."""
    if value is None or value == "":
        return ""
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True) + "\u00a0€"
