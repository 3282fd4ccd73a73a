"""Issue 14: the registry in the site — coordinators add and check organisations, organisations register
themselves, the public directory lists only what may be public, contact persons stay with coordinators."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teilhabe.core.models import AuditEntry
from teilhabe.stakeholders import services
from teilhabe.stakeholders.models import ContactPerson, Organisation, OrganisationType, Representative


def profile(**overrides):
    data = {
        "name": "Afrikanischer Elternverein",
        "type": OrganisationType.MIGRANT_ORGANISATION,
        "languages": ["de", "ar"],
        "description": "Eltern helfen Eltern.",
        "website": "https://example.org",
        "mail_language": "ar",
        "listed_publicly": True,
    }
    data.update(overrides)
    return data


def form_data(process, city, **overrides):
    data = {
        "name": "Gewerkschaftsjugend",
        "type": "union",
        "districts": [city.districts.first().pk],
        "fields_of_interest": [process.fields_of_action.first().pk],
        "languages": ["de", "tr"],
        "description": "Junge Gewerkschafter.",
        "website": "example.org",
        "mail_language": "tr",
        "listed_publicly": "on",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_an_organisation_in_the_site(client, personas, process, city):
    client.force_login(personas["coordinator"])
    response = client.post(reverse("stakeholders:new"), form_data(process, city))
    organisation = Organisation.objects.get(name="Gewerkschaftsjugend")
    assert response.status_code == 302 and response["Location"] == reverse("stakeholders:work", args=[organisation.pk])
    assert organisation.checked_by == personas["coordinator"] and organisation.is_listed
    assert organisation.website == "https://example.org"
    assert sorted(organisation.languages.values_list("language", flat=True)) == ["de", "tr"]
    assert list(organisation.districts.all()) == [city.districts.first()]
    assert AuditEntry.objects.filter(action="organisation.created", object_id=str(organisation.pk)).exists()


def test_bad_input_is_a_400_with_the_errors_and_nothing_saved(client, personas, process, city):
    Organisation.objects.create(name="Gewerkschaftsjugend", type="union")
    client.force_login(personas["coordinator"])
    response = client.post(reverse("stakeholders:new"), form_data(process, city, type="nonsense", districts=["x"]))
    assert response.status_code == 400
    assert "type" in response.context["form"].errors and "districts" in response.context["form"].errors
    response = client.post(reverse("stakeholders:new"), form_data(process, city, name="gewerkschaftsjugend"))
    assert response.status_code == 400
    assert "already" in str(response.context["form"].errors["name"])
    assert Organisation.objects.filter(name__iexact="gewerkschaftsjugend").count() == 1


@pytest.mark.parametrize("role", ["participant", "organisation_representative", "department_head", "administrator"])
def test_only_coordinators_keep_the_registry(client, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("stakeholders:registry")).status_code == 403
    assert client.get(reverse("stakeholders:new")).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.organisation_create(actor=personas[role], **profile())


def test_self_registration_waits_for_a_check_before_it_is_listed(client, personas, process, city):
    participant = personas["participant"]
    client.force_login(participant)
    data = form_data(process, city, contact_name="Frau Muster", contact_email="muster@example.org")
    response = client.post(reverse("stakeholders:register"), data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Gewerkschaftsjugend")
    assert organisation.checked_at is None and organisation.registered_by == participant
    representative = Representative.objects.get(organisation=organisation)
    assert representative.user == participant and representative.verified_at is None
    assert ContactPerson.objects.get(organisation=organisation).email == "muster@example.org"
    directory = reverse("stakeholders:directory", args=[process.slug])
    assert "Gewerkschaftsjugend" not in client.get(directory).content.decode()
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    assert "Gewerkschaftsjugend" in client.get(reverse("stakeholders:registry") + "?pruefen=1").content.decode()
    assert client.post(reverse("stakeholders:check", args=[organisation.pk])).status_code == 302
    assert client.post(reverse("stakeholders:verify", args=[organisation.pk, representative.pk])).status_code == 302
    representative.refresh_from_db()
    assert representative.verified_by == coordinator
    assert "Gewerkschaftsjugend" in client.get(directory).content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "organisation.registered",
        "representative.requested",
        "organisation.checked",
        "representative.verified",
    } <= actions
    with pytest.raises(services.Conflict):
        services.organisation_check(actor=coordinator, organisation=organisation)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("stakeholders:register"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_coordinator_cannot_verify_themselves_in_the_site(client, personas):
    coordinator = personas["coordinator"]
    organisation = Organisation.objects.create(name="Kreis", type="supporter_circle", checked_at=timezone.now())
    own = Representative.objects.create(organisation=organisation, user=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("stakeholders:verify", args=[organisation.pk, own.pk]), follow=True)
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.verified_at is None
    errors = [message for message in response.context["messages"] if message.level_tag == "error"]
    assert len(errors) == 1


def test_a_person_asks_to_represent_and_leaves(client, personas, process):
    organisation = services.organisation_create(actor=personas["coordinator"], **profile())
    participant = personas["participant"]
    client.force_login(participant)
    assert client.post(reverse("stakeholders:represent", args=[organisation.pk])).status_code == 302
    representative = Representative.objects.get(organisation=organisation, user=participant)
    assert client.post(reverse("stakeholders:represent", args=[organisation.pk])).status_code == 409
    page = client.get(reverse("stakeholders:mine")).content.decode()
    assert organisation.name in page
    assert client.post(reverse("stakeholders:leave", args=[representative.pk])).status_code == 302
    assert not Representative.objects.filter(pk=representative.pk).exists()
    assert AuditEntry.objects.filter(action="representative.left").exists()
    # Someone else's representation cannot be ended by a participant.
    other = Representative.objects.create(organisation=organisation, user=personas["jury_member"])
    assert client.post(reverse("stakeholders:leave", args=[other.pk])).status_code == 404


def test_the_directory_lists_only_checked_organisations_that_agreed_and_filters(client, personas, process, city):
    coordinator = personas["coordinator"]
    mitte, nord = city.districts.order_by("number")
    bildung, soziales = process.fields_of_action.order_by("order")
    services.organisation_create(
        actor=coordinator, **profile(name="Arabischer Kulturverein", districts=[mitte], fields_of_interest=[bildung])
    )
    services.organisation_create(
        actor=coordinator,
        **profile(
            name="Caritas Nord", type="welfare", languages=["de"], districts=[nord], fields_of_interest=[soziales]
        ),
    )
    services.organisation_create(actor=coordinator, **profile(name="Nicht gelistet", listed_publicly=False))
    Organisation.objects.create(name="Ungeprüft", type="other", listed_publicly=True)
    url = reverse("stakeholders:directory", args=[process.slug])

    def names(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        return [organisation.name for organisation in response.context["page"].object_list]

    assert names() == ["Arabischer Kulturverein", "Caritas Nord"]
    assert names("?type=welfare") == ["Caritas Nord"]
    assert names(f"?district={mitte.pk}") == ["Arabischer Kulturverein"]
    assert names(f"?field={soziales.pk}") == ["Caritas Nord"]
    assert names("?language=ar") == ["Arabischer Kulturverein"]
    assert names("?q=caritas") == ["Caritas Nord"]
    assert client.get(url + "?type=bogus&district=99999999999999999999999").status_code == 400
    assert client.get(url + "?page=99").status_code == 404


def test_the_directory_queries_do_not_grow_with_rows(client, personas, process, city):
    coordinator = personas["coordinator"]
    url = reverse("stakeholders:directory", args=[process.slug])

    def add(count, start):
        for number in range(start, start + count):
            services.organisation_create(
                actor=coordinator, **profile(name=f"Verein {number}", districts=list(city.districts.all()))
            )

    add(2, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(8, 10)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_registry_queries_do_not_grow_with_rows(client, personas):
    coordinator = personas["coordinator"]
    client.force_login(coordinator)
    url = reverse("stakeholders:registry")
    for number in range(2):
        services.organisation_create(actor=coordinator, **profile(name=f"A {number}"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(8):
        organisation = services.organisation_create(actor=coordinator, **profile(name=f"B {number}"))
        Representative.objects.create(organisation=organisation, user=personas["participant"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_contact_persons_are_added_and_deleted_by_coordinators_audited(client, personas):
    coordinator = personas["coordinator"]
    organisation = services.organisation_create(actor=coordinator, **profile())
    client.force_login(coordinator)
    url = reverse("stakeholders:contact_add", args=[organisation.pk])
    response = client.post(url, {"contact_name": "Herr Beispiel", "contact_email": "", "contact_phone": "abc"})
    assert response.status_code == 400 and not ContactPerson.objects.exists()
    response = client.post(url, {"contact_name": "Herr Beispiel", "contact_phone": "+49 511 123"})
    assert response.status_code == 302
    contact = ContactPerson.objects.get()
    page = client.get(reverse("stakeholders:work", args=[organisation.pk])).content.decode()
    assert "+49 511 123" in page
    delete = reverse("stakeholders:contact_delete", args=[organisation.pk, contact.pk])
    assert client.post(delete).status_code == 302
    assert not ContactPerson.objects.exists()
    entries = AuditEntry.objects.filter(action__startswith="contact_person.")
    assert set(entries.values_list("action", flat=True)) == {"contact_person.added", "contact_person.deleted"}
    assert all("Beispiel" not in str(entry.data) and "511" not in str(entry.data) for entry in entries)
    client.force_login(personas["participant"])
    assert client.post(url, {"contact_name": "X", "contact_phone": "1"}).status_code == 403


def test_contact_persons_are_purged_after_the_retention_period(personas, settings):
    organisation = services.organisation_create(actor=personas["coordinator"], **profile())
    old = services.contact_person_add(actor=personas["coordinator"], organisation=organisation, name="Alt", phone="1")
    services.contact_person_add(actor=personas["coordinator"], organisation=organisation, name="Neu", phone="2")
    ContactPerson.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=settings.TEILHABE_CONTACT_RETENTION_DAYS + 1)
    )
    call_command("purge_contact_persons", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(ContactPerson.objects.values_list("name", flat=True)) == ["Neu"]
    entry = AuditEntry.objects.get(action="contact_person.purged")
    assert entry.data["count"] == 1
    assert services.contact_persons_purge() == 0


def test_the_self_description_is_translated_and_shown_in_the_readers_language(client, personas, process, settings):
    settings.LANGUAGE_CODE = "de"  # the registry's texts are written in the site's language
    coordinator = personas["coordinator"]
    organisation = services.organisation_create(actor=coordinator, **profile())
    client.force_login(coordinator)
    url = reverse("stakeholders:translation", args=[organisation.pk])
    assert client.post(url, {"language": "de", "text": "x"}).status_code == 400
    assert client.post(url, {"language": "ar", "text": "الآباء يساعدون الآباء."}).status_code == 302
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(reverse("involvement:organisation", args=[process.slug, organisation.pk])).content.decode()
    assert "الآباء يساعدون الآباء." in page and "Eltern helfen Eltern." not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = client.get(reverse("involvement:organisation", args=[process.slug, organisation.pk])).content.decode()
    assert "Eltern helfen Eltern." in page
