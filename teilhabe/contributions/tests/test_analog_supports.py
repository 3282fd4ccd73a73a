"""Supports counted at events (dot-voting, ballot sheets): entered per sheet, corrected by new entries, never below
zero, kept in the contribution's analog_support_count and the tallies, proven by check_counters, shown beside the
online supports and added to them in the figures (docs/analog-supports.md)."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from teilhabe.conftest import make_contribution, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import AnalogSupportTally, Contribution, ContributionTally, Status
from teilhabe.contributions.selectors import ContributionFilters, contribution_list
from teilhabe.contributions.tallies import tally_differences
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events.models import EventState
from teilhabe.events.tests.organiser_support import make_event, organisers, outsiders
from teilhabe.monitoring.metrics import process_figures, process_figures_by_channel, support_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(process, personas):
    """A workshop held two days ago, organised by the personas' department 50."""
    return make_event(process, state=EventState.HELD, days=-2)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def refreshed(contribution) -> Contribution:
    return Contribution.objects.get(pk=contribution.pk)


def published_tally(process) -> tuple[int, int]:
    rows = ContributionTally.objects.filter(process=process, status=Status.PUBLISHED)
    return sum(row.supports for row in rows), sum(row.analog_supports for row in rows)


# --------------------------------------------------------------------------------------------------------------
# Entering a sheet


def test_a_sheet_adds_to_each_contribution_apart_from_online_supports(process, personas, held, contribution):
    other = make_contribution(process, personas["participant"], title="Sprachcafé im Stadtteil")
    services.support_add(contribution=contribution, user=personas["evaluator"])
    staff = personas["department_staff"]  # on the organising side of the event
    entries = services.analog_supports_enter(
        user=staff, event=held, counts={contribution.pk: 12, other.pk: "3", 999999: ""}, note=" Tisch 2 "
    )
    assert [(entry.contribution_id, entry.count, entry.delta) for entry in entries] == [
        (contribution.pk, 12, 12),
        (other.pk, 3, 3),
    ]
    assert all(entry.pk and entry.entered_by == staff and entry.event == held for entry in entries)
    assert entries[0].note == "Tisch 2"
    assert (refreshed(contribution).support_count, refreshed(contribution).analog_support_count) == (1, 12)
    assert refreshed(other).analog_support_count == 3
    assert published_tally(process) == (1, 15)
    assert tally_differences() == []
    audits = AuditEntry.objects.filter(action="analog_supports.entered").order_by("pk")
    assert [(a.object_id, a.data["count"], a.data["event"]) for a in audits] == [
        (str(contribution.pk), 12, held.pk),
        (str(other.pk), 3, held.pk),
    ]
    # A second sheet at the same or another event adds up; nothing is overwritten.
    services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 4})
    assert refreshed(contribution).analog_support_count == 16
    assert AnalogSupportTally.objects.filter(contribution=contribution).count() == 2


def test_zero_rows_are_left_out_and_an_empty_sheet_is_refused(personas, held, contribution):
    with pytest.raises(ApplicationError) as refused:
        services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 0})
    assert refused.value.status_code == 400 and "counts" in refused.value.field_errors
    assert not AnalogSupportTally.objects.exists()


@pytest.mark.parametrize("bad", [-1, "-3", "zwölf", "1.5", 10**6])
def test_bad_counts_refuse_the_whole_sheet(process, personas, held, contribution, bad):
    other = make_contribution(process, personas["participant"], title="Sprachcafé")
    with pytest.raises(ApplicationError) as refused:
        services.analog_supports_enter(
            user=personas["coordinator"], event=held, counts={other.pk: 5, contribution.pk: bad}
        )
    assert refused.value.status_code == 400
    assert list(refused.value.field_errors) == [f"count_{contribution.pk}"]
    assert not AnalogSupportTally.objects.exists()
    assert refreshed(other).analog_support_count == 0


def test_only_published_contributions_of_the_events_process(city, process, personas, held, contribution):
    elsewhere = make_contribution(make_process(city, slug="zwei"), personas["participant"], title="Anderswo")
    waiting = make_contribution(process, personas["participant"], title="Wartet")
    Contribution.objects.filter(pk=waiting.pk).update(status=Status.IN_MODERATION)
    for pk in (elsewhere.pk, waiting.pk, 987654):
        with pytest.raises(ApplicationError) as refused:
            services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 2, pk: 1})
        assert refused.value.status_code == 400 and list(refused.value.field_errors) == [f"count_{pk}"]
    assert not AnalogSupportTally.objects.exists()
    assert refreshed(contribution).analog_support_count == 0


def test_who_may_enter_and_when(process, personas, held, contribution):
    """events.enter_results: the organising side and the process's coordinators, once the event is held."""
    others = outsiders(process.city)
    for user in (
        personas["participant"],
        personas["evaluator"],
        personas["organisation_representative"],  # another organiser than department 50
        others["other_staff"],
    ):
        with pytest.raises(NotAllowed):
            services.analog_supports_enter(user=user, event=held, counts={contribution.pk: 1})
    planned = make_event(process, state=EventState.PLANNED, days=-1)
    with pytest.raises(NotAllowed):
        services.analog_supports_enter(user=personas["coordinator"], event=planned, counts={contribution.pk: 1})
    by_organisation = make_event(
        process, state=EventState.HELD, days=-3, organiser=organisers(personas)["organisation"]
    )
    services.analog_supports_enter(
        user=personas["organisation_representative"], event=by_organisation, counts={contribution.pk: 2}
    )
    services.analog_supports_enter(user=personas["department_head"], event=held, counts={contribution.pk: 1})
    assert refreshed(contribution).analog_support_count == 3


# --------------------------------------------------------------------------------------------------------------
# Corrections


def test_a_correction_is_a_new_entry_and_the_old_one_stays(personas, held, contribution):
    first = services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 12})[0]
    services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 5})
    staff = personas["department_staff"]
    correction = services.analog_supports_correct(user=staff, tally=first, count=8, reason="Neu gezählt")
    assert (correction.count, correction.delta, correction.corrects_id) == (8, -4, first.pk)
    first.refresh_from_db()
    assert first.count == 12 and first.delta == 12  # unchanged
    assert refreshed(contribution).analog_support_count == 13
    audit = AuditEntry.objects.get(action="analog_supports.corrected")
    assert audit.object_id == str(contribution.pk)
    assert audit.data == {
        "tally": correction.pk,
        "corrects": first.pk,
        "event": held.pk,
        "count": 8,
        "previous": 12,
        "reason": "Neu gezählt",
    }
    # The corrected entry cannot be corrected again; its correction can.
    with pytest.raises(Conflict):
        services.analog_supports_correct(user=staff, tally=first, count=1, reason="Noch einmal")
    again = services.analog_supports_correct(user=staff, tally=correction, count=0, reason="Doppelt erfasst")
    assert again.delta == -8
    assert refreshed(contribution).analog_support_count == 5
    assert tally_differences() == []


def test_a_correction_never_takes_the_total_below_zero(personas, held, contribution):
    entry = services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 2})[0]
    for bad in (-1, "-5"):
        with pytest.raises(ApplicationError) as refused:
            services.analog_supports_correct(user=personas["coordinator"], tally=entry, count=bad, reason="Falsch")
        assert "count" in refused.value.field_errors
    services.analog_supports_correct(user=personas["coordinator"], tally=entry, count=0, reason="Kein Punkt")
    assert refreshed(contribution).analog_support_count == 0
    # The database refuses a negative count and a first entry that adds anything but its count.
    for fields in ({"count": -1, "delta": -1}, {"count": 3, "delta": -2}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AnalogSupportTally.objects.create(
                contribution=contribution, event=held, entered_by=personas["coordinator"], **fields
            )


def test_a_correction_needs_a_reason_a_change_and_the_permission(personas, held, contribution):
    entry = services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 2})[0]
    with pytest.raises(ApplicationError) as refused:
        services.analog_supports_correct(user=personas["coordinator"], tally=entry, count=3, reason="  ")
    assert "reason" in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        services.analog_supports_correct(user=personas["coordinator"], tally=entry, count=2, reason="Gleich")
    assert "count" in refused.value.field_errors
    with pytest.raises(NotAllowed):
        services.analog_supports_correct(user=personas["participant"], tally=entry, count=3, reason="Ich")
    assert AnalogSupportTally.objects.count() == 1 and refreshed(contribution).analog_support_count == 2


# --------------------------------------------------------------------------------------------------------------
# Counters and tallies


def test_check_counters_finds_a_drift_and_fix_repairs_it(process, personas, held, contribution, capsys):
    services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 7})
    call_command("check_counters")
    assert "All counters match" in capsys.readouterr().out
    Contribution.objects.filter(pk=contribution.pk).update(analog_support_count=2)
    ContributionTally.objects.filter(process=process, status=Status.PUBLISHED).update(analog_supports=40)
    with pytest.raises(CommandError):
        call_command("check_counters")
    out = capsys.readouterr().out
    assert f"contributions.contribution {contribution.pk} analog_support_count: stored 2, counted 7" in out
    assert "'analog_supports': 40" in out
    call_command("check_counters", "--fix")
    assert "Repaired 1 counter(s)" in capsys.readouterr().out
    assert refreshed(contribution).analog_support_count == 7
    assert published_tally(process) == (0, 7)
    call_command("check_counters")
    assert AuditEntry.objects.filter(action="counters.repaired").exists()


def test_a_tally_row_moves_with_its_contribution(process, personas, held, contribution, committed):
    """The analog supports ride with the contribution between tally rows, like its online ones (here: removed)."""
    services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 4})
    committed(
        services.contribution_moderate,
        contribution=contribution,
        user=personas["coordinator"],
        publish=False,
        reason="duplicate",
    )
    assert published_tally(process) == (0, 0)
    removed = ContributionTally.objects.get(process=process, status=Status.REMOVED)
    assert removed.analog_supports == 4
    assert tally_differences() == []


# --------------------------------------------------------------------------------------------------------------
# Figures


def test_figures_add_online_and_analog_and_keep_the_split(process, personas, held, contribution, committed):
    services.support_add(contribution=contribution, user=personas["evaluator"])
    services.support_add(contribution=contribution, user=personas["jury_member"])
    assert process_figures(process=process)["supports"] == 2  # cached now
    committed(services.analog_supports_enter, user=personas["coordinator"], event=held, counts={contribution.pk: 9})
    assert process_figures(process=process)["supports"] == 11  # the figures version was bumped
    assert support_figures(process=process) == {"supports": 11, "online": 2, "analog": 9}
    assert process_figures_by_channel(process=process)["online"]["supports"] == 11
    entry = AnalogSupportTally.objects.get()
    committed(services.analog_supports_correct, user=personas["coordinator"], tally=entry, count=6, reason="Neu")
    assert support_figures(process=process) == {"supports": 8, "online": 2, "analog": 6}
    assert process_figures(process=process)["supports"] == 8


# --------------------------------------------------------------------------------------------------------------
# Display and order


def english(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    return response.content.decode()


def test_card_and_page_show_both_parts_after_an_entry(process, personas, held, contribution, committed):
    reader = Client()
    detail = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    listing = reverse("contributions:list", kwargs={"slug": process.slug})
    committed(services.support_add, contribution=contribution, user=personas["evaluator"])
    assert "1 support ·" in english(reader, listing)  # cached now, the card and the page
    assert 'class="support-count"' not in english(reader, detail)
    committed(services.analog_supports_enter, user=personas["coordinator"], event=held, counts={contribution.pk: 4})
    assert "5 supports (1 online, 4 at events)" in english(reader, listing)
    page = english(reader, detail)
    assert re.search(r'class="support-count" data-online="1" data-analog="4">5 supports for this contribution', page)
    assert "1 online, 4 counted at events" in page


def test_most_supported_counts_every_support(process, personas, held, contribution, committed):
    other = make_contribution(process, personas["participant"], title="Sprachcafé")
    committed(services.support_add, contribution=contribution, user=personas["evaluator"])
    filters = ContributionFilters(sort="supported")

    def order():
        return list(contribution_list(process=process, filters=filters, user=None).values_list("pk", flat=True))

    assert order() == [contribution.pk, other.pk]
    committed(services.analog_supports_enter, user=personas["coordinator"], event=held, counts={other.pk: 2})
    assert order() == [other.pk, contribution.pk]
    listing = english(Client(), reverse("contributions:list", kwargs={"slug": process.slug}) + "?sort=supported")
    assert listing.index(">Sprachcafé</a></h3>") < listing.index(f">{contribution.title}</a></h3>")


def test_the_most_supported_order_reads_its_index(process, participant):
    """The sort's sum is the index contrib_list_supported's: the database walks it instead of sorting."""
    make_contribution(process, participant)
    queryset = contribution_list(process=process, filters=ContributionFilters(sort="supported"), user=None)
    sql, params = queryset.values_list("pk", flat=True)[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "contrib_list_supported" in plan and "TEMP B-TREE" not in plan, plan
        else:
            # Whatever the table's statistics say (other tests' rows change them): can the index give the order?
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "contrib_list_supported" in plan and "Sort" not in plan.replace("Sort Key", ""), plan


def test_a_second_process_is_counted_apart(city, personas, held, contribution):
    other_process = make_process(city, slug="zwei")
    services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 3})
    assert support_figures(process=other_process) == {"supports": 0, "online": 0, "analog": 0}


def test_cached_pages_show_the_new_totals_on_the_next_request(process, personas, held, contribution, committed):
    """Anonymous readers get pages whole from the cache: an entry and a correction make every page that shows the
    contribution's supports stale (the contribution's page, the lists, the process page, the event's page)."""
    from django.core.cache import cache

    from teilhabe.core.page_cache import page_cache_keys_for

    Contribution.objects.filter(pk=contribution.pk).update(event=held)  # a result of the event, before any page
    urls = {
        "contribution": reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        "list": reverse("contributions:list", kwargs={"slug": process.slug}),
        "most supported": reverse("contributions:list", kwargs={"slug": process.slug}) + "?sort=supported",
        "process": reverse("processes:detail", kwargs={"slug": process.slug}),
        "event": reverse("events:detail", kwargs={"pk": held.pk}),
    }
    reader = Client()
    for name, url in urls.items():
        english(reader, url)
        assert cache.get_many(page_cache_keys_for(url)), f"the {name} page was not stored"
    committed(services.analog_supports_enter, user=personas["coordinator"], event=held, counts={contribution.pk: 4})
    for name, url in urls.items():
        assert not cache.get_many(page_cache_keys_for(url)), f"a stored {name} page outlived the entry"
    pages = {name: english(reader, url) for name, url in urls.items()}
    for name in ("list", "most supported", "event"):
        assert "4 supports (0 online, 4 at events)" in pages[name], name
    assert 'data-online="0" data-analog="4">4 supports' in pages["contribution"]
    assert re.search(r"<strong>4</strong>\s*supports", pages["process"])
    entry = AnalogSupportTally.objects.get()
    committed(services.analog_supports_correct, user=personas["coordinator"], tally=entry, count=1, reason="Neu")
    assert "1 support (0 online, 1 at events)" in english(reader, urls["list"])
    assert re.search(r"<strong>1</strong>\s*supports", english(reader, urls["process"]))
