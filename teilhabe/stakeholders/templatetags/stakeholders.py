from django import template
from django.conf import settings
from django.utils.translation import gettext

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The name of one of the site's languages, in the reader's language."""
    names = dict(settings.LANGUAGES)
    return gettext(names[code]) if code in names else code
