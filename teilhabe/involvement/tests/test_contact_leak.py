"""Issue 14 (3, 8): contact persons (name, e-mail, phone) never appear on a public page, in an export or in a mail
to others. Every organisation gets contact data carrying a unique marker; every output of the directory, the
organisation pages, the coverage matrix and the invitations is fetched and searched for it."""

import io
import zipfile

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.stakeholders import services as registry
from teilhabe.stakeholders.models import ContactPerson, Organisation, Representative

MARKER = "Zq7Leak"


def _texts(content: bytes) -> list[str]:
    """A response body as text; a zip file (XLSX, ODS) as the text of every member."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return [content.decode("utf-8", "replace")]


def _assert_clean(label: str, content: bytes, markers) -> None:
    for text in _texts(content):
        for marker in markers:
            assert marker not in text, f"{marker!r} leaked into {label}"


def test_contact_data_never_leaves_the_coordinators_page(
    client, personas, process, registry_orgs, workshop, django_capture_on_commit_callbacks, tmp_path
):
    coordinator = personas["coordinator"]
    markers_of = {}
    for number, organisation in enumerate(Organisation.objects.all()):
        name, email, phone = f"{MARKER}Name{number}", f"{MARKER.lower()}{number}@example.org", f"+49 511 97{number}31"
        ContactPerson.objects.create(organisation=organisation, name=name, email=email, phone=phone)
        markers_of[organisation.pk] = {name, email, phone}
    everything = {MARKER, MARKER.lower(), *[marker for markers in markers_of.values() for marker in markers]}
    # A self-registered organisation with its contact, checked and listed.
    client.force_login(personas["participant"])
    client.post(
        reverse("stakeholders:register"),
        {
            "name": "Neuer Verein",
            "type": "supporter_circle",
            "languages": ["de"],
            "mail_language": "de",
            "listed_publicly": "on",
            "contact_name": f"{MARKER}Selbst",
            "contact_email": f"{MARKER.lower()}self@example.org",
            "contact_phone": "+49 511 4242",
        },
    )
    newcomer = Organisation.objects.get(name="Neuer Verein")
    registry.organisation_check(actor=coordinator, organisation=newcomer)
    everything |= {f"{MARKER}Selbst", f"{MARKER.lower()}self@example.org", "+49 511 4242"}
    Representative.objects.create(
        organisation=registry_orgs["awo"],
        user=personas["jury_member"],
        verified_by=coordinator,
        verified_at=workshop.starts_at,
    )
    contribution = make_contribution(process, personas["jury_member"], organisation=registry_orgs["awo"])

    public = [reverse("stakeholders:directory", args=[process.slug])]
    public += [
        reverse("stakeholders:directory", args=[process.slug]) + query
        for query in ("?type=welfare", "?language=ar", "?q=verein")
    ]
    public += [
        reverse("involvement:organisation", args=[process.slug, pk])
        for pk in Organisation.objects.values_list("pk", flat=True)
    ]
    public += [
        reverse("contributions:detail", args=[contribution.pk]),
        reverse("processes:detail", args=[process.slug]),
    ]
    for reader in (None, personas["participant"], personas["organisation_representative"]):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        for url in public:
            response = client.get(url)
            assert response.status_code in {200, 404}, url
            _assert_clean(url, response.content, everything)

    # The coordinators' outputs other than the organisation's own page: matrix, drill-down, exports, invitations.
    client.force_login(coordinator)
    outputs = [reverse("involvement:coverage", args=[process.slug]) + f"?by={by}" for by in ("field", "district")]
    outputs += [
        reverse("involvement:export", args=[process.slug, format]) + f"?by={by}"
        for format in ("xlsx", "ods", "csv")
        for by in ("field", "district")
    ]
    outputs += [reverse("involvement:cell", args=[process.slug]) + "?by=field&type=welfare&all=1"]
    outputs += [reverse("stakeholders:registry"), reverse("stakeholders:registry") + "?pruefen=1"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("involvement:invitations", args=[process.slug]),
            {
                "target": "event",
                "event": workshop.pk,
                "types": [value for value, _label in Organisation._meta.get_field("type").choices],
            },
        )
    assert response.status_code == 302
    outputs += [reverse("involvement:invitations", args=[process.slug])]
    for url in outputs:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(url, response.content, everything)
    for by in ("field", "district"):
        for format in ("xlsx", "ods", "csv"):
            output = tmp_path / f"matrix.{format}"
            call_command(
                "coverage_matrix", process=process.slug, by=by, format=format, output=str(output), stdout=io.StringIO()
            )
            _assert_clean(f"coverage_matrix {by} {format}", output.read_bytes(), everything)

    # Mails: one per address; a mail names no contact person, and carries no other recipient's address or phone.
    assert mail.outbox
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        own = message.to[0]
        parts = [message.subject, message.body, *[content for content, _type in message.alternatives]]
        for part in parts:
            for marker in everything - {own}:
                assert marker not in part.replace(own, ""), f"{marker!r} leaked into the mail to {own}"
    # And the contacts are there for the coordinators (the test would pass vacuously otherwise).
    page = client.get(reverse("stakeholders:work", args=[registry_orgs["awo"].pk])).content.decode()
    assert all(marker in page for marker in markers_of[registry_orgs["awo"].pk])
