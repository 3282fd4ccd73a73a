"""What pages show of contributions, as HTML written in Python: cards (cached per contribution, language and
version) and the comment threads of a contribution's page.

A card's key names every version of what it shows: the contribution's own (bumped by every service that
changes it, its supports and comments included) and the site's content version (staff texts such as the
fields of action's names, display names). The next request after a change renders the card afresh.

A card is written by ``card_html`` in Python from the display values a selector prepared (``ContributionCard``:
translated labels, plural texts, the date in the reader's format): twenty cards of a page that missed the cache
cost a fifth of what twenty template renderings did; so do the dozens of comments of a long discussion
(``thread_html``, from ``CommentView``s). Every value is escaped as the template language would (``html.escape``,
which Django's ``escape`` uses); translated texts are taken as they are, as ``{% translate %}`` does.
"""

from html import escape

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from teilhabe.contributions.models import COMMENT_MAX, Status
from teilhabe.contributions.selectors import (
    CONTRIBUTION_NAMESPACE,
    CommentView,
    ContributionCard,
    contribution_cards,
)
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


def thread_html(
    comments: list[CommentView],
    *,
    contribution_pk: int,
    more: bool = False,
    can_flag: bool = False,
    can_comment: bool = False,
    request=None,
) -> SafeString:
    """The threads of a contribution's discussion: top-level comments with their replies (one level deep).

    A removed comment stays as a placeholder with the reason; a comment not (yet) published, which only its author
    and the coordinators see, says its status. ``can_flag`` adds a report link to each comment, ``can_comment`` a
    reply form to each top-level one (with ``request`` for its CSRF token); ``more`` links to the whole discussion.
    """
    # Translated texts are taken as they are, as {% translate %} does; each is looked up by a plain gettext call
    # (xgettext does not look into f-strings).
    removed = gettext("Comment removed by the moderation. Reason: %(reason)s.")
    report = ""
    if can_flag:
        flag_url = escape(reverse("contributions:flag", kwargs={"pk": contribution_pk}))
        report_label = gettext("Report comment")
        report = f'<a class="meta" href="{flag_url}?comment={{pk}}">{report_label}</a>'
    reply = ""
    if can_comment:
        comment_url = escape(reverse("contributions:comment", kwargs={"pk": contribution_pk}))
        reply_label, field_label, button_label = gettext("Reply"), gettext("Your reply"), gettext("Publish reply")
        reply = (
            "<details>\n"
            f"<summary>{reply_label}</summary>\n"
            f'<form method="post" action="{comment_url}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">\n'
            '<input type="hidden" name="parent" value="{pk}">\n'
            f'<input type="hidden" name="language" value="{escape(translation.get_language()[:2])}">\n'
            f'<label for="reply-{{pk}}">{field_label}</label>\n'
            f'<textarea id="reply-{{pk}}" name="body" rows="3" maxlength="{COMMENT_MAX}" required></textarea>\n'
            f'<button type="submit">{button_label}</button>\n'
            "</form>\n"
            "</details>\n"
        )
    parts = []

    def write(comment: CommentView) -> None:
        parts.append(f'<li class="comment" id="comment-{comment.pk}">\n')
        if comment.status == Status.REMOVED:
            text = removed % {"reason": escape(comment.removal_reason)}
            parts.append(f'<p class="placeholder">{text}</p>\n')
        else:
            status = "" if comment.status == Status.PUBLISHED else f" · <bdi>{escape(comment.status_label)}</bdi>"
            parts.append(
                f'<p class="meta"><bdi>{escape(comment.author_name)}</bdi> · <bdi><time '
                f'datetime="{escape(comment.created_iso)}">{escape(comment.created_text)}</time></bdi>{status}</p>\n'
                f'<div class="user-text" lang="{escape(comment.language)}" dir="auto">{escape(comment.body)}</div>\n'
            )
            if report:
                parts.append(report.replace("{pk}", str(comment.pk)) + "\n")
            if reply and not comment.parent_id:
                parts.append(reply.replace("{pk}", str(comment.pk)))
        if comment.replies:
            parts.append('<ul class="replies">\n')
            for answer in comment.replies:
                write(answer)
            parts.append("</ul>\n")
        parts.append("</li>\n")

    parts.append('<ul class="comments">\n')
    for comment in comments:
        write(comment)
    parts.append("</ul>\n")
    if more:
        more_label = gettext("Show all comments")
        parts.append(f'<p><a href="?kommentare=alle#comments">{more_label}</a></p>\n')
    return mark_safe("".join(parts))  # noqa: S308 - every value in it is escaped
