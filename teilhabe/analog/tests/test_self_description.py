"""The paper form's voluntary box, entered with the form: a self-description apart from the contribution."""

import pytest
from django.urls import reverse

from teilhabe.analog.tests.conftest import serial
from teilhabe.analog.tests.test_views import posted, url
from teilhabe.contributions.models import Contribution
from teilhabe.events.tests.organiser_support import client_of
from teilhabe.profiles.models import SelfDescription, Source

pytestmark = pytest.mark.django_db


def test_the_voluntary_box_is_stored_apart_from_the_contribution(process, coordinator, print_run, city):
    district = city.districts.get(number=2)
    response = client_of(coordinator).post(
        url(process),
        posted(
            process,
            about_age_band="45_64",
            about_gender="female",
            about_district=str(district.pk),
            about_migration_experience="family",
            about_languages=["tr", "de"],
        ),
    )
    assert response.status_code == 302
    assert Contribution.objects.count() == 1
    description = SelfDescription.objects.get()
    assert (description.source, description.age_band, description.district) == (Source.PAPER_FORM, "45_64", district)
    assert sorted(description.languages.values_list("language", flat=True)) == ["de", "tr"]


def test_an_empty_box_stores_nothing(process, coordinator, print_run):
    assert client_of(coordinator).post(url(process), posted(process)).status_code == 302
    assert Contribution.objects.count() == 1 and not SelfDescription.objects.exists()


def test_a_letter_has_no_box_and_nothing_is_saved(process, coordinator, print_run):
    response = client_of(coordinator).post(
        url(process), posted(process, channel="letter", form_serial="", about_gender="male")
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists() and not SelfDescription.objects.exists()


def test_a_bad_answer_is_refused_with_nothing_saved(process, coordinator, print_run):
    response = client_of(coordinator).post(url(process), posted(process, about_age_band="200"))
    assert response.status_code == 400
    assert not Contribution.objects.exists() and not SelfDescription.objects.exists()


def test_the_screen_offers_the_box(process, coordinator, print_run):
    html = client_of(coordinator).get(reverse("analog:entry", kwargs={"slug": process.slug})).content.decode()
    assert 'name="about_age_band"' in html and 'name="about_languages"' in html
    assert serial(process, 1)  # the print run exists: a paper form can be entered
