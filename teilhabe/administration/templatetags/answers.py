"""Template tags of the answer path for public pages: ``{% contribution_timeline contribution %}``.

Loaded by the contributions templates (``{% load answers %}``): a template may use the tags of an app above its
own, while the Python of ``contributions`` never imports ``administration``.
"""

from django import template
from django.template.loader import render_to_string
from django.utils import translation

from teilhabe.administration.selectors import contribution_timeline as timeline_of
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import cached_fragments, fragment_key

register = template.Library()


def timeline_key(contribution_id: int, language: str) -> str:
    """The cache key of a contribution's timeline: the services bump the contribution's version at every public
    step (routing, a published statement, a decision, a translation of either), the content version at every
    change of a staff text (a department's name, translations)."""
    versions = cache_versions_many([(CONTRIBUTION_NAMESPACE, contribution_id), (CONTENT_NAMESPACE, "site")])
    return fragment_key("timeline", language, [contribution_id, *versions.values()])


@register.simple_tag(takes_context=True)
def contribution_timeline(context, contribution):
    """The section "What happened to my contribution": its public steps from the cache (rendered afresh after
    every public step), and below them, never cached, what the reader may do (the notification opt-in)."""
    request = context.get("request")
    language = translation.get_language()

    def render(_items):
        timeline = timeline_of(contribution, language)
        html = render_to_string("administration/_timeline.html", {"timeline": timeline})
        return {contribution.pk: (html, timeline.fell_back)}

    steps = cached_fragments({contribution.pk: timeline_key(contribution.pk, language)}, render, request=request)
    section = context.template.engine.get_template("administration/_timeline_section.html")
    with context.push(timeline_html=steps[contribution.pk].html):
        return section.render(context)
