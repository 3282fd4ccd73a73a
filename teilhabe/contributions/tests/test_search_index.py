from django.db import connection

from teilhabe.conftest import make_contribution
from teilhabe.contributions.search import search_index_ensure
from teilhabe.contributions.selectors import ContributionFilters, contribution_list


def test_search_index_is_restored_after_a_table_rebuild(process, participant):
    make_contribution(process, participant, title="Bibliothek im Stadtteil")
    assert search_index_ensure(connection) is False  # intact after migrate
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER contributions_fts_insert")
        else:
            cursor.execute("DROP INDEX contributions_contribution_fts")
    assert search_index_ensure(connection) is True
    make_contribution(process, participant, title="Bibliotheksausweis")
    found = contribution_list(process=process, filters=ContributionFilters(q="biblio"), user=participant)
    # Rows written while the index was missing are found again too (the rebuild covers them).
    assert {c.title for c in found} == {"Bibliotheksausweis", "Bibliothek im Stadtteil"}
