"""Files of an event: the type is sniffed from the content (never the name or the browser's word), the size is
limited, the SHA-256 kept; files are private unless marked public and served only through the permission."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.events import services
from teilhabe.events.models import EventAttachment, EventState
from teilhabe.events.tests.organiser_support import (
    client_of,
    exe_bytes,
    jpeg_bytes,
    make_event,
    outsiders,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def held(process, personas):
    return make_event(process, state=EventState.HELD, days=-2)


def add(user, event, file, *, kind="flipchart", public=False, title="Flipchart 1"):
    return services.event_attachment_add(user=user, event=event, upload=file, title=title, kind=kind, public=public)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


# Sniffing, size, checksum --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("protokoll.pdf", pdf_bytes(), "application/pdf"), ("tafel.png", png_bytes(), "image/png")]
    + [("tafel.JPG", jpeg_bytes(), "image/jpeg"), ("ohne-endung", png_bytes(), "image/png")],
)
def test_pdf_jpeg_png_are_kept_with_their_sniffed_type_and_checksum(
    coordinator, held, private_storage, name, content, mime
):
    attachment = add(coordinator, held, upload(name, content, content_type="application/octet-stream"))
    attachment.refresh_from_db()
    assert attachment.content_type == mime and attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert not attachment.is_public and attachment.uploaded_by == coordinator
    with default_storage.open(attachment.file.name, "rb") as handle:
        assert handle.read() == content
    assert not attachment.file.name.endswith(name)  # stored under a name of our own
    entry = AuditEntry.objects.get(action="event_attachment.added", object_id=str(attachment.pk))
    assert entry.data["sha256"] == attachment.sha256 and entry.data["type"] == mime


@pytest.mark.parametrize(
    ("name", "content", "claimed", "message"),
    [
        (
            "protokoll.pdf",
            exe_bytes(),
            "application/pdf",
            "Only PDF documents and JPEG or PNG images can be kept with an event.",
        ),
        (
            "bild.png",
            b"<html><script>alert(1)</script></html>",
            "image/png",
            "Only PDF documents and JPEG or PNG images can be kept with an event.",
        ),
        (
            "notizen.txt",
            b"Nur Text",
            "text/plain",
            "Only PDF documents and JPEG or PNG images can be kept with an event.",
        ),
    ],
)
def test_other_content_is_refused_whatever_name_and_browser_say(
    coordinator, held, private_storage, name, content, claimed, message
):
    with pytest.raises(ApplicationError) as caught:
        add(coordinator, held, upload(name, content, content_type=claimed))
    assert caught.value.field_errors == {"file": gettext(message)}
    assert not EventAttachment.objects.exists() and stored_files(private_storage) == []


def test_a_png_claimed_as_pdf_is_refused(coordinator, held, private_storage):
    with pytest.raises(ApplicationError) as caught:
        add(coordinator, held, upload("protokoll.pdf", png_bytes(), content_type="application/pdf"))
    assert caught.value.field_errors == {
        "file": gettext(
            "The file's name ends in .%(suffix)s, but its content is a %(type)s file. Please check the file."
        )
        % {"suffix": "pdf", "type": "PNG"}
    }
    assert not EventAttachment.objects.exists() and stored_files(private_storage) == []


def test_an_oversized_file_is_refused(coordinator, held, settings, private_storage):
    settings.TEILHABE_EVENT_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as caught:
        add(coordinator, held, upload("gross.pdf", pdf_bytes() + b"%" * 200))
    assert "file" in caught.value.field_errors and caught.value.status_code == 400
    assert not EventAttachment.objects.exists() and stored_files(private_storage) == []


def test_empty_file_and_bad_kind_or_title(coordinator, held):
    with pytest.raises(ApplicationError):
        add(coordinator, held, upload("leer.pdf", b""))
    with pytest.raises(ApplicationError) as caught:
        add(coordinator, held, upload("a.pdf", pdf_bytes()), kind="video", title=" ")
    assert set(caught.value.field_errors) == {"kind", "title"}
    assert not EventAttachment.objects.exists()


# Who adds, sees and removes files ----------------------------------------------------------------------------


def test_a_file_of_a_planned_event_that_has_begun_marks_it_held(process, personas):
    event = make_event(process, days=-1)
    add(personas["department_staff"], event, upload("a.pdf", pdf_bytes()))
    event.refresh_from_db()
    assert event.state == EventState.HELD


def test_no_files_before_the_event_or_for_a_cancelled_one(process, coordinator, personas):
    with pytest.raises(Conflict):
        add(coordinator, make_event(process), upload("a.pdf", pdf_bytes()))
    with pytest.raises(Conflict):
        add(coordinator, make_event(process, state=EventState.CANCELLED, days=-1), upload("a.pdf", pdf_bytes()))


@pytest.mark.parametrize("role", ["participant", "organisation_representative", "evaluator"])
def test_outsiders_add_no_files(held, personas, role):
    with pytest.raises(NotAllowed):
        add(personas[role], held, upload("a.pdf", pdf_bytes()))


def test_download_asks_the_permission(process, personas, held, city, client):
    others = outsiders(city)
    private = add(personas["coordinator"], held, upload("intern.pdf", pdf_bytes()), kind="minutes", title="Intern")
    public = add(personas["coordinator"], held, upload("tafel.png", png_bytes()), public=True, title="Tafel 1")
    private_url = reverse("events:attachment", kwargs={"pk": private.pk})
    public_url = reverse("events:attachment", kwargs={"pk": public.pk})

    response = client.get(public_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline") and "tafel-1.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == png_bytes()

    assert client.get(private_url).status_code == 404
    for user in (personas["participant"], others["other_staff"], others["other_representative"]):
        assert client_of(user).get(private_url).status_code == 404
    for role in ("coordinator", "department_staff", "department_head"):
        response = client_of(personas[role]).get(private_url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
        assert "private" in response["Cache-Control"]


def test_public_file_of_an_unpublished_process_stays_hidden(process, personas, held, client):
    public = add(personas["coordinator"], held, upload("tafel.png", png_bytes()), public=True)
    process.is_published = False
    process.save()
    assert client.get(reverse("events:attachment", kwargs={"pk": public.pk})).status_code == 404


def test_publish_and_remove(personas, held, private_storage, django_capture_on_commit_callbacks):
    staff = personas["department_staff"]
    attachment = add(staff, held, upload("a.pdf", pdf_bytes()))
    services.event_attachment_publish(user=staff, attachment=attachment, public=True)
    attachment.refresh_from_db()
    assert attachment.is_public
    with pytest.raises(NotAllowed):
        services.event_attachment_remove(user=personas["participant"], attachment=attachment)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_attachment_remove(user=staff, attachment=attachment)
    assert not EventAttachment.objects.exists() and stored_files(private_storage) == []
    entry = AuditEntry.objects.get(action="event_attachment.removed")
    assert entry.data["sha256"] == attachment.sha256


# The minutes page's upload form ----------------------------------------------------------------------------------


def test_upload_form(process, personas, held, private_storage):
    client = client_of(personas["department_staff"])
    url = reverse("events:manage_attachment_add", kwargs={"pk": held.pk})
    response = client.post(
        url, {"title": "Tafel", "kind": "flipchart", "file": upload("t.png", png_bytes(), "image/png")}
    )
    assert response.status_code == 302 and EventAttachment.objects.count() == 1
    response = client.post(url, {"title": "Virus", "kind": "minutes", "file": upload("v.pdf", exe_bytes())})
    assert response.status_code == 400
    assert gettext("Only PDF documents and JPEG or PNG images can be kept with an event.") in response.content.decode()
    assert client.post(url, {"title": "Ohne Datei", "kind": "minutes"}).status_code == 400
    assert EventAttachment.objects.count() == 1
    page = client.get(reverse("events:manage_minutes", kwargs={"pk": held.pk})).content.decode()
    attachment = EventAttachment.objects.get()
    assert reverse("events:attachment", kwargs={"pk": attachment.pk}) in page
    publish = reverse("events:manage_attachment_publish", kwargs={"pk": attachment.pk})
    assert client.post(publish, {"public": "on"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.is_public
    remove = reverse("events:manage_attachment_remove", kwargs={"pk": attachment.pk})
    assert client_of(personas["participant"]).post(remove).status_code == 404
    assert client.post(remove).status_code == 302
    assert not EventAttachment.objects.exists()


def test_outsiders_cannot_upload(process, personas, held, city):
    others = outsiders(city)
    url = reverse("events:manage_attachment_add", kwargs={"pk": held.pk})
    for user in (others["other_staff"], personas["organisation_representative"]):
        response = client_of(user).post(url, {"title": "x", "kind": "minutes", "file": upload("a.pdf", pdf_bytes())})
        assert response.status_code == 404
    assert not EventAttachment.objects.exists()
