import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse
from django.utils import translation

from teilhabe.conftest import make_contribution


def test_language_choice_is_remembered_in_cookie_and_account(client, participant):
    client.force_login(participant)
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "uk"
    participant.refresh_from_db()
    assert participant.preferred_language == "uk"
    assert client.post(reverse("set_language"), {"language": "xx", "next": "/"}).status_code == 302
    participant.refresh_from_db()
    assert participant.preferred_language == "uk"


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("fa", "rtl"), ("tr", "ltr"), ("de", "ltr")])
def test_confirmation_mail_in_authors_language(process, language, direction, django_capture_on_commit_callbacks):
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, AnonymousUser(), author_email="gast@example.org")
    message = mail.outbox[-1]
    assert message.extra_headers["Content-Language"] == language
    html = message.alternatives[0][0]
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_signup_mail_goes_out_in_the_chosen_language(client, db):
    client.cookies["django_language"] = "tr"
    response = client.post(
        reverse("account_signup"),
        {"email": "yeni@example.org", "password1": "a-Long-test-passw0rd", "password2": "a-Long-test-passw0rd"},
    )
    assert response.status_code == 302
    from teilhabe.accounts.models import User

    assert User.objects.get(email="yeni@example.org").preferred_language == "tr"
    message = mail.outbox[0]
    assert "E-posta" in message.subject + message.body
    assert message.extra_headers["Content-Language"] == "tr"


def test_signup_mail_in_arabic_is_right_to_left(client, db):
    client.cookies["django_language"] = "ar"
    client.post(
        reverse("account_signup"),
        {"email": "jadid@example.org", "password1": "a-Long-test-passw0rd", "password2": "a-Long-test-passw0rd"},
    )
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in message.alternatives[0][0]


def test_account_pages_address_people_formally_in_german(client, db):
    client.cookies["django_language"] = "de"
    html = client.get(reverse("account_login")).content.decode()
    assert "Sie" in html and "Du hast" not in html and "Dann erstelle" not in html
