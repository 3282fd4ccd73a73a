"""The organisers' tally sheet of a held event and the correction page (teilhabe/events/supports.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.conftest import make_contribution, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import AnalogSupportTally, Contribution
from teilhabe.events.models import EventState
from teilhabe.events.tests.organiser_support import client_of, make_event, outsiders

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(process, personas):
    return make_event(process, state=EventState.HELD, days=-2)


def results_of(event, process, user, count) -> list[Contribution]:
    made = [make_contribution(process, user, title=f"Ergebnis {number}") for number in range(count)]
    Contribution.objects.filter(pk__in=[c.pk for c in made]).update(event=event)
    return made


def sheet_url(event) -> str:
    return reverse("events:manage_supports", kwargs={"pk": event.pk})


def correct_url(entry) -> str:
    return reverse("events:manage_supports_correct", kwargs={"pk": entry.pk})


def test_the_event_page_links_to_the_sheet_once_held(process, personas, held):
    page = client_of(personas["department_staff"]).get(reverse("events:manage_event", kwargs={"pk": held.pk}))
    assert page.status_code == 200 and sheet_url(held) in page.content.decode()
    planned = make_event(process, state=EventState.PLANNED, days=3)
    page = client_of(personas["department_staff"]).get(reverse("events:manage_event", kwargs={"pk": planned.pk}))
    assert sheet_url(planned) not in page.content.decode()


def test_who_sees_the_sheet(process, personas, held):
    assert Client().get(sheet_url(held)).status_code == 302  # to the login
    others = outsiders(process.city)
    for user in (personas["participant"], personas["evaluator"], others["other_staff"]):
        assert client_of(user).get(sheet_url(held)).status_code == 404  # as for every event page they do not manage
    planned = make_event(process, state=EventState.PLANNED, days=-1)
    assert client_of(personas["coordinator"]).get(sheet_url(planned)).status_code == 409
    for user in (personas["coordinator"], personas["department_staff"], personas["department_head"]):
        assert client_of(user).get(sheet_url(held)).status_code == 200
    for pk in ("abc", "007", "999999"):
        assert client_of(personas["coordinator"]).get(f"/verwaltung/veranstaltungen/{pk}/punkte/").status_code == 404


def test_the_sheet_lists_the_results_and_contributions_added_by_number(process, personas, held):
    result = results_of(held, process, personas["participant"], 1)[0]
    other = make_contribution(process, personas["participant"], title="Sprachcafé im Stadtteil")
    staff = client_of(personas["department_staff"])
    html = staff.get(sheet_url(held)).content.decode()
    assert f'id="anzahl-{result.pk}"' in html and f'id="anzahl-{other.pk}"' not in html
    html = staff.get(sheet_url(held), {"beitrag": [str(other.pk)]}).content.decode()
    assert f'id="anzahl-{result.pk}"' in html and f'id="anzahl-{other.pk}"' in html
    assert f'<input type="hidden" name="beitrag" value="{other.pk}">' in html  # kept when saving
    for bad in ("zwölf", "999999"):
        response = staff.get(sheet_url(held), {"beitrag": [bad]})
        assert response.status_code == 400
        assert 'href="#add-number"' in response.content.decode()
    elsewhere = make_contribution(make_process(process.city, slug="zwei"), personas["participant"], title="Anderswo")
    assert staff.get(sheet_url(held), {"beitrag": [str(elsewhere.pk)]}).status_code == 400


def test_saving_a_sheet(process, personas, held):
    result = results_of(held, process, personas["participant"], 1)[0]
    other = make_contribution(process, personas["participant"], title="Sprachcafé")
    staff = client_of(personas["department_staff"])
    response = staff.post(
        sheet_url(held),
        {f"anzahl-{result.pk}": "7", f"anzahl-{other.pk}": "2", "beitrag": [str(other.pk)], "note": "Tisch 1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#history")
    assert dict(
        Contribution.objects.filter(pk__in=[result.pk, other.pk]).values_list("pk", "analog_support_count")
    ) == {
        result.pk: 7,
        other.pk: 2,
    }
    html = staff.get(sheet_url(held)).content.decode()
    # The contribution counted here stays on the sheet, and the history shows both entries with a link to correct.
    assert f'id="anzahl-{other.pk}"' in html
    for entry in AnalogSupportTally.objects.all():
        assert f'id="entry-{entry.pk}"' in html and correct_url(entry) in html


@pytest.mark.parametrize("bad", ["-2", "sieben", "1e3"])
def test_a_bad_row_saves_nothing_and_names_the_row(process, personas, held, bad):
    first, second = results_of(held, process, personas["participant"], 2)
    response = client_of(personas["coordinator"]).post(
        sheet_url(held), {f"anzahl-{first.pk}": "4", f"anzahl-{second.pk}": bad}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#anzahl-{second.pk}"' in html and 'aria-invalid="true"' in html
    assert f'value="{bad}"' in html  # what was typed is kept
    assert not AnalogSupportTally.objects.exists()


def test_an_empty_sheet_or_a_foreign_number_is_refused(process, personas, held):
    result = results_of(held, process, personas["participant"], 1)[0]
    coordinator = client_of(personas["coordinator"])
    assert coordinator.post(sheet_url(held), {f"anzahl-{result.pk}": ""}).status_code == 400
    elsewhere = make_contribution(make_process(process.city, slug="zwei"), personas["participant"], title="Anderswo")
    response = coordinator.post(sheet_url(held), {f"anzahl-{result.pk}": "1", f"anzahl-{elsewhere.pk}": "3"})
    assert response.status_code == 400 and not AnalogSupportTally.objects.exists()
    assert client_of(personas["participant"]).post(sheet_url(held), {f"anzahl-{result.pk}": "1"}).status_code == 404
    assert Client().post(sheet_url(held), {f"anzahl-{result.pk}": "1"}).status_code == 302
    assert not AnalogSupportTally.objects.exists()


def test_the_sheet_takes_the_same_queries_for_3_or_12_rows(process, personas, held):
    def queries(rows):
        made = results_of(held, process, personas["participant"], rows)
        for contribution in made[:2]:
            services.analog_supports_enter(user=personas["coordinator"], event=held, counts={contribution.pk: 2})
        staff = client_of(personas["department_staff"])
        staff.get(sheet_url(held))  # warm the session and the caches
        with CaptureQueriesContext(connection) as captured:
            response = staff.get(sheet_url(held))
        assert response.status_code == 200
        Contribution.objects.filter(event=held).update(event=None)
        return len(captured)

    assert queries(3) == queries(12)


def test_correcting_an_entry(process, personas, held):
    result = results_of(held, process, personas["participant"], 1)[0]
    entry = services.analog_supports_enter(user=personas["coordinator"], event=held, counts={result.pk: 9})[0]
    staff = client_of(personas["department_staff"])
    assert Client().get(correct_url(entry)).status_code == 302
    assert client_of(personas["participant"]).get(correct_url(entry)).status_code == 404
    assert client_of(outsiders(process.city)["other_staff"]).get(correct_url(entry)).status_code == 404
    assert staff.get("/verwaltung/veranstaltungen/punkte/abc/korrigieren/").status_code == 404
    assert staff.get(correct_url(entry)).status_code == 200
    assert staff.post(correct_url(entry), {"count": "6", "reason": ""}).status_code == 400
    assert staff.post(correct_url(entry), {"count": "-1", "reason": "Neu gezählt"}).status_code == 400
    assert staff.post(correct_url(entry), {"count": "9", "reason": "Neu gezählt"}).status_code == 400  # no change
    assert AnalogSupportTally.objects.count() == 1
    response = staff.post(correct_url(entry), {"count": "6", "reason": "Neu gezählt"})
    assert response.status_code == 302
    assert Contribution.objects.get(pk=result.pk).analog_support_count == 6
    correction = AnalogSupportTally.objects.get(corrects=entry)
    assert (correction.count, correction.delta, correction.note) == (6, -3, "Neu gezählt")
    assert staff.post(correct_url(entry), {"count": "5", "reason": "Noch einmal"}).status_code == 409
    html = staff.get(sheet_url(held)).content.decode()
    assert correct_url(entry) not in html and correct_url(correction) in html
