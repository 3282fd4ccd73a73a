"""Contribution PDFs are rendered once per contribution, language and state, and the view is rate-limited
(issue 6, point G)."""

import pytest
from django.urls import reverse

from teilhabe.contributions import selectors, services
from teilhabe.contributions.views import PDF_RATE


@pytest.fixture
def renders(monkeypatch):
    """Counts the real renderer's calls (and still renders)."""
    calls = []
    real = selectors.render_pdf

    def spy(**kwargs):
        calls.append(kwargs["language"])
        return real(**kwargs)

    monkeypatch.setattr(selectors, "render_pdf", spy)
    return calls


def pdf_url(contribution):
    return reverse("contributions:pdf", kwargs={"pk": contribution.pk})


@pytest.mark.slow
def test_a_pdf_is_rendered_once_per_language_and_again_after_a_change(client, contribution, coordinator, renders):
    first = client.get(pdf_url(contribution))
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    second = client.get(pdf_url(contribution))
    assert second.content == first.content
    assert renders == ["de"]

    client.cookies["django_language"] = "tr"
    assert client.get(pdf_url(contribution)).status_code == 200
    assert renders == ["de", "tr"]

    client.cookies["django_language"] = "de"
    services.contribution_set_language(contribution=contribution, user=coordinator, language="en")
    changed = client.get(pdf_url(contribution))
    assert changed.status_code == 200 and renders == ["de", "tr", "de"]
    assert changed.content != first.content

    services.support_add(contribution=contribution, user=coordinator)  # the PDF shows the support count
    client.get(pdf_url(contribution))
    assert renders == ["de", "tr", "de", "de"]


@pytest.mark.slow
def test_a_removed_contributions_cached_pdf_is_not_served(client, contribution, coordinator, renders):
    assert client.get(pdf_url(contribution)).status_code == 200
    services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="off_topic")
    assert client.get(pdf_url(contribution)).status_code == 404
    assert renders == ["de"]


def test_the_pdf_view_is_rate_limited(client, contribution, settings, monkeypatch):
    monkeypatch.setattr("teilhabe.contributions.views.contribution_pdf", lambda **kwargs: b"%PDF-stub")
    settings.RATELIMIT_ENABLE = True
    limit = int(PDF_RATE.split("/")[0])
    answers = [client.get(pdf_url(contribution)).status_code for _ in range(limit + 1)]
    assert answers[:limit] == [200] * limit
    assert answers[limit] == 429
