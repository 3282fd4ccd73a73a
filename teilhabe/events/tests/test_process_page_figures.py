"""The process page splits its figures by channel and says what came of the events, never stale after a result."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.contributions import services as contributions
from teilhabe.events import services
from teilhabe.events.models import EventState
from teilhabe.events.tests.organiser_support import make_event
from teilhabe.events.tests.test_organiser_results import flipcharts

pytestmark = pytest.mark.django_db


def channel_rows(html: str) -> dict[str, list[str]]:
    """The by-channel table as {channel: [contributions, supports, comments, answered]}."""
    table = re.search(r'<details class="by-channel">(.*?)</details>', html, re.S)
    assert table, "no by-channel table on the process page"
    rows = {}
    for label, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table.group(1), re.S):
        rows[label] = [cell.strip() for cell in re.findall(r"<td>([^<]*)</td>", cells)]
    return rows


def test_figures_by_channel_and_events_fresh_after_results(
    process, personas, participant, django_capture_on_commit_callbacks
):
    for number in range(3):
        another_contribution(process, participant, title=f"Online {number}")
    event = make_event(process, state=EventState.HELD, days=-1, attendance_total=30)
    client, url = Client(), reverse("processes:detail", kwargs={"slug": process.slug})
    before = channel_rows(client.get(url).content.decode())
    online, workshop = gettext("Online"), gettext("Workshop")
    assert before[online][0] == "3" and workshop not in before
    with django_capture_on_commit_callbacks(execute=True):
        services.event_results_enter(user=personas["coordinator"], event=event, results=flipcharts(process, count=4))
    html = client.get(url).content.decode()
    after = channel_rows(html)
    assert after[online][0] == "3"
    assert after[workshop][:3] == ["4", "0", "0"]
    assert "30" in re.search(r'<p class="figures-events">(.*?)</p>', html, re.S).group(1)


def test_supports_counted_at_an_event_show_as_a_part_of_the_total(
    process, personas, participant, django_capture_on_commit_callbacks
):
    contribution = another_contribution(process, participant, title="Online")
    event = make_event(process, state=EventState.HELD, days=-1, attendance_total=30)
    client, url = Client(), reverse("processes:detail", kwargs={"slug": process.slug})
    assert 'class="figure-parts"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        contributions.support_add(contribution=contribution, user=personas["coordinator"])
        contributions.analog_supports_enter(user=personas["coordinator"], event=event, counts={contribution.pk: 12})
    html = client.get(url).content.decode()
    assert "<strong>13</strong>" in html
    parts = re.search(r'<span class="figure-parts">(.*?)</span>', html, re.S).group(1)
    assert "1" in parts and "12" in parts
