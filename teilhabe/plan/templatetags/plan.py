"""Template tags of the plan for the pages of lower apps: ``{% contribution_measures contribution %}``.

Loaded by the answer path's timeline on a contribution's page (``administration/_timeline_section.html``): a
template may use the tags of an app above its own, while no Python of ``administration`` or ``contributions``
imports the plan.
"""

from django import template
from django.template.loader import render_to_string
from django.utils import translation

from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.plan.rendering import measure_url_maker, section_url_maker
from teilhabe.plan.selectors import PLAN_NAMESPACE, contribution_section
from teilhabe.plan.selectors import contribution_measures as measures_of

register = template.Library()


def contribution_plan_key(contribution, language: str) -> str:
    """The cache key of what the plan says about a contribution: its own version (a link to a measure, a status
    change of a linked measure bump it), the plan's (a version published: a measure's title, a section's number)
    and the site's content version (translations)."""
    pairs = [
        (CONTRIBUTION_NAMESPACE, contribution.pk),
        (PLAN_NAMESPACE, contribution.process_id),
        (CONTENT_NAMESPACE, "site"),
    ]
    versions = cache_versions_many(pairs)
    return fragment_key("plan-of-contribution", language, [contribution.pk, *(versions[pair] for pair in pairs)])


@register.simple_tag(takes_context=True)
def contribution_measures(context, contribution):
    """The section of a draft the contribution was made on, and the measures it led to with their current
    status and links: nothing when there are neither. Cached until one of them changes."""
    request = context.get("request")
    language = translation.get_language()

    def render(_items):
        section = contribution_section(contribution.pk, language)
        measures = measures_of(contribution.pk, language)
        if section is None and not measures:
            return {contribution.pk: ("", False)}
        rows = []
        for measure in measures:
            rows.append((measure, measure_url_maker(measure.process_slug)(measure.code)))
        section_url = ""
        if section is not None:
            section_url = section_url_maker(section.process_slug, section.version_number)(section.section_key)
        html = render_to_string(
            "plan/_public_contribution.html",
            {"section": section, "section_url": section_url, "measures": rows},
        )
        fell_back = section is not None and (section.section_title.is_fallback or section.version_title.is_fallback)
        return {contribution.pk: (html, fell_back)}

    key = contribution_plan_key(contribution, language)
    return cached_fragments({contribution.pk: key}, render, request=request)[contribution.pk].html
