"""Mixed-direction lines keep their order (each fragment isolated) and dates follow the reader's locale."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.models import Comment, Contribution

DECEMBER_FIRST = timezone.make_aware(datetime.datetime(2026, 12, 1, 15, 30))


@pytest.fixture
def dated(process, participant, coordinator):
    participant.display_name = "Erika M."
    participant.save()
    contribution = make_contribution(process, participant, title="مقترح للحي", language="ar")
    services.comment_create(contribution=contribution, user=coordinator, body="Danke")
    Contribution.objects.filter(pk=contribution.pk).update(created_at=DECEMBER_FIRST, published_at=DECEMBER_FIRST)
    Comment.objects.filter(contribution=contribution).update(created_at=DECEMBER_FIRST)
    return contribution


def get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def meta_lines(html):
    return re.findall(r'<p class="meta">(.*?)</p>', html, flags=re.S)


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_author_and_date_are_isolated_fragments(client, dated, language):
    html = get(client, reverse("contributions:detail", kwargs={"pk": dated.pk}), language)
    author_line = next(line for line in meta_lines(html) if "Erika M." in line)
    assert "<bdi>Erika M.</bdi>" in author_line
    assert re.search(r'<bdi><time datetime="2026-12-01T15:30:00[^"]*">[^<]+</time></bdi>', author_line)
    comment_header = re.search(r'<li class="comment" id="comment-\d+">\s*<p class="meta">(.*?)</p>', html).group(1)
    assert re.search(r"^<bdi>[^<]+</bdi> · <bdi><time datetime=", comment_header)
    # The Arabic title is laid out right to left whatever the page's own direction.
    assert re.search(r'<h1 id="contribution-title" lang="ar" dir="rtl">', html)

    listing = get(client, reverse("contributions:list", kwargs={"slug": dated.process.slug}), language)
    card_line = next(line for line in meta_lines(listing) if "Erika M." in line)
    assert "<bdi>Erika M.</bdi>" in card_line and "<bdi><time " in card_line
    assert '<h3 lang="ar" dir="rtl">' in listing


def test_a_german_title_on_an_arabic_page_keeps_left_to_right(client, process, participant):
    contribution = make_contribution(process, participant)
    html = get(client, reverse("contributions:detail", kwargs={"pk": contribution.pk}), "ar")
    assert '<h1 id="contribution-title" lang="de" dir="ltr">' in html


@pytest.mark.parametrize(
    ("language", "expected", "not_expected"),
    [
        ("en", "Dec. 1, 2026", "1. December 2026"),
        ("de", "1. Dezember 2026", "Dec. 1, 2026"),
        ("de-ls", "1. Dezember 2026", "Dec. 1, 2026"),
        ("tr", "01 Aralık 2026", "1. Aralık 2026"),
    ],
)
def test_dates_use_the_readers_date_format(client, dated, language, expected, not_expected):
    for url in (
        reverse("contributions:detail", kwargs={"pk": dated.pk}),
        reverse("contributions:list", kwargs={"slug": dated.process.slug}),
    ):
        html = get(client, url, language)
        assert expected in html and not_expected not in html, url


def test_comment_times_use_the_readers_format(client, dated):
    html = get(client, reverse("contributions:detail", kwargs={"pk": dated.pk}), "en")
    assert "Dec. 1, 2026, 3:30 p.m." in html
