"""Notifications of public steps: who gets which mail, once, in which language, and how to stop them."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from teilhabe.administration import services
from teilhabe.administration.models import Notification, PublicStep, Subscription
from teilhabe.administration.tasks import notifications_for_steps
from teilhabe.administration.tests.conftest import another_contribution
from teilhabe.contributions import services as contribution_services
from teilhabe.contributions.models import Contribution
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (the task, on the immediate backend)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def route(committed, process, coordinator, contributions, department):
    committed(services.routing_route, user=coordinator, process=process, contributions=contributions, lead=department)


def decide(committed, process, coordinator, contributions, justification="Wird im Haushalt 2026 umgesetzt."):
    committed(
        services.disposition_decide,
        user=coordinator,
        process=process,
        contributions=contributions,
        outcome="adopted",
        justification=justification,
    )


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def anonymous_contribution(process, committed, *, email="gast@example.org", language="ar", confirm=True):
    with mock.patch("teilhabe.contributions.services._send_confirmation_mail"):
        contribution = another_contribution(
            process, AnonymousUser(), author_email=email, author_language=language, title="Anonym"
        )
    if confirm:
        token = contribution_services.contribution_confirmation_token(contribution)
        contribution = committed(contribution_services.contribution_confirm_email, token=token)
    return contribution


def test_the_author_gets_one_mail_per_step_even_if_the_task_runs_twice(
    committed, process, coordinator, contribution, participant, department
):
    route(committed, process, coordinator, [contribution], department)
    assert len(mails_to(participant.email)) == 1
    subscription = Subscription.objects.get(contribution=contribution, user=participant)
    assert subscription.reason == "author" and subscription.unsubscribed_at is None
    step_ids = list(PublicStep.objects.filter(contribution=contribution).values_list("pk", flat=True))
    assert notifications_for_steps.call(step_ids=step_ids) == 0
    services.notifications_for_steps(step_ids=step_ids)
    assert len(mails_to(participant.email)) == 1
    notification = Notification.objects.get(subscription=subscription)
    assert notification.claimed_at is not None and notification.sent_at is not None

    decide(committed, process, coordinator, [contribution])
    assert len(mails_to(participant.email)) == 2
    assert Notification.objects.filter(subscription=subscription, sent_at__isnull=False).count() == 2


def test_a_claimed_notification_is_not_sent_again(committed, process, coordinator, contribution, department):
    with mock.patch("teilhabe.administration.services._step_mails_send", return_value=0):
        route(committed, process, coordinator, [contribution], department)
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now())  # another run took it
    services.notifications_for_steps(step_ids=[notification.step_id])
    # Even a run that read the row before the other claimed it (a race) sends nothing: the claim decides.
    assert services._step_mails_send(Notification.objects.all(), connection=None) == 0
    assert mail.outbox == []


def test_the_mail_says_what_happened_with_links_and_one_click_unsubscribe_headers(
    committed, process, coordinator, contribution, participant, department
):
    route(committed, process, coordinator, [contribution], department)
    message = mails_to(participant.email)[0]
    token = Subscription.objects.get(user=participant).token
    url = settings.SITE_URL + f"/benachrichtigungen/{token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert settings.SITE_URL + reverse("contributions:detail", kwargs={"pk": contribution.pk}) in message.body
    assert "Soziales" in message.body
    # No text the author (or anyone typing an address into a form) wrote: the title stays on the page.
    assert contribution.title not in message.body and contribution.title not in message.subject
    assert contribution.body not in message.body


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("uk", "ltr"), ("de", "ltr")])
def test_the_mail_is_in_the_recipients_language(
    committed, process, coordinator, contribution, participant, department, language, direction
):
    participant.preferred_language = language
    participant.save(update_fields=["preferred_language"])
    route(committed, process, coordinator, [contribution], department)
    message = mails_to(participant.email)[0]
    assert message.extra_headers["Content-Language"] == language
    assert f'<html lang="{language}" dir="{direction}">' in message.alternatives[0][0]


def test_a_confirmed_anonymous_author_is_notified_in_the_language_they_wrote_in(
    committed, process, coordinator, department
):
    contribution = anonymous_contribution(process, committed, language="fa")
    route(committed, process, coordinator, [contribution], department)
    (message,) = mails_to("gast@example.org")
    assert message.extra_headers["Content-Language"] == "fa"
    assert '<html lang="fa" dir="rtl">' in message.alternatives[0][0]
    assert Subscription.objects.get(contribution=contribution).email == "gast@example.org"


def test_an_unconfirmed_address_and_analog_input_without_author_get_nothing(
    committed, process, coordinator, department, paper_contribution
):
    contribution = anonymous_contribution(process, committed)
    Contribution.objects.filter(pk=contribution.pk).update(email_confirmed_at=None)
    route(committed, process, coordinator, [contribution, paper_contribution], department)
    assert mail.outbox == []
    assert not Subscription.objects.exists() and not Notification.objects.exists()


def test_the_statement_is_sent_in_the_recipients_language_and_no_internal_text_ever(
    committed, process, coordinator, contribution, participant, department, other_department, personas
):
    participant.preferred_language = "ar"
    participant.save(update_fields=["preferred_language"])
    services.routing_route(
        user=coordinator,
        process=process,
        contributions=[contribution],
        lead=department,
        contributing=[other_department],
    )
    staff, head = personas["department_staff"], personas["department_head"]
    services.note_add(user=staff, contribution=contribution, text="GEHEIM-NOTIZ nur intern")
    services.statement_input_add(user=other_department.staff_member, contribution=contribution, text="GEHEIM-INPUT")
    statement = services.statement_save(user=staff, contribution=contribution, text="GEHEIM-ENTWURF")
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=False, comment="GEHEIM-RUECKGABE")
    statement = services.statement_save(user=staff, contribution=contribution, text="Wir bieten ab Mai Kurse an.")
    services.statement_submit(user=staff, statement=statement)
    services.statement_review(user=head, statement=statement, sign_off=True)
    services.statement_translation_set(user=staff, statement=statement, language="ar", text="نقدم دورات من مايو.")
    committed(services.statement_publish, user=staff, statement=statement)
    decide(committed, process, coordinator, [contribution], justification="Begründung der Abwägung")
    services.notifications_for_steps(step_ids=list(PublicStep.objects.values_list("pk", flat=True)))
    mails = mails_to(participant.email)
    assert len(mails) == 3  # routed (the task of the uncommitted routing run above by hand), statement, decision
    text = "\n".join(message.body + message.alternatives[0][0] for message in mail.outbox)
    assert "نقدم دورات من مايو." in text and "Wir bieten ab Mai Kurse an." not in text
    assert "Begründung der Abwägung" in text  # no Arabic translation: the German original, said so
    for secret in ("GEHEIM-NOTIZ", "GEHEIM-INPUT", "GEHEIM-ENTWURF", "GEHEIM-RUECKGABE"):
        assert secret not in text


def test_one_click_post_unsubscribes_without_csrf_token_and_the_form_keeps_csrf(
    committed, process, coordinator, contribution, participant, department
):
    route(committed, process, coordinator, [contribution], department)
    subscription = Subscription.objects.get(user=participant)
    url = reverse("administration:unsubscribe", kwargs={"token": subscription.token})
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"action": "unsubscribe"}).status_code == 403  # the page's own form: CSRF checked
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    entry = AuditEntry.objects.get(action="subscription.unsubscribed")
    assert entry.data["one_click"] is True and entry.object_id == str(subscription.pk)


def test_an_author_who_unsubscribed_gets_nothing_later_and_is_not_subscribed_again(
    committed, client, process, coordinator, contribution, participant, department
):
    route(committed, process, coordinator, [contribution], department)
    subscription = Subscription.objects.get(user=participant)
    url = reverse("administration:unsubscribe", kwargs={"token": subscription.token})
    assert client.post(url, {"action": "unsubscribe"}).status_code == 302
    decide(committed, process, coordinator, [contribution])
    assert len(mails_to(participant.email)) == 1
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert Subscription.objects.filter(contribution=contribution).count() == 1


def test_the_settings_page_changes_delivery_and_answers_404_for_an_unknown_token(
    committed, client, process, coordinator, contribution, participant, department
):
    route(committed, process, coordinator, [contribution], department)
    subscription = Subscription.objects.get(user=participant)
    url = reverse("administration:unsubscribe", kwargs={"token": subscription.token})
    page = client.get(url)
    assert page.status_code == 200 and contribution.title in page.content.decode()
    assert page.headers["Cache-Control"].startswith("max-age=0")
    assert client.post(url, {"action": "daily_digest"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.delivery == "daily_digest"
    assert AuditEntry.objects.filter(action="subscription.delivery_changed").count() == 1
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.get(reverse("administration:unsubscribe", kwargs={"token": "x" * 43})).status_code == 404
    assert client.post(reverse("administration:unsubscribe", kwargs={"token": "nope"}), {}).status_code == 404


def test_the_digest_sends_one_mail_with_several_steps_once(
    committed, process, coordinator, participant, department, other_department
):
    first = another_contribution(process, participant, title="Erster")
    second = another_contribution(process, participant, title="Zweiter")
    for item in (first, second):
        services.subscription_subscribe(user=participant, contribution=item, delivery="daily_digest")
    route(committed, process, coordinator, [first, second], department)
    decide(committed, process, coordinator, [first])
    assert mail.outbox == []
    assert Notification.objects.filter(sent_at__isnull=True).count() == 3
    now = timezone.now()
    assert services.notifications_send_digests(now=now) == 0  # not a day old yet
    later = now + datetime.timedelta(hours=settings.TEILHABE_NOTIFICATION_DIGEST_HOURS, minutes=1)
    assert services.notifications_send_digests(now=later) == 1
    assert services.notifications_send_digests(now=later) == 0
    (message,) = mail.outbox
    assert f"/beitraege/{first.pk}/" in message.body and f"/beitraege/{second.pk}/" in message.body
    assert message.body.count("Soziales") == 2
    assert "List-Unsubscribe=One-Click" == message.extra_headers["List-Unsubscribe-Post"]
    assert "?scope=all" in message.extra_headers["List-Unsubscribe"]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_digests_one_click_unsubscribes_from_everything(committed, process, coordinator, participant, department):
    first = another_contribution(process, participant, title="Erster")
    second = another_contribution(process, participant, title="Zweiter")
    for item in (first, second):
        services.subscription_subscribe(user=participant, contribution=item, delivery="daily_digest")
    route(committed, process, coordinator, [first, second], department)
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    services.notifications_send_digests(now=later)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = header.removeprefix(settings.SITE_URL)
    assert Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.filter(unsubscribed_at__isnull=True).exists()


def test_a_failed_send_is_released_and_sent_later_by_housekeeping(
    committed, process, coordinator, contribution, participant, department
):
    with mock.patch("teilhabe.administration.services.send_localised_mail", side_effect=OSError("smtp down")):
        route(committed, process, coordinator, [contribution], department)
    notification = Notification.objects.get()
    assert notification.claimed_at is None and notification.sent_at is None
    assert services.notifications_send_pending() == 0  # too fresh: the task may still be on its way
    later = timezone.now() + datetime.timedelta(minutes=20)
    assert services.notifications_send_pending(now=later) == 1
    assert services.notifications_send_pending(now=later) == 0
    assert len(mails_to(participant.email)) == 1


def test_supporters_opt_in_needs_sign_in_and_a_visible_published_contribution(
    client, committed, process, coordinator, contribution, personas, department, other_department
):
    url = reverse("administration:subscribe", kwargs={"pk": contribution.pk})
    response = client.post(url, {"delivery": "each_step"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not Subscription.objects.exists()
    for reader in (personas["evaluator"], other_department.staff_member, other_department.head):
        client.force_login(reader)
        assert client.get(url).status_code == 200
        response = client.post(url, {"delivery": "each_step"})
        subscription = Subscription.objects.get(user=reader)
        assert response.status_code == 302 and response.url.endswith(f"/benachrichtigungen/{subscription.token}/")
        assert subscription.reason == "supporter"
    assert AuditEntry.objects.filter(action="subscription.created").count() == 3
    client.force_login(personas["evaluator"])
    assert client.post(url, {"delivery": "weekly"}).status_code == 400
    hidden = another_contribution(process, personas["participant"], title="Versteckt")
    Contribution.objects.filter(pk=hidden.pk).update(status="in_moderation")
    for pk in (hidden.pk, "abc", "0", "99999999999999999999999", 10**9):
        assert client.post(reverse("administration:subscribe", kwargs={"pk": pk}), {}).status_code == 404
    route(committed, process, coordinator, [contribution], department)
    for reader in (personas["evaluator"], other_department.staff_member, other_department.head):
        assert len(mails_to(reader.email)) == 1
        message = mails_to(reader.email)[0]
        with translation.override(message.extra_headers["Content-Language"]):
            follower = gettext(
                "There is news about contribution no. %(number)s, which you follow on our participation platform."
            ) % {"number": contribution.pk}
        assert follower in message.body.replace("\n", " ")


def test_the_author_sees_their_own_unpublished_contribution_but_cannot_subscribe(client, process, participant):
    hidden = another_contribution(process, participant, title="Versteckt")
    Contribution.objects.filter(pk=hidden.pk).update(status="in_moderation")
    client.force_login(participant)
    assert client.post(reverse("administration:subscribe", kwargs={"pk": hidden.pk}), {}).status_code == 403


def test_the_subscribe_link_on_the_public_page_holds_no_personal_state(client, contribution, participant):
    from django.template.loader import render_to_string

    anonymous = render_to_string("administration/_subscribe.html", {"contribution": contribution})
    client.force_login(participant)
    request = client.get("/").wsgi_request
    signed_in = render_to_string("administration/_subscribe.html", {"contribution": contribution}, request=request)
    assert anonymous == signed_in and "csrfmiddlewaretoken" not in anonymous
    assert reverse("administration:subscribe", kwargs={"pk": contribution.pk}) in anonymous


def _task_queries(step_ids) -> tuple[int, int]:
    sent_before = len(mail.outbox)
    with CaptureQueriesContext(connection) as queries:
        services.notifications_for_steps(step_ids=step_ids)
    return len(queries), len(mail.outbox) - sent_before


def test_queries_of_the_task_grow_only_by_what_each_mail_needs(process, coordinator, participant, department):
    def batch(count):
        items = [another_contribution(process, participant, title=f"Beitrag {n}") for n in range(count)]
        services.routing_route(user=coordinator, process=process, contributions=items, lead=department)
        return list(PublicStep.objects.filter(contribution__in=items).values_list("pk", flat=True))

    small_queries, small_mails = _task_queries(batch(2))
    large_queries, large_mails = _task_queries(batch(12))
    assert (small_mails, large_mails) == (2, 12)
    # A claim and a mark per mail; everything else (steps, authors, subscriptions, details) is per batch.
    assert large_queries - small_queries <= 2 * (large_mails - small_mails)
