"""Contribution cards as HTML fragments, cached per contribution, language and version.

A card's key names every version of what it shows: the contribution's own (bumped by every service that
changes it, its supports and comments included) and the site's content version (staff texts such as the
fields of action's names, display names). The next request after a change renders the card afresh.
"""

from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext

from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE, contribution_cards
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import Fragment, cached_fragments, fragment_key


def contribution_versions(ids) -> dict[int, tuple]:
    """Per contribution, the versions of what a fragment of it shows: its own and the site's content version
    (staff texts and public names), read in one round trip."""
    versions = cache_versions_many([(CONTRIBUTION_NAMESPACE, pk) for pk in ids] + [(CONTENT_NAMESPACE, "site")])
    content = versions[(CONTENT_NAMESPACE, "site")]
    return {pk: (versions[(CONTRIBUTION_NAMESPACE, pk)], content) for pk in ids}


def contribution_card_fragments(ids, *, process, request=None) -> list[Fragment]:
    """The cards of ``ids`` in the active language, in that order (ids that are gone are left out)."""
    ids = list(ids)
    language = translation.get_language()
    parts = contribution_versions(ids)
    keys = {pk: fragment_key("card", language, [pk, *parts[pk]]) for pk in ids}

    def render(missing):
        template = get_template("contributions/_card.html")
        context = {"fields_label": gettext("Fields of action")}
        return {
            card.pk: (template.render({**context, "card": card}), any(field.is_fallback for field in card.fields))
            for card in contribution_cards(missing, process=process)
        }

    fragments = cached_fragments(keys, render, request=request)
    return [fragments[pk] for pk in ids if pk in fragments]
