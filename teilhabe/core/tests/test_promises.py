"""Pages promise only what the platform does: none of the sentences that once promised answers before they
existed (routing and answers now show as they happen, in a contribution's timeline), and machine translation
only when a translation service is configured."""

import re

import pytest
from django.urls import reverse

from teilhabe.conftest import make_contribution

# Sentences these pages used to carry although nothing behind them existed.
BROKEN_PROMISES = [
    "pass it to the responsible department",
    "whose answer will appear here",
    "passed to the administration",
    "what the answer was",
    "the results are entered here by the coordinators",
    "their statements appear here too",
]


def english_text(client, url):
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def urls(process, participant):
    contribution = make_contribution(process, participant)
    return [
        reverse("core:how_to"),
        reverse("core:accessibility"),
        reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        reverse("processes:detail", kwargs={"slug": process.slug}),
    ]


def test_no_page_promises_forwarding_or_answers(client, urls):
    for url in urls:
        text = english_text(client, url)
        found = [phrase for phrase in BROKEN_PROMISES if phrase in text]
        assert found == [], url


def test_without_a_translation_service_no_page_mentions_machine_translation(client, settings, urls):
    settings.MT_BACKEND, settings.MT_URL = "", ""
    for url in urls:
        assert "machine" not in english_text(client, url).lower(), url


def test_with_a_translation_service_the_accessibility_statement_says_how_it_is_marked(client, settings):
    settings.MT_BACKEND, settings.MT_URL = "libretranslate", "http://127.0.0.1:9/"
    text = english_text(client, reverse("core:accessibility"))
    assert "translated by machine on request" in text


def test_the_contribution_page_says_what_comes_next_only_while_it_is_moderated(client, city, participant):
    from teilhabe.conftest import make_process

    process = make_process(city, slug="pre", moderation="pre")
    contribution = make_contribution(process, participant)
    client.force_login(participant)
    text = english_text(client, reverse("contributions:detail", kwargs={"pk": contribution.pk}))
    assert "Next: the moderation checks it; then it is published here." in text
