"""A council member's photo: stored only with consent, sniffed and re-encoded, shown on the district page beside the
member's name, reachable by its URL only while the consent lasts, deleted when it ends or the seat does."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import services
from teilhabe.councils.models import CouncilMembership
from teilhabe.councils.tests.conftest import EN, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def image_bytes(fmt="JPEG", size=(1200, 900), mode="RGB", exif=True) -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    out = io.BytesIO()
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "Kamerahersteller"  # Make
        data[0x8825] = {1: "N", 2: (52.0, 22.0, 30.0)}  # GPS
        image.save(out, format=fmt, exif=data.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def upload(content: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def named(space, coordinator):
    return services.membership_add(
        user=coordinator, space=space, person=person("ada@example.org", "Ada Adler"), role="chair", name_public=True
    )


def photo_url(process, membership):
    return reverse("councils:member_photo", kwargs={"slug": process.slug, "number": "1", "member": str(membership.pk)})


def district_html(client, process) -> str:
    cache.clear()
    return client.get(reverse("councils:district", kwargs={"slug": process.slug, "number": "1"}), **EN).content.decode()


def test_a_photo_with_consent_is_stored_small_without_metadata_and_shown(client, process, coordinator, named):
    services.membership_photo_set(user=coordinator, membership=named, upload=upload(image_bytes()), consent=True)
    named.refresh_from_db()
    assert named.photo_public and named.photo.name.startswith("councils/photos/") and named.photo.name.endswith(".jpg")
    with named.photo.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG" and max(stored.size) == services.PHOTO_EDGE
        assert not stored.getexif()  # no camera, no place
    html = district_html(client, process)
    assert photo_url(process, named) in html
    response = client.get(photo_url(process, named))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-cache" and response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="council.member_photo_set")
    assert entry.data["width"] == services.PHOTO_EDGE and len(entry.data["sha256"]) == 64


def test_png_and_webp_with_transparency_are_taken(coordinator, named):
    for fmt, name in (("PNG", "a.png"), ("WEBP", "a.webp")):
        content = image_bytes(fmt, size=(300, 200), mode="RGBA")
        services.membership_photo_set(user=coordinator, membership=named, upload=upload(content, name), consent=True)
        named.refresh_from_db()
        with named.photo.open("rb") as handle, Image.open(handle) as stored:
            assert stored.format == "JPEG" and stored.size == (300, 200)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "foto.jpg", "must be a JPEG, PNG or WebP"),
        (b"GIF89a" + b"\0" * 100, "foto.jpg", "must be a JPEG, PNG or WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "foto.png", "must be a JPEG, PNG or WebP"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 200, "foto.jpg", "could not be read"),  # a JPEG's head, nothing after
        (b"", "foto.jpg", "empty"),
    ],
)
def test_what_is_not_a_photo_is_refused(private_storage, coordinator, named, content, name, message):
    with pytest.raises(ApplicationError) as refused:
        services.membership_photo_set(user=coordinator, membership=named, upload=upload(content, name), consent=True)
    assert message in str(refused.value.field_errors["photo"])
    named.refresh_from_db()
    assert not named.photo and not named.photo_public
    assert not list(private_storage.rglob("*.jpg"))


def test_a_photo_too_large_is_refused(settings, coordinator, named):
    settings.TEILHABE_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ApplicationError) as refused:
        services.membership_photo_set(user=coordinator, membership=named, upload=upload(image_bytes()), consent=True)
    assert "too large" in str(refused.value.field_errors["photo"])


def test_no_photo_without_consent_to_it_and_to_the_name(coordinator, space, named, member):
    with pytest.raises(ApplicationError) as refused:
        services.membership_photo_set(user=coordinator, membership=named, upload=upload(image_bytes()), consent=False)
    assert "consent" in refused.value.field_errors
    unnamed = CouncilMembership.objects.get(space=space, user=member)  # not named publicly
    with pytest.raises(ApplicationError):
        services.membership_photo_set(user=coordinator, membership=unnamed, upload=upload(image_bytes()), consent=True)
    assert not CouncilMembership.objects.exclude(photo="").exists()


def test_only_coordinators_store_or_delete_photos(personas, coordinator, named, member, other_member):
    for user in (member, other_member, personas["department_staff"], personas["participant"]):
        with pytest.raises(NotAllowed):
            services.membership_photo_set(user=user, membership=named, upload=upload(image_bytes()), consent=True)
    services.membership_photo_set(user=coordinator, membership=named, upload=upload(image_bytes()), consent=True)
    with pytest.raises(NotAllowed):
        services.membership_photo_remove(user=member, membership=named)


@pytest.mark.parametrize("how", ["photo_consent", "name_consent", "membership_ends"])
def test_the_photo_goes_when_the_consent_or_the_seat_ends_and_its_url_leaks_nothing(
    client, private_storage, process, coordinator, named, how, django_capture_on_commit_callbacks
):
    services.membership_photo_set(user=coordinator, membership=named, upload=upload(image_bytes()), consent=True)
    named.refresh_from_db()
    url = photo_url(process, named)
    stored = private_storage / named.photo.name
    assert stored.exists() and client.get(url).status_code == 200
    district = reverse("councils:district", kwargs={"slug": process.slug, "number": "1"})
    assert url in client.get(district, **EN).content.decode()  # now in the page cache
    with django_capture_on_commit_callbacks(execute=True):
        if how == "photo_consent":
            services.membership_photo_remove(user=coordinator, membership=named)
        elif how == "name_consent":
            services.membership_change(
                user=coordinator, membership=named, role="chair", term_start=None, term_end=None, name_public=False
            )
        else:
            services.membership_remove(user=coordinator, membership=named)
    assert not stored.exists()
    assert client.get(url).status_code == 404
    assert url not in client.get(district, **EN).content.decode()  # the next request, the cache not cleared
    assert url.split("?")[0] not in district_html(client, process)
    reasons = {"photo_consent": "photo_consent_withdrawn", "name_consent": "name_consent_withdrawn"}
    entry = AuditEntry.objects.get(action="council.member_photo_removed")
    assert entry.data["reason"] == reasons.get(how, "membership_ended")


def test_a_photo_without_consent_is_not_reachable_by_url(client, process, coordinator, named, space, other_space):
    """Leak test: a stored file the public may not see answers exactly like a missing one, whatever the URL."""
    services.membership_photo_set(user=coordinator, membership=named, upload=upload(image_bytes()), consent=True)
    named.refresh_from_db()
    # Consent recorded as withdrawn behind the service's back (a bug elsewhere): the file stays, the URL refuses.
    CouncilMembership.objects.filter(pk=named.pk).update(photo_public=False)
    assert client.get(photo_url(process, named)).status_code == 404
    CouncilMembership.objects.filter(pk=named.pk).update(photo_public=True, name_public=False)
    assert client.get(photo_url(process, named)).status_code == 404
    CouncilMembership.objects.filter(pk=named.pk).update(name_public=True)
    # The member's id under another district, another process, or malformed: no photo.
    other = reverse("councils:member_photo", kwargs={"slug": process.slug, "number": "2", "member": str(named.pk)})
    assert client.get(other).status_code == 404
    for member in ("0", "x", f"{named.pk}0", "-1"):
        bad = reverse("councils:member_photo", kwargs={"slug": process.slug, "number": "1", "member": member})
        assert client.get(bad).status_code == 404
    assert client.get(photo_url(process, named)).status_code == 200  # and with consent it is there
    assert named.photo.name not in district_html(client, process)  # the stored name is never published


def test_the_membership_page_uploads_and_deletes(client, process, coordinator, named, member):
    page = reverse("councils:membership_photo", kwargs={"pk": named.space_id, "member": named.pk})
    client.force_login(member)
    assert client.post(page, {"photo": upload(image_bytes()), "consent": "on"}).status_code == 403
    client.force_login(coordinator)
    form_page = reverse("councils:membership", kwargs={"pk": named.space_id, "member": named.pk})
    assert 'enctype="multipart/form-data"' in client.get(form_page, **EN).content.decode()
    refused = client.post(page, {"photo": upload(b"not an image", "x.jpg")}, **EN)
    assert refused.status_code == 400 and "consent" in refused.content.decode()
    refused = client.post(page, {"photo": upload(b"not an image", "x.jpg"), "consent": "on"}, **EN)
    assert refused.status_code == 400 and "must be a JPEG, PNG or WebP" in refused.content.decode()
    assert client.post(page, {"photo": upload(image_bytes()), "consent": "on"}, **EN).status_code == 302
    named.refresh_from_db()
    assert named.photo
    preview = re.search(
        r'<img src="([^"]+)" alt="The photo shown publicly"', client.get(form_page, **EN).content.decode()
    )
    assert (
        preview and client.get(preview.group(1).replace("&amp;", "&")).status_code == 200
    )  # the coordinator's preview
    assert client.post(page, {"remove": "1"}, **EN).status_code == 302
    named.refresh_from_db()
    assert not named.photo
    with pytest.raises(Conflict):
        services.membership_photo_remove(user=coordinator, membership=named)


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "P", "LA", "1"])
def test_unusual_image_modes_are_taken_or_refused_cleanly(coordinator, named, mode):
    image = Image.new(mode, (64, 48))
    out = io.BytesIO()
    image.save(out, format="JPEG" if mode == "CMYK" else "PNG")
    try:
        services.membership_photo_set(user=coordinator, membership=named, upload=upload(out.getvalue()), consent=True)
    except ApplicationError as refused:
        assert "photo" in refused.field_errors
        return
    named.refresh_from_db()
    with named.photo.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG" and stored.mode in ("RGB", "L")
