"""Issue 6 E: unconfirmed anonymous contributions and their addresses do not stay for ever."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.models import Contribution, Status
from teilhabe.core.errors import ApplicationError
from teilhabe.core.models import AuditEntry
from teilhabe.core.services import audit_verify


def anonymous(process, email, *, days_ago):
    contribution = make_contribution(process, AnonymousUser(), author_email=email)
    Contribution.objects.filter(pk=contribution.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return contribution


@pytest.fixture
def aged(process, participant):
    old = anonymous(process, "alt@example.net", days_ago=8)
    young = anonymous(process, "jung@example.net", days_ago=6)
    confirmed = anonymous(process, "bestaetigt@example.net", days_ago=30)
    services.contribution_confirm_email(token=services.contribution_confirmation_token(confirmed))
    account = make_contribution(process, participant)
    Contribution.objects.filter(pk=account.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    return {"old": old, "young": young, "confirmed": confirmed, "account": account}


def test_purge_deletes_only_unconfirmed_contributions_older_than_the_limit(aged):
    assert services.contribution_purge_unconfirmed() == 1
    remaining = set(Contribution.objects.values_list("pk", flat=True))
    assert aged["old"].pk not in remaining
    assert {aged["young"].pk, aged["confirmed"].pk, aged["account"].pk} <= remaining
    assert not Contribution.objects.filter(author_email="alt@example.net").exists()
    assert Contribution.objects.get(pk=aged["confirmed"].pk).status == Status.PUBLISHED


def test_purge_is_one_audit_entry_with_the_count_and_no_address(aged):
    before = AuditEntry.objects.count()
    services.contribution_purge_unconfirmed()
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [entry.action for entry in entries] == ["contribution.unconfirmed_purged"]
    assert entries[0].data["count"] == 1
    assert not AuditEntry.objects.filter(data__icontains="alt@example.net").exists()
    assert "alt@example.net" not in str(list(AuditEntry.objects.values_list("data", flat=True)))
    assert audit_verify()[0]
    assert services.contribution_purge_unconfirmed() == 0  # nothing left: no further entry
    assert AuditEntry.objects.count() == before + 1


def test_limit_is_a_setting(aged, settings):
    settings.TEILHABE_UNCONFIRMED_DAYS = 5
    assert services.contribution_purge_unconfirmed() == 2  # now the six-day-old one goes too
    assert Contribution.objects.filter(pk=aged["confirmed"].pk).exists()


def test_a_link_older_than_the_limit_no_longer_confirms(process, settings):
    contribution = make_contribution(process, AnonymousUser(), author_email="spaet@example.net")
    token = services.contribution_confirmation_token(contribution)
    settings.TEILHABE_UNCONFIRMED_DAYS = 0  # every link is older than a limit of zero days
    with pytest.raises(ApplicationError) as raised:
        services.contribution_confirm_email(token=token)
    assert raised.value.status_code == 400  # expired, not "invalid" (404)
    assert Contribution.objects.get(pk=contribution.pk).status == Status.AWAITING_CONFIRMATION


def test_purge_command(aged, capsys):
    call_command("purge_unconfirmed")
    assert "Deleted 1 " in capsys.readouterr().out
    assert not Contribution.objects.filter(pk=aged["old"].pk).exists()


def test_housekeeping_path_names_a_callable_without_arguments():
    from django.utils.module_loading import import_string

    job = import_string("teilhabe.contributions.services.contribution_purge_unconfirmed")
    assert job is services.contribution_purge_unconfirmed
