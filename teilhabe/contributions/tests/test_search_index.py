from django.db import connection

from teilhabe.conftest import make_contribution
from teilhabe.contributions.search import search_index_ensure
from teilhabe.contributions.selectors import ContributionFilters, contribution_list


def test_search_index_is_restored_after_a_table_rebuild(process, participant):
    assert search_index_ensure(connection) is False  # intact after migrate
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER contributions_fts_insert")
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
