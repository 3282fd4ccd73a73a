"""The list filters offer only values that occur, each with its count (issue 6, point 7)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services


def list_url(process):
    return reverse("contributions:list", kwargs={"slug": process.slug})


def options(response, name) -> dict:
    return {str(value): str(label) for value, label in response.context["form"].fields[name].choices if value != ""}


@pytest.fixture
def mixed(process, personas, city):
    nord = city.districts.get(number=2)
    author = personas["participant"]
    workshop = services.contribution_record_analog(
        process=process,
        user=personas["coordinator"],
        channel="workshop",
        title="Drei",
        body="Ergebnis eines Workshops",
        fields_of_action=[process.fields_of_action.first()],
        language="tr",
        publication_consent=True,
    )
    return [
        make_contribution(process, author, title="Eins"),
        make_contribution(process, author, title="Zwei", language="tr", district=nord),
        workshop,
    ]


def test_channel_language_and_district_offer_what_occurs_with_counts(client, process, mixed):
    client.cookies["django_language"] = "en"
    response = client.get(list_url(process))
    assert options(response, "channel") == {"online": "Online (2)", "workshop": "Workshop (1)"}
    assert options(response, "language") == {"de": "Deutsch (1)", "tr": "Türkçe (2)"}
    assert options(response, "district") == {"2": "Nord (1)"}


def test_a_value_asked_for_stays_on_offer_even_without_contributions(client, process, mixed):
    client.cookies["django_language"] = "en"
    response = client.get(list_url(process), {"channel": "letter", "district": "1"})
    assert response.status_code == 200 and list(response.context["page"].object_list) == []
    assert options(response, "channel")["letter"] == "Letter (0)"
    assert options(response, "district")["1"] == "Mitte (0)"
    assert client.get(list_url(process), {"channel": "nonsense"}).status_code == 400


def test_counts_follow_new_and_removed_contributions(
    client, process, personas, mixed, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    assert options(client.get(list_url(process)), "channel")["online"] == "Online (2)"
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, personas["participant"], title="Vier")
        services.contribution_moderate(
            contribution=mixed[2], user=personas["coordinator"], publish=False, reason="duplicate"
        )
    assert options(client.get(list_url(process)), "channel") == {"online": "Online (3)"}
    client.force_login(personas["coordinator"])
    removed = client.get(list_url(process), {"status": "removed"})
    assert options(removed, "channel") == {"workshop": "Workshop (1)"}


def test_counted_filters_add_no_queries_once_cached(
    client, process, personas, city, django_capture_on_commit_callbacks
):
    def queries():
        client.get(list_url(process))  # fills the caches
        with CaptureQueriesContext(connection) as context:
            assert client.get(list_url(process)).status_code == 200
        return len(context.captured_queries)

    make_contribution(process, personas["participant"])
    few = queries()
    with django_capture_on_commit_callbacks(execute=True):
        for number, language in [(1, "ar"), (2, "fa"), (1, "uk")]:
            make_contribution(
                process, personas["participant"], language=language, district=city.districts.get(number=number)
            )
    assert queries() == few
