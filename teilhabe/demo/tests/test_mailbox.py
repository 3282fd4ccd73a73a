"""Point 8 of issue 6: in the demo, the mails of the last hour are readable on a demo-only page."""

import datetime
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.urls import clear_url_caches, reverse
from django.utils import timezone
from django.utils.html import escape

import teilhabe.urls
from teilhabe.conftest import PASSWORD
from teilhabe.contributions.models import Contribution, Status

MAILBOX = "/demo/postfach/"
ROOT = Path(__file__).resolve().parents[3]


def reload_urls():
    importlib.reload(teilhabe.urls)
    clear_url_caches()


@pytest.fixture
def demo(settings, tmp_path):
    """Demo mode as `make demo` has it: the mailbox backend writing under a fresh EMAIL_FILE_PATH."""
    settings.TEILHABE_DEMO = True
    settings.EMAIL_BACKEND = "teilhabe.demo.mail.MailboxBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    reload_urls()
    yield settings
    settings.TEILHABE_DEMO = False
    reload_urls()


def test_mailbox_does_not_exist_outside_the_demo(client, db, settings):
    assert not settings.TEILHABE_DEMO
    assert client.get(MAILBOX).status_code == 404


def test_anonymous_contribution_journey_ends_in_the_mailbox(
    client, process, demo, capsys, django_capture_on_commit_callbacks
):
    field = process.fields_of_action.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contributions:create", kwargs={"slug": process.slug}),
            {
                "title": "Bänke am Spielplatz",
                "body": "Eltern brauchen Schatten.",
                "fields_of_action": [field.pk],
                "language": "de",
                "author_email": "gast@example.org",
                "publication_consent": "on",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert f'href="{MAILBOX}"' in response.content.decode()  # the "please confirm" page links the mailbox
    assert "gast@example.org" in capsys.readouterr().out  # still printed to the console

    page = client.get(MAILBOX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "gast@example.org" in html
    links = re.findall(r'<a href="(http://127\.0\.0\.1:8000/bestaetigen/[^"]+)"', html)
    assert len(links) == 1, html
    client.get(links[0].replace("http://127.0.0.1:8000", ""), follow=True)
    assert Contribution.objects.get(title="Bänke am Spielplatz").status == Status.PUBLISHED


def test_sign_up_journey_ends_in_the_mailbox(client, db, demo):
    response = client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert f'href="{MAILBOX}"' in response.content.decode()  # allauth's "verification sent" page
    html = client.get(MAILBOX).content.decode()
    links = re.findall(r'<a href="https?://testserver(/konto/confirm-email/[^"]+)"', html)
    assert len(links) == 1, html
    assert client.get(links[0]).status_code == 200


def test_only_links_to_the_site_are_clickable_and_only_the_last_hour_is_shown(client, db, demo):
    EmailMessage(
        subject="Neu",
        body="Hier: http://testserver/p/lip/ und https://evil.example/phish.",
        to=["a@example.org"],
    ).send()
    old = timezone.now() - datetime.timedelta(hours=2)
    EmailMessage(
        subject="Alt",
        body="http://testserver/alt/",
        to=["b@example.org"],
        headers={"Date": old.strftime("%a, %d %b %Y %H:%M:%S +0000")},
    ).send()
    html = client.get(MAILBOX).content.decode()
    assert '<a href="http://testserver/p/lip/">http://testserver/p/lip/</a>' in html
    assert "https://evil.example/phish" in html and 'href="https://evil.example' not in html
    assert "Alt" not in html and "b@example.org" not in html


def test_mail_text_is_escaped(client, db, demo):
    EmailMessage(subject="<b>x</b>", body='<script>alert(1)</script> http://testserver/"x', to=["c@example.org"]).send()
    html = client.get(MAILBOX).content.decode()
    assert "<script>alert(1)</script>" not in html and escape("<script>alert(1)</script>") in html
    assert "<b>x</b>" not in html


def test_an_empty_mailbox_says_so(client, db, demo):
    response = client.get(MAILBOX)
    assert response.status_code == 200 and 'class="card"' not in response.content.decode()


@pytest.mark.slow
@pytest.mark.parametrize("demo_mode,backend", [("1", "teilhabe.demo.mail.MailboxBackend"), ("0", "")])
def test_the_demo_uses_the_mailbox_backend_unless_told_otherwise(demo_mode, backend):
    env = {key: value for key, value in os.environ.items() if key not in {"EMAIL_BACKEND", "TEILHABE_DEMO"}}
    env.update({"TEILHABE_DEMO": demo_mode, "DEBUG": "1"})
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "teilhabe.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    if backend:
        assert result.stdout.strip() == backend
    else:
        assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
