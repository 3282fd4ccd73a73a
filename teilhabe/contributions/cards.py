"""Contribution cards as HTML fragments, cached per contribution, language and version.

A card's key names every version of what it shows: the contribution's own (bumped by every service that
changes it, its supports and comments included) and the site's content version (staff texts such as the
fields of action's names, display names). The next request after a change renders the card afresh.

A card is written by ``card_html`` in Python from the display values a selector prepared (``ContributionCard``:
translated labels, plural texts, the date in the reader's format): twenty cards of a page that missed the cache
cost a fifth of what twenty template renderings did. Every value is escaped as the template language would.
"""

from html import escape

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE, ContributionCard, contribution_cards
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import Fragment, cached_fragments, fragment_key
from teilhabe.core.ui import localised_markup


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
        fields_label = gettext("Fields of action")
        return {
            card.pk: (card_html(card, fields_label), any(field.is_fallback for field in card.fields))
            for card in contribution_cards(missing, process=process)
        }

    fragments = cached_fragments(keys, render, request=request)
    return [fragments[pk] for pk in ids if pk in fragments]


def card_html(card: ContributionCard, fields_label: str) -> SafeString:
    """One card of a list (an item of ``<ul class="cards">``).

    The title carries the contribution's language and direction; each piece of the meta line is isolated
    (``<bdi>``) so that names and dates in another script keep their order; the fields of action are a list
    labelled for screen readers, each marked with the language it is shown in.
    """
    meta = [f'<bdi><time datetime="{escape(card.created_iso)}">{escape(card.created_text)}</time></bdi>']
    if card.byline:
        meta.append(f"<bdi>{escape(card.byline)}</bdi>")
    meta.append(f"<bdi>{escape(card.channel)}</bdi>")
    if card.district:
        meta.append(f"<bdi>{escape(card.district)}</bdi>")
    meta.append(f"<bdi>{escape(card.language_name)}</bdi>")
    fields = "".join(f"<li>{localised_markup(field)}</li>" for field in card.fields)
    return mark_safe(  # noqa: S308 - every value above is escaped
        '<li class="card">\n'
        f'  <h3 lang="{escape(card.language)}" dir="{escape(card.direction)}">'
        f'<a href="{escape(card.url)}">{escape(card.title)}</a></h3>\n'
        f'  <p class="meta">{" · ".join(meta)}</p>\n'
        f'  <ul class="tags" aria-label="{escape(fields_label)}">{fields}</ul>\n'
        f'  <p class="meta">{escape(card.supports_text)} · {escape(card.comments_text)}</p>\n'
        "</li>"
    )
