"""Template tags of the plan for staff pages of lower apps.

``{% measure_links_box contribution decision %}`` — the box "Measures this contribution led to" on the work page
of a contribution (``administration/work.html``), and ``{% plan_staff_links %}`` — the links to the measures of
a person's departments on the staff start page. A lower app's template may load a higher app's tags; no Python
in ``administration`` imports ``plan``.
"""

import rules
from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.translation import get_language

from teilhabe.plan.selectors import contribution_measure_box, staff_plan_processes

register = template.Library()


@register.simple_tag(takes_context=True)
def measure_links_box(context, contribution, decision=None):
    """The measures a contribution led to (with their status), a button to remove each link and a form to add
    links, for whoever may link (``plan.link_measures``). Nothing when the process's plan has no measures and the
    contribution no links. Read from the cache (``contribution_measure_box``): the work page asks the database
    nothing more for it."""
    language = get_language() or settings.LANGUAGE_CODE
    linked, choices = contribution_measure_box(contribution.pk, contribution.process_id, language)
    if not linked and not choices:
        return ""
    request = context.get("request")
    can_link = request is not None and rules.has_perm("plan.link_measures", request.user, contribution.process)
    # Up to a few hundred checkboxes: joined here, not by a widget template each.
    choices_html = format_html_join(
        "\n",
        '<li><input type="checkbox" name="measures" value="{}" id="measure_link_measures_{}">'
        ' <label for="measure_link_measures_{}"><bdi>{}</bdi></label></li>',
        ((pk, index, index, label) for index, (pk, label) in enumerate(choices)),
    )
    box = context.template.engine.get_template("plan/_work_measure_box.html")
    with context.push(
        box_contribution=contribution,
        box_linked=linked,
        box_choices_html=choices_html if can_link and choices else "",
        box_can_link=can_link,
        box_decision=decision,
    ):
        return box.render(context)


@register.simple_tag(takes_context=True)
def plan_staff_links(context):
    """Links to the measures of the person's departments, per process whose plan names one of them."""
    request = context.get("request")
    processes = staff_plan_processes(request.user) if request is not None else []
    if not processes:
        return ""
    box = context.template.engine.get_template("plan/_work_staff_links.html")
    with context.push(plan_processes=processes):
        return box.render(context)
