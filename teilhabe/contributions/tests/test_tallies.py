"""Issue 7: the tallies (Zählstand) behind the figures and the counted filters stay exact after every service,
also with parallel writers on PostgreSQL; check_counters proves them; services bump per-contribution versions."""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teilhabe.accounts.models import User
from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import make_contribution, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import Comment, Contribution, ContributionTally, Status
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE, contribution_facets
from teilhabe.contributions.tallies import tallied, tallies_counted, tallies_stored, tally_differences
from teilhabe.core.cache_versions import cache_version
from teilhabe.core.errors import ApplicationError
from teilhabe.core.models import AuditEntry
from teilhabe.monitoring.metrics import contributions_by_channel, process_figures


def assert_exact():
    """The stored tallies equal a fresh aggregation (rows at zero are the same as no row)."""
    assert tally_differences() == []
    stored = {key: amounts for key, amounts in tallies_stored().items() if any(amounts)}
    assert stored == tallies_counted()


def facets_by_scanning(process, status):
    """What contribution_facets returned before the tallies: three GROUP BYs over the contributions."""
    rows = Contribution.objects.filter(process=process, status=status).order_by()
    return {
        name: dict(rows.values_list(column).annotate(n=Count("id")).values_list(column, "n"))
        for name, column in {"channel": "channel", "language": "language", "district": "district_id"}.items()
    }


def figures_by_scanning(process):
    totals = Contribution.objects.filter(process=process, status=Status.PUBLISHED).aggregate(
        contributions=Count("id"), supports=Sum("support_count"), comments=Sum("comment_count")
    )
    return {name: value or 0 for name, value in totals.items()}


def tally(process, *, status=Status.PUBLISHED, channel="online", language="de", district=None):
    row = ContributionTally.objects.filter(
        process=process, status=status, channel=channel, language=language, district=district
    ).first()
    return (row.contributions, row.supports, row.comments) if row else (0, 0, 0)


@pytest.fixture
def readers(db):
    return [user_create_verified(email=f"leser{n}@example.net", password=None) for n in range(3)]


# --------------------------------------------------------------------------------------------------------------
# Each service


def test_new_contributions_count_in_their_row(process, participant, coordinator, city):
    nord = city.districts.get(number=2)
    make_contribution(process, participant)
    make_contribution(process, participant, language="tr", district=nord)
    make_contribution(process, AnonymousUser(), author_email="anonym@example.net")
    services.contribution_record_analog(
        process=process,
        user=coordinator,
        channel="letter",
        title="Brief",
        body="Ein Brief an die Stadt",
        fields_of_action=[process.fields_of_action.first()],
        language="de",
        publication_consent=False,
    )
    assert tally(process) == (1, 0, 0)
    assert tally(process, language="tr", district=nord) == (1, 0, 0)
    assert tally(process, status=Status.AWAITING_CONFIRMATION) == (1, 0, 0)
    assert tally(process, status=Status.IN_MODERATION, channel="letter") == (1, 0, 0)
    assert_exact()


def test_supports_and_comments_add_to_the_row_and_follow_moderation(process, contribution, coordinator, readers):
    for reader in readers:
        services.support_add(contribution=contribution, user=reader)
    assert services.support_add(contribution=contribution, user=readers[0]) is False  # twice counts once
    services.support_withdraw(contribution=contribution, user=readers[1])
    comment = services.comment_create(contribution=contribution, user=readers[0], body="Gut")
    services.comment_create(contribution=contribution, user=readers[1], body="Auch", parent=comment)
    assert tally(process) == (1, 2, 2)
    services.comment_moderate(comment=comment, user=coordinator, publish=False, reason="off_topic")
    assert tally(process) == (1, 2, 1)
    services.comment_moderate(comment=comment, user=coordinator, publish=True)
    assert tally(process) == (1, 2, 2)
    # Removing the contribution moves it with its supports and comments to the removed row.
    services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="duplicate")
    assert tally(process) == (0, 0, 0)
    assert tally(process, status=Status.REMOVED) == (1, 2, 2)
    services.contribution_moderate(contribution=contribution, user=coordinator, publish=True)
    assert tally(process) == (1, 2, 2) and tally(process, status=Status.REMOVED) == (0, 0, 0)
    assert_exact()


def test_comments_held_for_moderation_count_once_published(city, personas, readers):
    process = make_process(city, slug="vorab", moderation="pre")
    contribution = services.contribution_record_analog(
        process=process,
        user=_coordinator_of(process, personas),
        channel="workshop",
        title="Workshop",
        body="Ergebnis",
        fields_of_action=[process.fields_of_action.first()],
        publication_consent=True,
        language="de",
    )
    comment = services.comment_create(contribution=contribution, user=readers[0], body="Später sichtbar")
    assert tally(process, channel="workshop") == (1, 0, 0)
    services.comment_moderate(comment=comment, user=_coordinator_of(process, personas), publish=True)
    assert tally(process, channel="workshop") == (1, 0, 1)
    assert_exact()


def _coordinator_of(process, personas):
    from teilhabe.processes.models import ProcessMembership, ProcessRole

    coordinator = personas["coordinator"]
    ProcessMembership.objects.get_or_create(process=process, user=coordinator, role=ProcessRole.COORDINATOR)
    return coordinator


def test_confirmation_language_and_purge_move_contributions(process, coordinator):
    waiting = make_contribution(process, AnonymousUser(), author_email="wartet@example.net")
    services.contribution_confirm_email(token=services.contribution_confirmation_token(waiting))
    services.contribution_confirm_email(token=services.contribution_confirmation_token(waiting))  # harmless twice
    assert tally(process) == (1, 0, 0) and tally(process, status=Status.AWAITING_CONFIRMATION) == (0, 0, 0)
    services.contribution_set_language(contribution=waiting, user=coordinator, language="ar")
    assert tally(process) == (0, 0, 0) and tally(process, language="ar") == (1, 0, 0)
    old = make_contribution(process, AnonymousUser(), author_email="alt@example.net")
    Contribution.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert tally(process, status=Status.AWAITING_CONFIRMATION) == (1, 0, 0)
    assert services.contribution_purge_unconfirmed() == 1
    assert tally(process, status=Status.AWAITING_CONFIRMATION) == (0, 0, 0)
    assert_exact()


def test_account_deletion_takes_its_supports_out_of_the_tallies(process, contribution, readers):
    superuser = User.objects.create_superuser(email="root@example.net", password="x-Long-password-1")
    for reader in readers:
        services.support_add(contribution=contribution, user=reader)
    services.comment_create(contribution=contribution, user=readers[0], body="Meine Meinung")
    services.user_delete(user=readers[0], actor=superuser)
    assert tally(process) == (1, 2, 1)
    assert_exact()


def test_flags_and_their_dismissal_change_no_tally(process, contribution, coordinator, readers):
    before = tallies_stored()
    services.flag_create(contribution=contribution, user=readers[0], reason="off_topic")
    services.flags_dismiss(user=coordinator, contribution=contribution)
    assert tallies_stored() == before
    assert_exact()


def test_a_district_changed_in_the_admin_moves_the_contribution(client, process, contribution, city):
    superuser = User.objects.create_superuser(email="root@example.net", password="x-Long-password-1")
    client.force_login(superuser)
    nord = city.districts.get(number=2)
    url = reverse("admin:contributions_contribution_change", args=[contribution.pk])
    response = client.post(
        url, {"fields_of_action": [process.fields_of_action.first().pk], "district": nord.pk, "neighbourhood": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Contribution.objects.get(pk=contribution.pk).district == nord
    assert tally(process) == (0, 0, 0) and tally(process, district=nord) == (1, 0, 0)
    assert_exact()


def test_a_failed_change_leaves_the_tallies_as_they_were(process, contribution, coordinator):
    before = tallies_stored()
    with pytest.raises(ApplicationError):
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="")
    assert tallies_stored() == before
    assert_exact()


@pytest.mark.django_db(transaction=True)
def test_tallied_refuses_to_run_outside_a_transaction(contribution):
    with pytest.raises(transaction.TransactionManagementError), tallied([contribution.pk]):
        pass


# --------------------------------------------------------------------------------------------------------------
# Readers: the same figures and facets as counting every contribution


def test_figures_and_facets_are_those_of_a_full_count(process, personas, city, readers):
    participant, coordinator = personas["participant"], personas["coordinator"]
    mitte, nord = city.districts.order_by("number")
    first = make_contribution(process, participant, district=mitte)
    make_contribution(process, participant, language="tr", district=nord)
    make_contribution(process, participant, language="tr")
    removed = make_contribution(process, participant, language="ar", district=nord)
    for reader in readers[:2]:
        services.support_add(contribution=first, user=reader)
        services.support_add(contribution=removed, user=reader)
    services.comment_create(contribution=first, user=readers[2], body="Dazu")
    services.contribution_moderate(contribution=removed, user=coordinator, publish=False, reason="duplicate")
    assert (
        process_figures(process=process)
        == figures_by_scanning(process)
        == {
            "contributions": 3,
            "supports": 2,
            "comments": 1,
        }
    )
    for status in Status.values:
        assert contribution_facets(process=process, status=status) == facets_by_scanning(process, status)
    assert contribution_facets(process=process, status=Status.PUBLISHED) == {
        "channel": {"online": 3},
        "language": {"de": 1, "tr": 2},
        "district": {mitte.pk: 1, nord.pk: 1, None: 1},
    }
    assert contributions_by_channel(process=process) == {"online": 3}
    # A row that fell to zero is no value on offer.
    services.contribution_moderate(contribution=removed, user=coordinator, publish=True)
    services.contribution_moderate(contribution=removed, user=coordinator, publish=False, reason="duplicate")
    assert "ar" not in contribution_facets(process=process, status=Status.PUBLISHED)["language"]


def test_tallies_of_one_process_do_not_mix_with_another(city, personas):
    first, second = make_process(city, slug="eins"), make_process(city, slug="zwei")
    make_contribution(first, personas["participant"], fields_of_action=[first.fields_of_action.first()])
    assert process_figures(process=first)["contributions"] == 1
    assert process_figures(process=second) == {"contributions": 0, "supports": 0, "comments": 0}
    assert contribution_facets(process=second, status=Status.PUBLISHED) == {
        "channel": {},
        "language": {},
        "district": {},
    }


# --------------------------------------------------------------------------------------------------------------
# A random sequence of services


OPERATIONS = ["create", "support", "withdraw", "comment", "hide_comment", "publish", "remove", "language", "anon"]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50), st.integers(0, 50)), max_size=12))
def test_any_sequence_of_services_keeps_the_tallies_exact(process, personas, city, readers, steps):
    coordinator, participant = personas["coordinator"], personas["participant"]
    districts = [None, *city.districts.order_by("number")]
    languages = ["de", "tr", "ar"]
    for operation, a, b in steps:
        contributions = list(Contribution.objects.filter(process=process).order_by("pk"))
        if operation in ("create", "anon") or not contributions:
            user = AnonymousUser() if operation == "anon" else participant
            extra = {"author_email": f"a{a}@example.net"} if operation == "anon" else {}
            make_contribution(process, user, language=languages[a % 3], district=districts[b % len(districts)], **extra)
            continue
        contribution = contributions[a % len(contributions)]
        reader = readers[b % len(readers)]
        visible = contribution.status == Status.PUBLISHED
        if operation == "support" and visible:
            services.support_add(contribution=contribution, user=reader)
        elif operation == "withdraw" and visible:
            services.support_withdraw(contribution=contribution, user=reader)
        elif operation == "comment" and visible:
            services.comment_create(contribution=contribution, user=reader, body=f"Kommentar {b}")
        elif operation == "hide_comment":
            comment = Comment.objects.filter(contribution=contribution).order_by("pk").first()
            if comment is not None:
                publish = comment.status != Status.PUBLISHED
                services.comment_moderate(comment=comment, user=coordinator, publish=publish, reason="off_topic")
        elif operation == "publish" and contribution.status != Status.AWAITING_CONFIRMATION:
            services.contribution_moderate(contribution=contribution, user=coordinator, publish=True)
        elif operation == "remove" and contribution.status != Status.AWAITING_CONFIRMATION:
            services.contribution_moderate(
                contribution=contribution, user=coordinator, publish=False, reason="duplicate"
            )
        elif operation == "language" and contribution.status != Status.AWAITING_CONFIRMATION:
            services.contribution_set_language(contribution=contribution, user=coordinator, language=languages[b % 3])
        elif operation == "anon" and contribution.status == Status.AWAITING_CONFIRMATION:
            services.contribution_confirm_email(token=services.contribution_confirmation_token(contribution))
    assert_exact()
    cache.clear()  # the test's transaction never commits, so no version is bumped between examples
    assert process_figures(process=process) == figures_by_scanning(process)
    for status in Status.values:
        assert contribution_facets(process=process, status=status) == facets_by_scanning(process, status)


# --------------------------------------------------------------------------------------------------------------
# Proof and repair


def test_check_counters_finds_a_broken_tally_and_fix_rebuilds_it(process, contribution, readers, capsys):
    services.support_add(contribution=contribution, user=readers[0])
    call_command("check_counters")
    assert "All tallies match" in capsys.readouterr().out
    ContributionTally.objects.filter(process=process, status=Status.PUBLISHED).update(contributions=5, supports=0)
    ContributionTally.objects.create(process=process, status=Status.REMOVED, channel="phone", language="fa")
    Contribution.objects.filter(pk=contribution.pk).update(comment_count=0)  # a counter that agrees
    stray = ContributionTally.objects.create(
        process=process, status=Status.REMOVED, channel="letter", language="uk", contributions=2
    )
    with pytest.raises(CommandError):
        call_command("check_counters")
    out = capsys.readouterr().out
    assert f"tally process {process.pk} published online de district -" in out
    assert "stored {'contributions': 5, 'supports': 0, 'comments': 0}" in out
    assert "counted {'contributions': 1, 'supports': 1, 'comments': 0}" in out
    assert "letter uk" in out and "phone fa" not in out  # a row at zero is right
    call_command("check_counters", "--fix")
    assert "Repaired 0 counter(s) and 2 tally row(s)." in capsys.readouterr().out
    assert tally(process) == (1, 1, 0)
    stray.refresh_from_db()
    assert stray.contributions == 0
    assert_exact()
    assert AuditEntry.objects.filter(action="tallies.rebuilt", data__count=2).exists()
    call_command("check_counters")


def test_a_repaired_counter_repairs_its_tally(process, contribution, readers):
    services.support_add(contribution=contribution, user=readers[0])
    Contribution.objects.filter(pk=contribution.pk).update(support_count=7)  # drifted, and summed so
    ContributionTally.objects.filter(process=process).update(supports=7)
    assert services.counters_repair() == 1
    assert tally(process) == (1, 1, 0)
    assert_exact()


def test_tallies_rebuild_of_one_process_leaves_the_others(city, personas):
    first, second = make_process(city, slug="eins"), make_process(city, slug="zwei")
    for process in (first, second):
        make_contribution(process, personas["participant"], fields_of_action=[process.fields_of_action.first()])
    ContributionTally.objects.update(contributions=9)
    assert services.tallies_rebuild(process=first) == 1
    assert tally(first) == (1, 0, 0) and tally(second) == (9, 0, 0)
    assert services.tallies_rebuild() == 1
    assert services.tallies_rebuild() == 0
    assert AuditEntry.objects.filter(action="tallies.rebuilt").count() == 2
    assert_exact()


def test_the_migration_builds_the_tallies_of_existing_contributions(process, participant, city, readers):
    contribution = make_contribution(process, participant, district=city.districts.first())
    make_contribution(process, participant, language="pl")
    services.support_add(contribution=contribution, user=readers[0])
    expected = tallies_stored()
    ContributionTally.objects.all().delete()
    migration = importlib.import_module("teilhabe.contributions.migrations.0010_tallies")
    migration.build_tallies(apps, None)
    assert tallies_stored() == expected
    assert_exact()


# --------------------------------------------------------------------------------------------------------------
# Per-contribution cache versions


@pytest.fixture
def versions(django_capture_on_commit_callbacks):
    """Run a service and say whether it made the given contributions' cached cards and pages stale."""

    def bumped(action, *contributions) -> list[bool]:
        before = [cache_version(CONTRIBUTION_NAMESPACE, item.pk) for item in contributions]
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return [
            cache_version(CONTRIBUTION_NAMESPACE, item.pk) != old
            for item, old in zip(contributions, before, strict=True)
        ]

    return bumped


def test_every_kind_of_change_bumps_the_contribution_version(process, contribution, coordinator, readers, versions):
    other = make_contribution(process, readers[0], title="Anderer Beitrag")
    services.flag_create(contribution=contribution, user=readers[2], reason="off_topic")
    holder = {}

    def comment():
        holder["comment"] = services.comment_create(contribution=contribution, user=readers[1], body="Gut")

    changes = [
        lambda: services.support_add(contribution=contribution, user=readers[1]),
        lambda: services.support_withdraw(contribution=contribution, user=readers[1]),
        comment,
        lambda: services.comment_moderate(
            comment=holder["comment"], user=coordinator, publish=False, reason="off_topic"
        ),
        lambda: services.contribution_set_language(contribution=contribution, user=coordinator, language="en"),
        lambda: services.flags_dismiss(user=coordinator, contribution=contribution),
        lambda: services.contribution_moderate(
            contribution=contribution, user=coordinator, publish=False, reason="duplicate"
        ),
        lambda: services.contribution_moderate(contribution=contribution, user=coordinator, publish=True),
    ]
    for change in changes:
        assert versions(change, contribution, other) == [True, False]


def test_new_confirmed_purged_and_repaired_contributions_bump_their_versions(process, participant, versions):
    waiting = make_contribution(process, AnonymousUser(), author_email="wartet@example.net")
    token = services.contribution_confirmation_token(waiting)
    assert versions(lambda: services.contribution_confirm_email(token=token), waiting) == [True]
    old = make_contribution(process, AnonymousUser(), author_email="alt@example.net")
    Contribution.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert versions(services.contribution_purge_unconfirmed, old, waiting) == [True, False]
    Contribution.objects.filter(pk=waiting.pk).update(support_count=3)
    assert versions(services.counters_repair, waiting) == [True]


def test_creation_bumps_the_new_contribution(process, participant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = make_contribution(process, participant)
    before = cache_version(CONTRIBUTION_NAMESPACE, created.pk)
    for callback in callbacks:
        callback()
    assert cache_version(CONTRIBUTION_NAMESPACE, created.pk) != before


def test_account_deletion_bumps_what_the_account_supported_and_commented(process, participant, readers, versions):
    superuser = User.objects.create_superuser(email="root@example.net", password="x-Long-password-1")
    supported, commented, untouched = (make_contribution(process, participant, title=f"Beitrag {n}") for n in range(3))
    services.support_add(contribution=supported, user=readers[0])
    services.comment_create(contribution=commented, user=readers[0], body="Meine Meinung")
    bumped = versions(lambda: services.user_delete(user=readers[0], actor=superuser), supported, commented, untouched)
    assert bumped == [True, True, False]


# --------------------------------------------------------------------------------------------------------------
# Parallel writers (PostgreSQL)


def run_threads(calls):
    """Run each call in its own thread and connection, all released at once; re-raise any error."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def worker(call):
        try:
            barrier.wait(timeout=30)
            call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=[call]) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_supports_of_different_contributions_in_one_row_count_exactly(process, participant):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")
    contributions = [make_contribution(process, participant, title=f"Beitrag {n}") for n in range(8)]
    crowd = [user_create_verified(email=f"person{n}@example.org", password=None) for n in range(4)]
    calls = [
        (lambda c=item, u=user: services.support_add(contribution=c, user=u))
        for item in contributions
        for user in crowd
    ]
    run_threads(calls)
    assert tally(process) == (8, 32, 0)
    run_threads(
        [(lambda c=item, u=crowd[0]: services.support_withdraw(contribution=c, user=u)) for item in contributions]
        + [
            (lambda c=item, u=crowd[1]: services.comment_create(contribution=c, user=u, body="Ja"))
            for item in contributions
        ]
    )
    assert tally(process) == (8, 24, 8)
    assert_exact()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_creating_the_same_new_row_count_exactly(process, participant, city):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises every write")
    nord = city.districts.get(number=2)
    run_threads(
        [
            (lambda n=n: make_contribution(process, participant, title=f"Neu {n}", language="uk", district=nord))
            for n in range(12)
        ]
    )
    assert tally(process, language="uk", district=nord) == (12, 0, 0)
    assert ContributionTally.objects.filter(process=process, language="uk", district=nord).count() == 1
    assert_exact()
