"""``{% expert_groups_nav %}``: the navigation's link to the expert groups, for their members and the
coordinators (``templates/includes/main_nav.html``). A lower template may load a higher app's tags."""

from django import template
from django.template.loader import render_to_string

from teilhabe.plan.selectors import has_expert_group_work

register = template.Library()


@register.simple_tag(takes_context=True)
def expert_groups_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_expert_group_work(user):
        return ""
    return render_to_string("plan/_group_nav_link.html", {}, request=request)
