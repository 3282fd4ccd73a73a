"""Denormalised counters stay exact when many people act at the same moment (PostgreSQL only)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import make_contribution
from teilhabe.contributions.models import Comment, Contribution, Support

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 16


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")


def run_in_parallel(requests):
    """Run each (user, url, data) POST in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(requests))
    statuses, errors = [], []

    def worker(user, url, data):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            statuses.append(client.post(url, data).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


@pytest.fixture
def crowd(personas):
    return [user_create_verified(email=f"person{n}@example.org", password="x-Long-password-1") for n in range(WORKERS)]


def test_parallel_supports_and_double_clicks_count_exactly(process, crowd):
    contribution = make_contribution(process, crowd[0])
    url = reverse("contributions:support", kwargs={"pk": contribution.pk})
    # Every person clicks twice at the same moment: each support must count once.
    statuses = run_in_parallel([(user, url, {"action": "add"}) for user in crowd for _ in range(2)])
    assert set(statuses) == {302}
    contribution.refresh_from_db()
    assert contribution.support_count == WORKERS == Support.objects.filter(contribution=contribution).count()

    # Half withdraw while the others add again: the counter follows the rows.
    half = WORKERS // 2
    run_in_parallel(
        [(user, url, {"action": "withdraw"}) for user in crowd[:half]]
        + [(user, url, {"action": "add"}) for user in crowd[half:]]
    )
    contribution.refresh_from_db()
    assert contribution.support_count == WORKERS - half == Support.objects.filter(contribution=contribution).count()


def test_parallel_comments_count_exactly(process, crowd):
    contribution = make_contribution(process, crowd[0])
    url = reverse("contributions:comment", kwargs={"pk": contribution.pk})
    run_in_parallel([(user, url, {"body": f"Kommentar {n}", "language": "de"}) for n, user in enumerate(crowd)])
    contribution = Contribution.objects.get(pk=contribution.pk)
    assert contribution.comment_count == WORKERS == Comment.objects.filter(contribution=contribution).count()


def test_counters_match_their_rows_after_parallel_supports_comments_and_reports(process, crowd):
    contribution = make_contribution(process, crowd[0])
    support = reverse("contributions:support", kwargs={"pk": contribution.pk})
    comment = reverse("contributions:comment", kwargs={"pk": contribution.pk})
    flag = reverse("contributions:flag", kwargs={"pk": contribution.pk})
    half = WORKERS // 2
    run_in_parallel(
        [(user, support, {"action": "add"}) for user in crowd]
        + [(user, comment, {"body": "Dazu", "language": "de"}) for user in crowd[:half]]
        + [(user, flag, {"reason": "off_topic"}) for user in crowd[half:]]
    )
    run_in_parallel([(user, support, {"action": "withdraw"}) for user in crowd[:half]])
    call_command("check_counters")  # raises CommandError (exit status 1) on any difference
    contribution.refresh_from_db()
    assert (contribution.support_count, contribution.comment_count, contribution.open_flag_count) == (
        WORKERS - half,
        half,
        WORKERS - half,
    )
