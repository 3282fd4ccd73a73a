from django.contrib.auth.models import AnonymousUser
from django.db import connection

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.models import Contribution
from teilhabe.contributions.search import search_index_ensure, search_scope
from teilhabe.contributions.selectors import ContributionFilters, contribution_list, contribution_list_count


def test_search_index_is_restored_after_a_table_rebuild(process, participant):
    assert search_index_ensure(connection) is False  # intact after migrate
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER contributions_search_insert")
        else:
            cursor.execute("DROP INDEX contributions_contribution_fts")
    make_contribution(process, participant, title="Bibliothek im Stadtteil")  # written while the index is gone
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The test runs in one transaction: PostgreSQL builds no index over rows with pending FK checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert search_index_ensure(connection) is True
    make_contribution(process, participant, title="Bibliotheksausweis")
    found = contribution_list(process=process, filters=ContributionFilters(q="biblio"), user=participant)
    assert {c.title for c in found} == {"Bibliotheksausweis", "Bibliothek im Stadtteil"}


def _searched(process, reader, q, status="published"):
    """What a search finds: the count and the newest page (fast paths on SQLite), and counting the list afresh."""
    filters = ContributionFilters(q=q, status=status)
    page = list(contribution_list(process=process, filters=filters, user=reader).values_list("pk", flat=True))
    recount = contribution_list(process=process, filters=filters, user=reader, counting=True)
    return (
        contribution_list_count(process=process, filters=filters, user=reader),
        page,
        sorted(recount.values_list("pk", flat=True), reverse=True),
    )


def test_search_follows_status_process_and_text(
    process, closed_process, personas, coordinator, django_capture_on_commit_callbacks
):
    """The index knows each contribution's process and status: a search's count and pages follow every change."""
    reader = AnonymousUser()
    with django_capture_on_commit_callbacks(execute=True):
        first = make_contribution(process, personas["participant"], title="Stadtbibliothek am Markt")
        second = make_contribution(process, personas["evaluator"], title="Stadtbibliotheksbus für Nord")
        make_contribution(process, personas["participant"], title="Sprachcafé")
    count, page, expected = _searched(process, reader, "stadtbibliothek")
    assert (count, page) == (2, [second.pk, first.pk]) and page == expected
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_moderate(contribution=first, user=coordinator, publish=False, reason="off_topic")
    assert _searched(process, reader, "stadtbibliothek") == (1, [second.pk], [second.pk])
    assert _searched(process, coordinator, "stadtbibliothek", status="removed") == (1, [first.pk], [first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_moderate(contribution=first, user=coordinator, publish=True)
    assert _searched(process, reader, "stadtbibliothek")[:2] == (2, [second.pk, first.pk])
    # Changes outside the services (the admin, a data repair) reach the index through its triggers.
    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.filter(pk=second.pk).update(title="Lesebus für Nord")
        services.contribution_moderate(contribution=first, user=coordinator, publish=True)  # bumps the lists
    assert _searched(process, reader, "stadtbibliothek")[:2] == (1, [first.pk])
    assert _searched(process, reader, "lesebus")[:2] == (1, [second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.filter(pk=second.pk).update(process=closed_process)
        services.contribution_moderate(contribution=first, user=coordinator, publish=True)
    assert _searched(process, reader, "lesebus")[:2] == (0, [])
    assert _searched(closed_process, reader, "lesebus")[:2] == (1, [second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.filter(pk=first.pk).delete()
        Contribution.objects.filter(pk=second.pk).update(process=process)
        another = make_contribution(process, coordinator)
        services.contribution_moderate(contribution=another, user=coordinator, publish=True)
    assert _searched(process, reader, "stadtbibliothek")[:2] == (0, [])
    assert _searched(process, reader, "lesebus")[:2] == (1, [second.pk])


def test_no_search_term_or_title_passes_for_a_list(process, personas, coordinator, django_capture_on_commit_callbacks):
    """The index's token for a process and status can be neither searched for nor faked by a title."""
    reader = AnonymousUser()
    token = search_scope(process.pk, "published")
    with django_capture_on_commit_callbacks(execute=True):
        hidden = make_contribution(process, personas["participant"], title=f"Lesebus {token} {token[1:]}")
        services.contribution_moderate(contribution=hidden, user=coordinator, publish=False, reason="off_topic")
        shown = make_contribution(process, personas["evaluator"], title="Lesebus am Markt")
    assert _searched(process, reader, "lesebus") == (1, [shown.pk], [shown.pk])
    assert _searched(process, reader, token)[:2] == (0, [])  # the private-use mark is no word character
    assert _searched(process, reader, token[1:])[:2] == (0, [])  # found in no title of a published contribution
