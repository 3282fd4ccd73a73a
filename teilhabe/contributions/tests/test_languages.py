"""Contributions in any language: detected, shown, corrected by staff, filterable, machine-translated."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.models import ContributionTranslation, LanguageSource
from teilhabe.core.errors import NotAllowed
from teilhabe.core.models import AuditEntry


def test_language_is_detected_when_author_leaves_it_open(process, participant):
    contribution = make_contribution(
        process, participant, title="Dil kursları", body="Mahallemizde çocuk bakımlı daha fazla dil kursu istiyoruz."
    )
    assert contribution.language == "tr" and contribution.language_source == LanguageSource.DETECTED


def test_authors_choice_wins(process, participant):
    contribution = make_contribution(process, participant, language="en")
    assert contribution.language == "en" and contribution.language_source == LanguageSource.AUTHOR


def test_undetectable_text_is_marked_other(process, participant):
    contribution = make_contribution(process, participant, title="ok", body="12345 !!")
    assert contribution.language == "other"


def test_staff_correct_the_language_and_it_is_audited(client, contribution, personas):
    url = reverse("contributions:language", kwargs={"pk": contribution.pk})
    client.force_login(personas["participant"])
    assert client.post(url, {"language": "tr"}).status_code == 403
    client.force_login(personas["coordinator"])
    assert client.post(url, {"language": "xx"}).status_code == 400
    assert client.post(url, {"language": "tr"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.language == "tr" and contribution.language_source == LanguageSource.STAFF
    assert AuditEntry.objects.filter(action="contribution.language_set").exists()
    with pytest.raises(NotAllowed):
        services.contribution_set_language(contribution=contribution, user=personas["evaluator"], language="de")


class FakeTranslator(BaseHTTPRequestHandler):
    """A LibreTranslate-shaped HTTP service on localhost; answers 500 when told to fail."""

    fail = False
    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeTranslator.requests.append((self.path, payload, dict(self.headers)))
        if FakeTranslator.fail:
            self.send_response(500)
            self.end_headers()
            return
        if self.path.endswith("/v2/translate"):
            body = {"translations": [{"text": f"[{payload['target_lang']}] {t}"} for t in payload["text"]]}
        else:
            body = {"translatedText": [f"[{payload['target']}] {t}" for t in payload["q"]]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def translator(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTranslator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTranslator.fail, FakeTranslator.requests = False, []
    settings.MT_BACKEND, settings.MT_URL, settings.MT_API_KEY = (
        "libretranslate",
        f"http://127.0.0.1:{server.server_port}",
        "k",
    )
    yield FakeTranslator
    server.shutdown()


def test_machine_translation_is_marked_and_stored_apart(client, contribution, translator):
    client.cookies["django_language"] = "en"
    url = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    page = client.get(url).content.decode()
    assert 'href="?uebersetzen=1"' in page
    response = client.get(url + "?uebersetzen=1")
    html = response.content.decode()
    assert f"[en] {contribution.title}" in html and "machine-translation" in html
    assert contribution.body in html  # the original stays on the page
    stored = ContributionTranslation.objects.get(contribution=contribution, language="en")
    assert stored.engine == "libretranslate"
    contribution.refresh_from_db()
    assert contribution.title == "Mehr Sprachkurse mit Kinderbetreuung"  # original untouched
    client.get(url + "?uebersetzen=1")
    assert len(translator.requests) == 1  # stored, not asked again
    assert translator.requests[0][1]["api_key"] == "k"


def test_deepl_compatible_backend(contribution, translator, settings):
    settings.MT_BACKEND = "deepl"
    stored = services.contribution_translation_get(contribution=contribution, language="en")
    assert stored.title.startswith("[EN-GB] ")
    path, payload, headers = translator.requests[0]
    assert path == "/v2/translate" and payload["source_lang"] == "DE"
    assert headers["Authorization"] == "DeepL-Auth-Key k"


def test_failing_translation_shows_original_and_breaks_nothing(client, contribution, translator):
    translator.fail = True
    client.cookies["django_language"] = "en"
    response = client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk}) + "?uebersetzen=1")
    assert response.status_code == 200
    assert contribution.body in response.content.decode()
    assert not ContributionTranslation.objects.exists()


def test_unreachable_translation_service(client, contribution, settings):
    settings.MT_BACKEND, settings.MT_URL, settings.MT_TIMEOUT = "libretranslate", "http://127.0.0.1:9", 1
    assert services.contribution_translation_get(contribution=contribution, language="en") is None


def test_off_by_default(client, contribution):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("contributions:detail", kwargs={"pk": contribution.pk}) + "?uebersetzen=1")
    assert response.status_code == 200 and 'href="?uebersetzen=1"' not in response.content.decode()
    assert services.contribution_translation_get(contribution=contribution, language="en") is None
