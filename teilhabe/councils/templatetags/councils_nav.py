"""``{% councils_nav %}``: the navigation's link to the district integration councils' workspace, for their members
and the coordinators (``templates/includes/main_nav.html``). A lower template may load a higher app's tags."""

from django import template
from django.template.loader import render_to_string

from teilhabe.councils.selectors import has_council_work

register = template.Library()


@register.simple_tag(takes_context=True)
def councils_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_council_work(user):
        return ""
    return render_to_string("councils/_nav_link.html", {}, request=request)
