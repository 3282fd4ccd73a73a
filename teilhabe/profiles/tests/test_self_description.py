import pytest
from django.urls import reverse

from teilhabe.core.errors import ApplicationError
from teilhabe.profiles import services
from teilhabe.profiles.models import SelfDescribedLanguage, SelfDescription, Source


def test_a_self_description_keeps_nothing_that_names_a_person(process, city):
    group = process.target_groups.first()
    description = services.self_description_create(
        process=process,
        source=Source.ONLINE,
        age_band="30_44",
        gender="female",
        district=city.districts.first(),
        migration_experience="own",
        languages=["ar", "de"],
        target_groups=[group],
    )
    assert description.month.day == 1  # the month only, never the day or time
    names = {field.name for field in SelfDescription._meta.get_fields()}
    assert not names & {"user", "author", "contribution", "registration", "created_at", "event"}
    assert sorted(SelfDescribedLanguage.objects.values_list("language", flat=True)) == ["ar", "de"]


def test_an_empty_self_description_is_not_stored(process):
    assert services.self_description_create(process=process, source=Source.ONLINE) is None
    assert not SelfDescription.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [{"age_band": "99"}, {"languages": ["xx"]}, {"source": "phone"}, {"gender": "robot"}],
)
def test_bad_answers_are_refused_and_nothing_is_saved(process, bad):
    data = {"process": process, "source": Source.ONLINE, "age_band": "18_29", **bad}
    with pytest.raises(ApplicationError):
        services.self_description_create(**data)
    assert not SelfDescription.objects.exists()


def test_a_district_of_another_city_is_refused(process, city):
    from teilhabe.places.models import City, District

    other = City.objects.create(name="Anderswo", slug="anderswo")
    district = District.objects.create(city=other, number=1, name="Mitte")
    with pytest.raises(ApplicationError):
        services.self_description_create(process=process, source=Source.ONLINE, district=district)


def test_the_page_stores_answers_once_per_browser_and_can_be_skipped(client, process, city):
    url = reverse("profiles:describe", kwargs={"slug": process.slug})
    page = client.get(url + "?next=/p/lip/")
    assert page.status_code == 200
    assert 'href="/p/lip/"' in page.content.decode()  # the skip link
    answer = {"age_band": "18_29", "district": city.districts.first().pk, "languages": ["tr"], "next": "/p/lip/"}
    response = client.post(url, answer)
    assert response.status_code == 302 and response["Location"] == "/p/lip/"
    client.post(url, answer)
    assert SelfDescription.objects.count() == 1
    assert SelfDescription.objects.get().source == Source.ONLINE


def test_the_page_refuses_bad_input_with_400(client, process):
    url = reverse("profiles:describe", kwargs={"slug": process.slug})
    response = client.post(url, {"age_band": "200_plus"})
    assert response.status_code == 400
    assert not SelfDescription.objects.exists()


def test_an_offsite_next_is_ignored(client, process):
    url = reverse("profiles:describe", kwargs={"slug": process.slug})
    response = client.post(url + "?next=https://evil.example/", {"gender": "male"})
    assert response["Location"] == f"/p/{process.slug}/"


def test_the_pages_after_taking_part_offer_the_self_description(client, process, personas):
    import datetime

    from django.utils import timezone

    from teilhabe.events.models import Event, Registration

    start = timezone.now() + datetime.timedelta(days=3)
    event = Event.objects.create(
        process=process,
        type="workshop",
        title="Werkstatt",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state="planned",
        organiser_department=personas["department_staff"].department_memberships.first().department,
    )
    registration = Registration.objects.create(
        event=event, name="Ada", email="ada@example.org", language="de", state="confirmed", token="t" * 40
    )
    offer = reverse("profiles:describe", kwargs={"slug": process.slug})
    html = client.get(reverse("events:registration", kwargs={"token": registration.token})).content.decode()
    assert offer in html
    html = client.get(reverse("events:registration_submitted", kwargs={"pk": event.pk})).content.decode()
    assert offer in html
