"""Issue 6 H (part): allauth's mails greet from the configured site, and the demo's SITE_URL is where it runs."""

import re
import runpy
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.urls import reverse

from teilhabe.accounts.services import site_sync

MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"


def test_sign_up_confirmation_mail_comes_from_the_configured_site(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": "ein-langes-Passwort-42", "password2": "ein-langes-Passwort-42"},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    text = message.subject + message.body
    assert "example.com" not in text
    assert settings.SITE_NAME in text


def test_site_sync_follows_changed_settings(db, settings):
    settings.SITE_URL = "https://beteiligung.example.de"
    settings.SITE_NAME = "Beteiligung Hannover"
    site = site_sync()
    assert (site.domain, site.name) == ("beteiligung.example.de", "Beteiligung Hannover")


def test_demo_serves_at_the_default_site_url(monkeypatch):
    runserver = re.search(r"manage\.py runserver (\S+)", MAKEFILE.read_text(encoding="utf-8"))
    assert runserver, "make demo no longer runs runserver"
    monkeypatch.delenv("SITE_URL", raising=False)
    defaults = runpy.run_path(str(Path(settings.BASE_DIR) / "teilhabe" / "settings.py"))
    assert defaults["SITE_URL"] == f"http://{runserver.group(1)}"
    assert defaults["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "http"
