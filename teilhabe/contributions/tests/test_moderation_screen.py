"""The moderation screen: open reports counted as listed, fitting decisions, the process title in the
reader's language (issue 6, point 11)."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from teilhabe.conftest import make_contribution, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import Flag, Status
from teilhabe.core.errors import Conflict, NotAllowed
from teilhabe.core.models import AuditEntry, ContentTranslation
from teilhabe.processes.models import Process, ProcessMembership, ProcessRole


def queue_url(process):
    return reverse("contributions:moderation", kwargs={"slug": process.slug})


def cards(html: str) -> list[str]:
    return html.split('<li class="card">')[1:]


def pre_process_coordinated_by(city, user):
    process = make_process(city, slug="vorab", moderation="pre")
    ProcessMembership.objects.create(process=process, user=user, role=ProcessRole.COORDINATOR)
    return process


def card_of(html: str, text: str) -> str:
    (card,) = [card for card in cards(html) if text in card]
    return card


@pytest.fixture
def reported(contribution, personas):
    """A published contribution reported once, with a reported comment of its own."""
    services.flag_create(contribution=contribution, user=personas["evaluator"], reason="advertising", note="REASON-A")
    comment = services.comment_create(contribution=contribution, user=personas["jury_member"], body="Kommentar K")
    for reporter, note in [("evaluator", "REASON-B"), ("department_staff", "REASON-C")]:
        services.flag_create(
            contribution=contribution, user=personas[reporter], reason="insulting", note=note, comment=comment
        )
    return contribution, comment


def test_each_item_lists_and_counts_only_its_own_open_reports(client, coordinator, reported):
    contribution, comment = reported
    client.cookies["django_language"] = "en"
    client.force_login(coordinator)
    html = client.get(queue_url(contribution.process)).content.decode()
    own = card_of(html, contribution.body[:40])
    assert "1 open report" in own and "REASON-A" in own
    assert "REASON-B" not in own and "REASON-C" not in own  # the comment's reports belong to the comment's card
    comment_card = card_of(html, "Kommentar K")
    assert "2 open reports" in comment_card and "REASON-B" in comment_card and "REASON-C" in comment_card


def test_resolved_reports_are_neither_listed_nor_counted(client, coordinator, personas, reported):
    contribution, _comment = reported
    services.flags_dismiss(user=coordinator, contribution=contribution)
    services.flag_create(contribution=contribution, user=personas["jury_member"], reason="other", note="REASON-D")
    client.cookies["django_language"] = "en"
    client.force_login(coordinator)
    own = card_of(client.get(queue_url(contribution.process)).content.decode(), contribution.body[:40])
    assert "1 open report" in own and "REASON-D" in own and "REASON-A" not in own


def test_published_items_are_kept_not_published_again(client, coordinator, personas, city, reported):
    contribution, comment = reported
    client.force_login(coordinator)
    html = client.get(queue_url(contribution.process)).content.decode()
    for card in (card_of(html, contribution.body[:40]), card_of(html, "Kommentar K")):
        assert 'value="keep"' in card and 'value="publish"' not in card and 'value="remove"' in card
    pre = pre_process_coordinated_by(city, coordinator)
    waiting = make_contribution(pre, personas["participant"], body="Wartet auf Freigabe W")
    html = client.get(queue_url(pre)).content.decode()
    card = card_of(html, "Wartet auf Freigabe W")
    assert 'value="publish"' in card and 'value="keep"' not in card
    assert waiting.status == Status.IN_MODERATION


@pytest.mark.parametrize("kind", ["contribution", "comment"])
def test_keeping_an_item_closes_its_reports_and_leaves_it_published(client, coordinator, reported, kind):
    contribution, comment = reported
    item = contribution if kind == "contribution" else comment
    client.force_login(coordinator)
    response = client.post(queue_url(contribution.process), {"kind": kind, "target": item.pk, "decision": "keep"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.open_flag_count == 0
    own_flags = Flag.objects.filter(comment=comment) if kind == "comment" else Flag.objects.filter(comment=None)
    assert not own_flags.filter(resolved_at=None).exists()
    assert all(flag.resolved_by_id == coordinator.pk for flag in own_flags)
    others = Flag.objects.filter(comment=None) if kind == "comment" else Flag.objects.filter(comment=comment)
    assert others.filter(resolved_at=None).exists()  # the other item's reports stay open
    entry = AuditEntry.objects.filter(action="flags.dismissed").get()
    assert entry.data["flags"] == own_flags.count()


def test_only_published_items_can_be_kept(city, personas):
    coordinator = personas["coordinator"]
    pre = pre_process_coordinated_by(city, coordinator)
    waiting = make_contribution(pre, personas["participant"])
    with pytest.raises(Conflict):
        services.flags_dismiss(user=type(coordinator).objects.get(pk=coordinator.pk), contribution=waiting)
    with pytest.raises(NotAllowed):
        services.flags_dismiss(user=personas["participant"], contribution=waiting)


def test_the_process_title_is_shown_in_the_readers_language(client, coordinator, process):
    ContentTranslation.objects.create(
        content_type=ContentType.objects.get_for_model(Process),
        object_id=process.pk,
        field="title",
        language="en",
        text="Integration plan in English",
    )
    client.cookies["django_language"] = "en"
    client.force_login(coordinator)
    html = client.get(queue_url(process)).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Integration plan in English" in title and "<span" not in title
    main = html.split('id="main"', 1)[1]
    assert '<span lang="en">Integration plan in English</span>' in main
    assert process.title not in main
