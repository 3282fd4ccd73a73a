"""Template tags that show events where lower apps' pages need them, without those apps importing events: the
organisers' workspace in the navigation and the administration's workspace, an event on its results' pages."""

from django import template
from django.template.loader import render_to_string
from django.utils import translation

from teilhabe.core.selectors import localise
from teilhabe.events.models import PUBLIC_STATES, Event
from teilhabe.events.selectors import has_event_workspace

register = template.Library()


@register.simple_tag(takes_context=True)
def event_workspace_nav(context):
    """The navigation's link to "My events", for people who plan or organise events."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_event_workspace(user):
        return ""
    return render_to_string("events/organiser/_nav_link.html", {}, request=request)


@register.simple_tag(takes_context=True)
def contribution_event(context, contribution):
    """A result's event (``Contribution.event``) as a fact of its page: a link to the event's page."""
    if not contribution.event_id:
        return ""
    event = Event.objects.filter(pk=contribution.event_id, state__in=PUBLIC_STATES).select_related("process").first()
    if event is None or not event.process.is_published:
        return ""
    title = localise(event, "title", translation.get_language())
    return render_to_string("events/organiser/_contribution_event.html", {"event": event, "title": title})
