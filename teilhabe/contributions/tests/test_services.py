import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from teilhabe.conftest import make_contribution, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import Comment, Contribution, Status, Support
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.models import AuditEntry
from teilhabe.core.services import audit_verify


def test_online_contribution_is_published_at_once_under_post_moderation(process, participant):
    contribution = make_contribution(process, participant, title="  Titel\x00 mit Steuerzeichen  ")
    assert contribution.status == Status.PUBLISHED
    assert contribution.published_at is not None
    assert contribution.title == "Titel mit Steuerzeichen"
    assert contribution.licence == process.contribution_licence
    assert contribution.channel == "online" and contribution.entered_by is None
    assert AuditEntry.objects.filter(action="contribution.created", object_id=str(contribution.pk)).count() == 1


def test_pre_moderation_keeps_contribution_in_queue(city, personas):
    process = make_process(city, slug="pre", moderation="pre")
    contribution = make_contribution(process, personas["participant"])
    assert contribution.status == Status.IN_MODERATION


def test_anonymous_contribution_waits_for_email_confirmation(process, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contribution = make_contribution(process, AnonymousUser(), author_email="Gast@Example.org")
    assert contribution.status == Status.AWAITING_CONFIRMATION
    assert contribution.author is None and contribution.author_email == "gast@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["gast@example.org"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/bestaetigen/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    confirmed = services.contribution_confirm_email(token=token)
    assert confirmed.status == Status.PUBLISHED and confirmed.email_confirmed_at is not None
    # Confirming again changes nothing.
    assert services.contribution_confirm_email(token=token).status == Status.PUBLISHED


def test_tampered_confirmation_token_is_rejected(process):
    contribution = make_contribution(process, AnonymousUser(), author_email="gast@example.org")
    with pytest.raises(NotFound):
        services.contribution_confirm_email(token=services.contribution_confirmation_token(contribution) + "x")


def test_anonymous_contribution_needs_email(process):
    with pytest.raises(ApplicationError) as error:
        make_contribution(process, AnonymousUser())
    assert "author_email" in error.value.field_errors
    assert not Contribution.objects.exists()


def test_validation_reports_every_field_and_saves_nothing(process, participant):
    with pytest.raises(ApplicationError) as error:
        make_contribution(process, participant, title=" ", body="", fields_of_action=[], publication_consent=False)
    assert set(error.value.field_errors) == {"title", "body", "fields_of_action", "publication_consent"}
    assert not Contribution.objects.exists()
    assert not AuditEntry.objects.exists()


def test_fields_of_another_process_are_refused(process, closed_process, participant):
    with pytest.raises(ApplicationError) as error:
        make_contribution(process, participant, fields_of_action=[closed_process.fields_of_action.first()])
    assert "fields_of_action" in error.value.field_errors


def test_neighbourhood_must_lie_in_district(process, participant, city):
    mitte, nord = city.districts.order_by("number")
    with pytest.raises(ApplicationError) as error:
        make_contribution(process, participant, district=mitte, neighbourhood=nord.neighbourhoods.first())
    assert "neighbourhood" in error.value.field_errors
    contribution = make_contribution(process, participant, neighbourhood=nord.neighbourhoods.first())
    assert contribution.district == nord


def test_closed_phase_refuses_contributions(closed_process, participant):
    with pytest.raises(NotAllowed):
        make_contribution(closed_process, participant)


def test_contributing_for_an_organisation_needs_verified_representation(process, personas):
    from teilhabe.stakeholders.models import Organisation

    organisation = Organisation.objects.get()
    contribution = make_contribution(process, personas["organisation_representative"], organisation=organisation)
    assert contribution.organisation == organisation
    with pytest.raises(NotAllowed):
        make_contribution(process, personas["participant"], organisation=organisation)


def test_support_once_withdraw_and_counter(contribution, personas):
    participant = personas["participant"]
    assert services.support_add(contribution=contribution, user=participant) is True
    assert services.support_add(contribution=contribution, user=participant) is False
    assert services.support_add(contribution=contribution, user=personas["coordinator"]) is True
    contribution.refresh_from_db()
    assert contribution.support_count == 2 == Support.objects.filter(contribution=contribution).count()
    assert services.support_withdraw(contribution=contribution, user=participant) is True
    assert services.support_withdraw(contribution=contribution, user=participant) is False
    contribution.refresh_from_db()
    assert contribution.support_count == 1


def test_support_needs_account_and_open_phase(contribution, closed_process, personas):
    with pytest.raises(NotAllowed):
        services.support_add(contribution=contribution, user=AnonymousUser())
    closed = Contribution.objects.create(
        process=closed_process,
        title="t",
        body="b",
        author=personas["participant"],
        status=Status.PUBLISHED,
        publication_consent=True,
    )
    with pytest.raises(NotAllowed):
        services.support_add(contribution=closed, user=personas["participant"])


def test_comments_count_and_replies_stay_one_level(contribution, personas):
    first = services.comment_create(contribution=contribution, user=personas["participant"], body="Gute Idee")
    reply = services.comment_create(contribution=contribution, user=personas["coordinator"], body="Danke", parent=first)
    deeper = services.comment_create(contribution=contribution, user=personas["participant"], body="Ja", parent=reply)
    assert deeper.parent == first
    contribution.refresh_from_db()
    assert contribution.comment_count == 3
    with pytest.raises(ApplicationError):
        services.comment_create(contribution=contribution, user=personas["participant"], body="   ")


def test_moderation_removes_with_reason_and_restores_counts(contribution, personas):
    coordinator, participant = personas["coordinator"], personas["participant"]
    comment = services.comment_create(contribution=contribution, user=participant, body="Beleidigung")
    assert services.flag_create(contribution=contribution, user=coordinator, reason="insulting", comment=comment)
    assert not services.flag_create(contribution=contribution, user=coordinator, reason="insulting", comment=comment)
    with pytest.raises(NotAllowed):
        services.comment_moderate(comment=comment, user=participant, publish=False, reason="insulting")
    with pytest.raises(ApplicationError):
        services.comment_moderate(comment=comment, user=coordinator, publish=False, reason="")
    services.comment_moderate(comment=comment, user=coordinator, publish=False, reason="insulting")
    contribution.refresh_from_db()
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED and comment.open_flag_count == 0
    assert contribution.comment_count == 0
    removed = services.contribution_moderate(
        contribution=contribution, user=coordinator, publish=False, reason="off_topic"
    )
    assert removed.status == Status.REMOVED and removed.removal_reason == "off_topic"
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_awaiting_confirmation_cannot_be_published_by_moderator(process, coordinator):
    contribution = make_contribution(process, AnonymousUser(), author_email="gast@example.org")
    with pytest.raises(Conflict):
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=True)


def test_audit_chain_is_intact_after_a_session_of_work(contribution, personas):
    services.support_add(contribution=contribution, user=personas["participant"])
    services.comment_create(contribution=contribution, user=personas["participant"], body="Ja")
    ok, count, broken = audit_verify()
    assert ok and count == 3 and broken is None
