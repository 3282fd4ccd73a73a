"""Template tags of events: ``{% next_events process %}`` for the process page, ``{% event_time event %}`` and
``{% event_features event %}`` for every place that shows an event.

The process page (``processes`` templates, rendered by ``pages``) loads this library: a template may use the tags of
an app above its own, while no Python below ``events`` imports it.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.selectors import content_translation_table, localise
from teilhabe.core.ui import list_join, localised_markup
from teilhabe.events.models import Event, EventState, Need
from teilhabe.events.selectors import (
    ACCESS_FEATURES,
    EVENTS_NAMESPACE,
    calendar_next_change,
    event_local_times,
    interpretation_language_name,
)
from teilhabe.events.selectors import next_events as upcoming_events

register = template.Library()


def _access_label(feature: str) -> str:
    # One plain gettext call per label, so that the catalogue tools find each.
    return {
        "step_free": _("Step-free access"),
        "hearing_loop": _("Hearing loop"),
        "sign_language": _("Sign language interpretation"),
        "childcare": _("Childcare"),
    }[feature]


def _day(moment) -> str:
    return list_join([formats.date_format(moment, "l"), formats.date_format(moment, "DATE_FORMAT")])


@register.simple_tag
def event_time(event):
    """When the event takes place, in the city's time, as ``<time>`` elements with machine-readable values."""
    start, end = event_local_times(event)
    if start.date() == end.date():
        return format_html(
            '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
            start.isoformat(),
            list_join([_day(start), formats.time_format(start, "TIME_FORMAT")]),
            end.isoformat(),
            formats.time_format(end, "TIME_FORMAT"),
        )
    return format_html(
        '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
        start.isoformat(),
        list_join([_day(start), formats.time_format(start, "TIME_FORMAT")]),
        end.isoformat(),
        list_join([_day(end), formats.time_format(end, "TIME_FORMAT")]),
    )


@register.simple_tag
def access_labels(event) -> list[str]:
    """The venue's and event's accessibility features as labels (step-free access, hearing loop, …)."""
    return [_access_label(feature) for feature in ACCESS_FEATURES if getattr(event, feature)]


@register.simple_tag
def event_features(event) -> list[str]:
    """What an event offers for access, as labels: its accessibility flags and its interpretation languages."""
    features = access_labels(event)
    languages = [interpretation_language_name(row.language) for row in event.languages.all()]
    if languages:
        features.append(_("Interpretation: %(languages)s") % {"languages": list_join(languages)})
    return features


@register.simple_tag(takes_context=True)
def next_events(context, process):
    """The process page's block of its next planned events (at most three), with a link to the calendar.

    Cached per language until an event of the process or a staff text changes, or the first of them ends.
    """
    request = context.get("request")
    language = translation.get_language()
    pairs = [(EVENTS_NAMESPACE, process.pk), (CONTENT_NAMESPACE, "site")]
    versions = cache_versions_many(pairs)
    moment = calendar_next_change(process.pk, versions[pairs[0]])
    key = fragment_key(
        "next-events",
        language,
        [process.pk, *(versions[pair] for pair in pairs), int(moment.timestamp()) if moment else 0],
    )

    def render(_items):
        # Whether a title in it fell back to German, apart from the rest of the page (as ``{% fragment %}`` does).
        before = getattr(request, "_translation_fell_back", False)
        if request is not None:
            request._translation_fell_back = False
        html = render_to_string(
            "events/public/_next_events.html",
            {
                "events": upcoming_events(process_id=process.pk),
                "calendar_url": reverse("events:calendar", kwargs={"slug": process.slug}),
            },
            request=request,
        )
        fell_back = getattr(request, "_translation_fell_back", False)
        if request is not None:
            request._translation_fell_back = before
        return {process.pk: (html, fell_back)}

    return cached_fragments({process.pk: key}, render, request=request)[process.pk].html


@register.simple_tag
def registration_needs(registration) -> str:
    """The support a registrant asked for, as labels in the reader's language (the door list)."""
    labels = dict(Need.choices)
    return ", ".join(str(labels.get(need, need)) for need in registration.needs)


@register.simple_tag
def interpretation_name(code: str) -> str:
    return interpretation_language_name(code)


SHOWN_STATES = (EventState.CANCELLED, EventState.HELD)


@register.simple_tag(takes_context=True)
def event_rows(context, events):
    """The calendar's rows (items of ``<ul class="cards">``), written in Python rather than a template per row:
    an emptied cache renders twenty of them per page. Each piece of the meta line is isolated (``<bdi>``); the
    title is the staff text in the reader's language (a German fallback marked, and noted on the page)."""
    language = translation.get_language()
    table = content_translation_table(Event, language)
    features_label = _("Accessibility and languages")
    # Cancelled and held events say so (an event marked held before its end is still among the upcoming ones).
    labels = {state: escape(label) for state, label in EventState.choices if state in SHOWN_STATES}
    rows, fell_back = [], False
    for event in events:
        title = localise(event, "title", language, table)
        fell_back = fell_back or title.is_fallback
        meta = [f"<bdi>{event_time(event)}</bdi>", f"<bdi>{escape(event.get_type_display())}</bdi>"]
        if event.district_id:
            meta.append(f"<bdi>{escape(event.district.name)}</bdi>")
        if event.venue_name:
            meta.append(f"<bdi>{escape(event.venue_name)}</bdi>")
        is_cancelled = event.state == "cancelled"
        features = "".join(f"<li>{escape(feature)}</li>" for feature in event_features(event))
        rows.append(
            f'<li class="card{" card-cancelled" if is_cancelled else ""}">\n'
            f'  <h3><a href="{escape(reverse("events:detail", kwargs={"pk": event.pk}))}">'
            f"{localised_markup(title)}</a></h3>\n"
            + (
                f'  <p class="event-state-{event.state}"><strong>{labels[event.state]}</strong></p>\n'
                if event.state in labels
                else ""
            )
            + f'  <p class="meta">{" · ".join(meta)}</p>\n'
            + (f'  <ul class="tags" aria-label="{escape(features_label)}">{features}</ul>\n' if features else "")
            + "</li>"
        )
    request = context.get("request")
    if fell_back and request is not None:
        request._translation_fell_back = True
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
