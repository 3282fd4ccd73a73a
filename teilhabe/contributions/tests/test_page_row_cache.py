"""A contribution's page takes its row from the cache while the versions kept with it are current
(``contribution_get(cached=True)``), and shows every change on the next request; other views read the database.

Signed-in readers, so that no whole page comes from the page cache. Writes go through the services inside
``django_capture_on_commit_callbacks(execute=True)``, as after a real commit.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.accounts.services import user_anonymise
from teilhabe.contributions import services
from teilhabe.contributions.models import Contribution
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE, contribution_get
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_versions_many

ROW_QUERY = 'FROM "contributions_contribution" LEFT OUTER JOIN'  # the page's row, with its names


@pytest.fixture
def reader(personas):
    client = Client()
    client.force_login(personas["evaluator"])
    return client


@pytest.fixture
def url(contribution):
    return reverse("contributions:detail", kwargs={"pk": contribution.pk})


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def row_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return sum(ROW_QUERY in query["sql"] for query in queries.captured_queries)


def test_the_page_reads_its_row_once_then_from_the_cache(reader, url):
    page(reader, url)
    page(reader, url)
    assert row_queries(reader, url) == 0


def test_the_row_is_kept_with_its_versions_and_used_only_under_them(contribution, db):
    contribution_get(pk=contribution.pk, cached=True)
    contribution_get(pk=contribution.pk, cached=True)
    versions, row = cache.get(f"contribution-page-row:{contribution.pk}")
    current = cache_versions_many([(CONTRIBUTION_NAMESPACE, contribution.pk), (CONTENT_NAMESPACE, "site")])
    assert versions == tuple(current.values())
    assert row.title == contribution.title
    Contribution.objects.filter(pk=contribution.pk).update(title="Geändert ohne Dienst")  # no version bumped
    assert contribution_get(pk=contribution.pk, cached=True).title == contribution.title  # the cache, as designed
    assert contribution_get(pk=contribution.pk).title == "Geändert ohne Dienst"  # the default reads the database


def test_a_support_and_a_comment_show_at_once(reader, url, contribution, personas, django_capture_on_commit_callbacks):
    page(reader, url)
    page(reader, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(contribution=contribution, user=personas["participant"])
    assert "1 Person unterstützt" in page(reader, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(contribution=contribution, user=personas["participant"], body="Sehr gute Idee")
    assert "Sehr gute Idee" in page(reader, url)


def test_a_changed_language_and_a_removal_show_at_once(
    reader, url, contribution, coordinator, django_capture_on_commit_callbacks
):
    page(reader, url)
    page(reader, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_set_language(contribution=contribution, user=coordinator, language="tr")
    assert '<h1 id="contribution-title" lang="tr"' in page(reader, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="off_topic")
    shown = page(reader, url)
    assert "Dieser Beitrag wurde von der Moderation entfernt" in shown
    assert contribution.title not in shown


def test_a_closed_account_no_longer_names_its_author(
    reader, url, contribution, participant, django_capture_on_commit_callbacks
):
    participant.display_name = "Erika Muster"
    participant.save(update_fields=["display_name"])
    cache.clear()
    assert "Erika Muster" in page(reader, url)
    page(reader, url)
    with django_capture_on_commit_callbacks(execute=True):
        user_anonymise(user=participant, actor=participant)
    assert "Erika Muster" not in page(reader, url)


def test_an_unknown_id_leaves_nothing_in_the_cache(reader, contribution):
    cache.clear()
    missing = contribution.pk + 1000
    assert reader.get(reverse("contributions:detail", kwargs={"pk": missing})).status_code == 404
    assert cache.get(f"contribution-page-row:{missing}") is None
    assert cache.get(f"version:{CONTRIBUTION_NAMESPACE}:{missing}") is None
