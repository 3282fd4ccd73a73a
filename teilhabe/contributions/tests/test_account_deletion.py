"""Issue 6 point 3: deleting or anonymising an account never lets a counter drift; check_counters proves it."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from teilhabe.accounts.models import User
from teilhabe.accounts.services import user_anonymise, user_create_verified
from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.counters import counter_differences
from teilhabe.contributions.models import Comment, Contribution, Flag, Support
from teilhabe.core.errors import Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.core.services import audit_verify


@pytest.fixture
def busy(process, participant):
    """An account that supports and reports a contribution and reports a comment on it."""
    contribution = make_contribution(process, participant)
    comment = services.comment_create(contribution=contribution, user=participant, body="Gute Idee")
    person = user_create_verified(email="leser@example.net", password=None, display_name="Leser")
    other = user_create_verified(email="andere@example.net", password=None)
    for user in (person, other):
        services.support_add(contribution=contribution, user=user)
        services.flag_create(contribution=contribution, user=user, reason="off_topic")
        services.flag_create(contribution=contribution, user=user, reason="insulting", comment=comment)
    call_command("check_counters")  # the counters are right to begin with
    return {"person": person, "contribution": contribution, "comment": comment}


def counts(busy):
    contribution = Contribution.objects.get(pk=busy["contribution"].pk)
    return (
        contribution.support_count,
        contribution.open_flag_count,
        Comment.objects.get(pk=busy["comment"].pk).open_flag_count,
    )


def test_a_raw_delete_cannot_bypass_the_counters(busy):
    with pytest.raises(ProtectedError):
        busy["person"].delete()
    assert counts(busy) == (2, 2, 2)


def test_user_delete_removes_supports_and_reports_and_corrects_counters(busy, superuser):
    removed = services.user_delete(user=busy["person"], actor=superuser)
    assert removed == {"supports": 1, "flags": 2}
    assert not User.objects.filter(email="leser@example.net").exists()
    assert counts(busy) == (1, 1, 1)
    assert Support.objects.count() == 1 and Flag.objects.count() == 2
    assert counter_differences() == []
    call_command("check_counters")
    assert AuditEntry.objects.filter(action="user.deleted").count() == 1


def test_resolved_reports_go_without_touching_the_counters(busy, superuser, coordinator):
    services.flags_dismiss(user=coordinator, contribution=busy["contribution"])
    services.user_delete(user=busy["person"], actor=superuser)
    assert counts(busy) == (1, 0, 1)
    call_command("check_counters")


def test_only_superusers_delete_accounts(busy, personas):
    for user in personas.values():
        with pytest.raises(NotAllowed):
            services.user_delete(user=busy["person"], actor=user)
    assert User.objects.filter(pk=busy["person"].pk).exists()


def test_authors_are_anonymised_not_deleted(busy, participant, superuser):
    with pytest.raises(Conflict):
        services.user_delete(user=participant, actor=superuser)
    assert User.objects.filter(pk=participant.pk).exists()


def test_anonymising_keeps_supports_and_counters_and_erases_the_person(busy):
    person = busy["person"]
    user_anonymise(user=person, actor=person)
    person.refresh_from_db()
    assert "leser" not in person.email and person.display_name == ""
    assert not person.is_active and not person.has_usable_password()
    assert not EmailAddress.objects.filter(email="leser@example.net").exists()
    assert counts(busy) == (2, 2, 2)
    call_command("check_counters")
    assert audit_verify()[0]


def test_nobody_else_anonymises_an_account(busy, personas):
    with pytest.raises(NotAllowed):
        user_anonymise(user=busy["person"], actor=personas["administrator"])
    assert User.objects.get(pk=busy["person"].pk).is_active


def test_check_counters_reports_every_kind_of_drift_and_fix_repairs_it(busy, capsys):
    contribution, comment = busy["contribution"], busy["comment"]
    Contribution.objects.filter(pk=contribution.pk).update(support_count=7, comment_count=0, open_flag_count=5)
    Comment.objects.filter(pk=comment.pk).update(open_flag_count=0)
    with pytest.raises(CommandError):
        call_command("check_counters")
    out = capsys.readouterr().out
    for field in ("support_count: stored 7, counted 2", "comment_count: stored 0, counted 1"):
        assert field in out
    assert f"contributions.contribution {contribution.pk} open_flag_count: stored 5, counted 2" in out
    assert f"contributions.comment {comment.pk} open_flag_count: stored 0, counted 2" in out
    call_command("check_counters", "--fix")
    assert counts(busy) == (2, 2, 2)
    assert Contribution.objects.get(pk=contribution.pk).comment_count == 1
    call_command("check_counters")
    assert AuditEntry.objects.filter(action="counters.repaired", data__count=4).exists()


def test_unpublished_comments_do_not_count(busy, coordinator):
    services.comment_moderate(comment=busy["comment"], user=coordinator, publish=False, reason="off_topic")
    assert Contribution.objects.get(pk=busy["contribution"].pk).comment_count == 0
    call_command("check_counters")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.net", password="x-Long-password-1")
