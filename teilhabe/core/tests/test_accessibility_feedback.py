from django.core import mail
from django.urls import reverse

from teilhabe.core.models import AccessibilityFeedback


def test_statement_page_and_feedback_reach_coordinators(client, personas, django_capture_on_commit_callbacks):
    coordinator = personas["coordinator"]
    coordinator.preferred_language = "en"
    coordinator.save()
    url = reverse("core:accessibility")
    page = client.get(url)
    assert page.status_code == 200 and "EN 301 549" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Der Kontrast im Kalender ist zu schwach.", "page_url": "/p/lip/"})
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page_url == "/p/lip/" and feedback.language == "de"
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"
    assert "Der Kontrast im Kalender" in mail.outbox[0].body


def test_empty_feedback_is_refused(client, db):
    response = client.post(reverse("core:accessibility"), {"message": "  ", "email": "kein-mail"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"message", "email"}
    assert not AccessibilityFeedback.objects.exists()
