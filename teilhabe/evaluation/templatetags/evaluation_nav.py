"""``{% evaluation_nav %}``: the navigation's link to the evaluation, for evaluators, coordinators and committee
members (``templates/includes/main_nav.html``). A lower template may load a higher app's tags."""

from django import template
from django.template.loader import render_to_string

from teilhabe.evaluation.selectors import has_evaluation_work

register = template.Library()


@register.simple_tag(takes_context=True)
def evaluation_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_evaluation_work(user):
        return ""
    return render_to_string("evaluation/_nav_link.html", {}, request=request)
