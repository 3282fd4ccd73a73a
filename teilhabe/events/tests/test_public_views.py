"""The public pages of events: the calendar, an event's page, registration with and without an account, a
registration's own page, and the process page's next events. Bad input answers 4xx, never 500."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from teilhabe.conftest import make_contribution
from teilhabe.contributions.models import Contribution
from teilhabe.core.models import ContentTranslation
from teilhabe.core.services import content_translation_set
from teilhabe.events import services
from teilhabe.events.models import Event, EventAttachment, EventState, EventType, Registration, RegistrationState
from teilhabe.events.tests.conftest import ANONYMOUS, public_event

pytestmark = pytest.mark.django_db


def german() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="de")


def signed_in(user) -> Client:
    client = german()
    client.force_login(user)
    return client


def calendar_url(process, query=""):
    return reverse("events:calendar", kwargs={"slug": process.slug}) + query


def detail_url(event):
    return reverse("events:detail", kwargs={"pk": event.pk})


def text(response) -> str:
    return response.content.decode()


# The calendar


def test_calendar_lists_upcoming_events_and_announces_its_feed(process, personas):
    soon = public_event(process, title="Erstes Treffen", days=2)
    later = public_event(process, title="Zweites Treffen", days=9, state=EventState.CANCELLED)
    public_event(process, title="Schon vorbei", days=-3, state=EventState.HELD)
    public_event(process, title="Nur vorgeschlagen", state=EventState.PROPOSED)
    public_event(process, title="Abgelehnt", state=EventState.DECLINED)
    response = german().get(calendar_url(process))
    assert response.status_code == 200
    page = text(response)
    assert page.index("Erstes Treffen") < page.index("Zweites Treffen")
    assert "Schon vorbei" not in page and "Nur vorgeschlagen" not in page and "Abgelehnt" not in page
    feed = reverse("events:feed", kwargs={"slug": process.slug})
    assert f'<link rel="alternate" type="text/calendar" href="{feed}"' in page
    assert detail_url(soon) in page and detail_url(later) in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00">', page)
    with translation.override("de"):
        assert gettext("Cancelled") in page


def test_calendar_past_tab(process, personas):
    public_event(process, title="Vorgestern", days=-2, state=EventState.HELD)
    public_event(process, title="Letzte Woche", days=-7, state=EventState.HELD)
    public_event(process, title="Morgen", days=1)
    page = text(german().get(calendar_url(process, "?when=past&district=1")))
    assert page.index("Vorgestern") < page.index("Letzte Woche") and "Morgen" not in page
    # The tabs keep the filters and leave the page number behind.
    assert f'<a href="{calendar_url(process)}?district=1">' in page
    assert f'<a href="{calendar_url(process)}?when=past&amp;district=1" aria-current="page">' in page
    assert page.count('class="event-state-held"') == 2


def test_an_event_marked_held_before_its_end_is_upcoming_and_says_held(process, personas):
    public_event(process, title="Läuft noch", days=-0.05, hours=4, state=EventState.HELD)
    public_event(process, title="Morgen", days=1)
    page = text(german().get(calendar_url(process)))
    assert "Läuft noch" in page and "Morgen" in page
    assert page.count('class="event-state-held"') == 1 and 'class="event-state-cancelled"' not in page


@pytest.mark.parametrize(
    "query,shown",
    [
        ("?district=2", {"Nord"}),
        ("?type=info_stand", {"Stand"}),
        ("?field=soziales", {"Sozial"}),
        ("?language=ar", {"Arabisch"}),
        ("?step_free=on", {"Rampe"}),
        ("?hearing_loop=on&childcare=on", {"Kinder"}),
        ("?sign_language=on", set()),
        ("", {"Nord", "Stand", "Sozial", "Arabisch", "Rampe", "Kinder"}),
    ],
)
def test_calendar_filters(process, personas, query, shown):
    nord = process.city.districts.get(number=2)
    public_event(process, title="Nord", district=nord)
    public_event(process, title="Stand", type=EventType.INFO_STAND)
    public_event(process, title="Sozial").fields_of_action.set([process.fields_of_action.get(slug="soziales")])
    public_event(process, title="Arabisch", languages=("ar",))
    public_event(process, title="Rampe", step_free=True)
    public_event(process, title="Kinder", hearing_loop=True, childcare=True)
    response = german().get(calendar_url(process, query))
    assert response.status_code == 200
    titles = set(re.findall(r'<h3><a href="/veranstaltungen/\d+/"><span lang="de">([^<]+)</span>', text(response)))
    assert titles == shown


@pytest.mark.parametrize(
    "query,status",
    [("?district=99", 400), ("?type=party", 400), ("?language=xx", 400), ("?when=yesterday", 400), ("?page=5", 404)],
)
def test_calendar_bad_input(process, personas, query, status):
    public_event(process)
    assert german().get(calendar_url(process, query)).status_code == status


def test_calendar_of_an_unknown_process_is_404(db):
    assert german().get(reverse("events:calendar", kwargs={"slug": "nichts"})).status_code == 404


def test_calendar_pages_and_its_queries_do_not_grow_with_its_rows(process, personas, settings):
    settings.TEILHABE_PAGE_SIZE = 5
    settings.TEILHABE_PAGE_CACHE = False
    for number in range(2):
        public_event(process, title=f"Treffen {number}", days=number + 1, languages=("ar",))
    client = german()
    client.get(calendar_url(process))  # the process and the names are cached now
    with CaptureQueriesContext(connection) as few:
        client.get(calendar_url(process))
    for number in range(2, 12):
        public_event(process, title=f"Treffen {number}", days=number + 1, languages=("tr",))
    cache.clear()  # the events were made directly, without the services that bump the calendar's version
    client.get(calendar_url(process, "?page=2"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(calendar_url(process, "?page=2"))
    assert len(many.captured_queries) == len(few.captured_queries) <= 3
    assert "Treffen 5" in text(response) and "Treffen 4" not in text(response)


def test_calendar_home_sends_to_the_only_process(process, personas, closed_process):
    closed_process.is_published = False
    closed_process.save()
    cache.clear()
    response = german().get(reverse("events:calendar_home"))
    assert response.status_code == 302 and response["Location"] == calendar_url(process)


def test_calendar_home_lists_processes_when_there_are_several(process, closed_process, personas):
    response = german().get(reverse("events:calendar_home"))
    assert response.status_code == 200
    assert calendar_url(process) in text(response) and calendar_url(closed_process) in text(response)


# An event's page


def test_event_page_shows_everything_a_visitor_needs(process, personas):
    event = public_event(process, languages=("ar", "tr"), step_free=True, childcare=True, capacity=2)
    event.fields_of_action.set([process.fields_of_action.first()])
    event.target_groups.set([process.target_groups.first()])
    response = german().get(detail_url(event))
    assert response.status_code == 200
    page = text(response)
    start = event.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert f'<time datetime="{start.isoformat()}">' in page
    assert "https://www.openstreetmap.org/?mlat=52.374500&amp;mlon=9.738100" in page
    assert "<iframe" not in page and '<script src="http' not in page
    assert "Stadtteilzentrum" in page and "Hauptstraße 1" in page and "Mitte" in page
    assert "50 Soziales" in page  # the organiser
    assert "Bildung" in page and "Geflüchtete" in page
    with translation.override("de"):
        assert gettext("Arabic") in page and gettext("Turkish") in page
        assert gettext("Register for this event") in page
    assert "2 of 2 places left" in page or "2 von 2" in page
    assert reverse("events:event_ics", kwargs={"pk": event.pk}) in page
    assert "csrfmiddlewaretoken" not in page  # anonymous readers get the page from the cache


def test_event_page_without_coordinates_links_a_search_for_the_address(process, personas):
    event = public_event(process, latitude=None, longitude=None, venue_address="Marktplatz 3")
    assert "openstreetmap.org/search?query=Marktplatz+3%2C+Teststadt" in text(german().get(detail_url(event)))


def test_cancelled_event_shows_its_reason_prominently(process, personas):
    event = public_event(process, state=EventState.CANCELLED)
    page = text(german().get(detail_url(event)))
    with translation.override("de"):
        heading = gettext("This event has been cancelled")
    assert heading in page and "Der Raum ist nicht verfügbar." in page
    assert page.index(heading) < page.index("Stadtteilzentrum")
    assert reverse("events:register", kwargs={"pk": event.pk}) not in page


def test_event_page_is_in_the_readers_language(process, personas):
    event = public_event(process)
    content_translation_set(obj=event, field="title", language="ar", text="حوار الحي", state="checked")
    content_translation_set(obj=event, field="description", language="ar", text="نتحدث عن دورات اللغة", state="checked")
    page = text(Client(HTTP_ACCEPT_LANGUAGE="ar").get(detail_url(event)))
    assert '<html lang="ar" dir="rtl">' in page
    assert "حوار الحي" in page and "نتحدث عن دورات اللغة" in page
    assert ContentTranslation.objects.count() == 2


def test_held_event_shows_its_results_and_public_documents(process, personas, participant):
    event = public_event(process, state=EventState.HELD, days=-2, minutes="Wir haben viel besprochen.")
    result = make_contribution(process, personas["coordinator"], title="Mehr Kitaplätze")
    Contribution.objects.filter(pk=result.pk).update(
        event=event, channel="workshop", entered_by=personas["coordinator"]
    )
    make_contribution(process, participant, title="Online und ohne Veranstaltung")
    EventAttachment.objects.create(
        event=event,
        kind="minutes",
        title="Protokoll",
        file="events/x.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        is_public=True,
    )
    EventAttachment.objects.create(
        event=event,
        kind="flipchart",
        title="Geheimes Foto",
        file="events/y.png",
        content_type="image/png",
        size=1000,
        sha256="0" * 64,
        is_public=False,
    )
    page = text(german().get(detail_url(event)))
    assert "Mehr Kitaplätze" in page and "Online und ohne Veranstaltung" not in page
    assert reverse("contributions:detail", kwargs={"pk": result.pk}) in page
    with translation.override("de"):
        assert f"<bdi>{gettext('Workshop')}</bdi>" in page  # the card names its channel
    assert "Protokoll" in page and "Geheimes Foto" not in page
    assert "Wir haben viel besprochen." not in page  # minutes not public
    Event.objects.filter(pk=event.pk).update(minutes_public=True)
    services.events_changed(process_id=process.pk, event_ids=[event.pk])
    cache.clear()
    assert "Wir haben viel besprochen." in text(german().get(detail_url(event)))


@pytest.mark.parametrize("state", [EventState.PROPOSED, EventState.DECLINED])
def test_unapproved_events_are_hidden_from_the_public(process, personas, state):
    event = public_event(process, state=state)
    assert german().get(detail_url(event)).status_code == 404
    assert signed_in(personas["participant"]).get(detail_url(event)).status_code == 404
    assert signed_in(personas["coordinator"]).get(detail_url(event)).status_code == 200
    assert signed_in(personas["department_staff"]).get(detail_url(event)).status_code == 200  # the organiser


@pytest.mark.parametrize("pk", ["007", "abc", "0", "99999999999999999999999", "-1"])
def test_event_page_bad_ids(process, personas, pk):
    public_event(process)
    assert german().get(reverse("events:detail", kwargs={"pk": pk})).status_code == 404


def test_event_page_of_an_unpublished_process_is_404(process, personas):
    event = public_event(process)
    process.is_published = False
    process.save()
    cache.clear()
    assert german().get(detail_url(event)).status_code == 404


def test_event_page_is_fresh_after_a_registration(process, personas, participant, django_capture_on_commit_callbacks):
    event = public_event(process, capacity=3)
    client = german()
    assert "3 of 3" in text(client.get(detail_url(event))) or "3 von 3" in text(client.get(detail_url(event)))
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, user=participant)
    page = text(client.get(detail_url(event)))
    assert "2 of 3" in page or "2 von 3" in page


# Registering


def test_anonymous_registration_through_the_form(process, personas, django_capture_on_commit_callbacks):
    event = public_event(process, languages=("ar",))
    url = reverse("events:register", kwargs={"pk": event.pk})
    client = german()
    form = client.get(url)
    assert form.status_code == 200 and 'name="email"' in text(form) and 'name="needs"' in text(form)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Amal",
                "email": "amal@example.org",
                "needs": ["step_free"],
                "interpretation_language": "ar",
                "needs_text": "Ich bringe mein Kind mit.",
                "website": "",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration_submitted", kwargs={"pk": event.pk})
    registration = Registration.objects.get()
    assert registration.state == RegistrationState.AWAITING_CONFIRMATION
    assert (registration.needs, registration.interpretation_language) == (["step_free"], "ar")
    assert registration.language == "de"
    link = re.search(r"http\S+/bestaetigen/\S+/", mail.outbox[0].body).group(0)
    confirmed = client.get(link[link.index("/veranstaltungen/") :])
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("events:registration", kwargs={"token": registration.token})
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CONFIRMED


def test_registration_form_errors_answer_400_and_save_nothing(process, personas):
    event = public_event(process)
    url = reverse("events:register", kwargs={"pk": event.pk})
    for data in (
        {"name": "", "email": "amal@example.org"},
        {"name": "Amal", "email": "not-an-address"},
        {"name": "Amal", "email": "amal@example.org", "needs": ["flying"]},
        {"name": "Amal", "email": "amal@example.org", "interpretation_language": "xx"},
        {"name": "Amal", "email": "amal@example.org", "website": "http://spam"},
    ):
        response = german().post(url, data)
        assert response.status_code == 400, data
        assert 'class="error-summary"' in text(response)
    assert not Registration.objects.exists()


def test_registering_the_same_address_twice_says_so(process, personas):
    event = public_event(process)
    url = reverse("events:register", kwargs={"pk": event.pk})
    german().post(url, {"name": "Amal", "email": "amal@example.org"})
    response = german().post(url, {"name": "Amal B.", "email": "AMAL@example.org"})
    assert response.status_code == 400
    with translation.override("de"):
        assert gettext("This e-mail address is already registered for this event.") in text(response)
    assert Registration.objects.count() == 1


def test_registration_of_a_closed_event_is_refused(process, personas, participant):
    event = public_event(process, state=EventState.CANCELLED)
    url = reverse("events:register", kwargs={"pk": event.pk})
    assert german().get(url).status_code == 409
    assert signed_in(participant).post(url).status_code == 409
    assert not Registration.objects.exists()


def test_one_click_registration_with_an_account(process, personas, participant):
    event = public_event(process)
    client = signed_in(participant)
    page = text(client.get(detail_url(event)))
    assert f'action="{reverse("events:register", kwargs={"pk": event.pk})}"' in page
    response = client.post(reverse("events:register", kwargs={"pk": event.pk}))
    assert response.status_code == 302 and response["Location"] == detail_url(event)
    registration = Registration.objects.get()
    assert registration.user == participant and registration.state == RegistrationState.CONFIRMED
    page = text(client.get(detail_url(event)))
    assert reverse("events:cancel_own", kwargs={"pk": event.pk}) in page
    again = client.post(reverse("events:register", kwargs={"pk": event.pk}))
    assert again.status_code == 302 and Registration.objects.count() == 1


def test_registration_is_rate_limited_without_an_account(process, personas, settings):
    settings.RATELIMIT_ENABLE = True
    event = public_event(process, capacity=None)
    url = reverse("events:register", kwargs={"pk": event.pk})
    client = german()
    statuses = {
        client.post(url, {"name": "Gast", "email": f"gast{number}@example.org"}, REMOTE_ADDR="203.0.113.9").status_code
        for number in range(61)
    }
    assert statuses == {302, 429}
    assert Registration.objects.count() == 60


# A registration's own page and cancelling


def test_cancel_with_the_link_from_the_mail(process, personas, participant, django_capture_on_commit_callbacks):
    event = public_event(process)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(event=event, user=participant)
    url = reverse("events:registration", kwargs={"token": registration.token})
    assert url in mail.outbox[0].body
    client = german()
    page = client.get(url)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in text(page)
    assert participant.email not in text(page)  # a forwarded link shows nothing personal
    response = client.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CANCELLED
    assert client.post(url).status_code == 302  # twice is harmless


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 100])
def test_a_wrong_registration_link_is_404(db, token):
    assert german().get(reverse("events:registration", kwargs={"token": token})).status_code == 404
    assert german().post(reverse("events:registration", kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "eyJyIjoxfQ:1abc:xyz"])
def test_a_wrong_confirmation_link_is_404(db, token):
    assert german().get(reverse("events:confirm", kwargs={"token": token})).status_code == 404


def test_cancel_from_the_account(process, personas, participant):
    event = public_event(process)
    services.registration_create(event=event, user=participant)
    client = signed_in(participant)
    assert client.get(reverse("events:cancel_own", kwargs={"pk": event.pk})).status_code == 405
    response = client.post(reverse("events:cancel_own", kwargs={"pk": event.pk}))
    assert response.status_code == 302
    assert Registration.objects.get().state == RegistrationState.CANCELLED
    assert client.post(reverse("events:cancel_own", kwargs={"pk": event.pk})).status_code == 404
    assert german().post(reverse("events:cancel_own", kwargs={"pk": event.pk})).status_code == 302  # to sign in


def test_my_registrations(process, personas, participant):
    mine = public_event(process, title="Meine Veranstaltung")
    public_event(process, title="Andere Veranstaltung")
    services.registration_create(event=mine, user=participant)
    page = text(signed_in(participant).get(reverse("events:my_registrations")))
    assert "Meine Veranstaltung" in page and "Andere Veranstaltung" not in page
    assert german().get(reverse("events:my_registrations")).status_code == 302


# The process page


def test_process_page_shows_the_next_three_events(process, personas, closed_process):
    for number in range(4):
        public_event(process, title=f"Termin {number}", days=number + 1)
    public_event(process, title="Abgesagt", days=0.5, state=EventState.CANCELLED)
    public_event(process, title="Vorbei", days=-1, state=EventState.HELD)
    page = text(german().get(reverse("processes:detail", kwargs={"slug": process.slug})))
    assert "Termin 0" in page and "Termin 2" in page and "Termin 3" not in page
    assert "Abgesagt" not in page and "Vorbei" not in page
    assert calendar_url(process) in page


def test_process_page_shows_a_new_event_at_once(process, personas, closed_process, django_capture_on_commit_callbacks):
    url = reverse("processes:detail", kwargs={"slug": process.slug})
    client = german()
    with translation.override("de"):
        assert gettext("No events are planned at the moment.") in text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        event = public_event(process, title="Ganz neu")
        services.events_changed(process_id=process.pk, event_ids=[event.pk])
    assert "Ganz neu" in text(client.get(url))


def test_the_time_is_berlins_whatever_the_server_says(process, personas, settings):
    start = datetime.datetime(2031, 1, 15, 17, 30, tzinfo=datetime.UTC)  # 18:30 in Berlin (winter time)
    event = public_event(process, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    with timezone.override("America/New_York"):
        page = text(german().get(detail_url(event)))
    assert '<time datetime="2031-01-15T18:30:00+01:00">' in page and "18:30" in page
    assert ANONYMOUS.is_anonymous


def test_event_page_queries_do_not_grow_with_its_results(process, personas, settings):
    settings.TEILHABE_PAGE_CACHE = False
    event = public_event(process, state=EventState.HELD, days=-1, languages=("ar",))
    coordinator = personas["coordinator"]

    def results(count):
        for number in range(count):
            result = make_contribution(process, coordinator, title=f"Ergebnis {number}")
            Contribution.objects.filter(pk=result.pk).update(event=event, channel="workshop", entered_by=coordinator)
        cache.clear()  # made directly: the services that bump the event's versions are not what is tested here

    results(2)
    client = german()
    client.get(detail_url(event))
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(event))
    results(18)
    client.get(detail_url(event))
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail_url(event))
    assert "Ergebnis 17" in text(response)
    assert len(many.captured_queries) <= len(few.captured_queries)


@pytest.mark.parametrize("name", ["register", "registration_submitted", "event_ics", "cancel_own"])
@pytest.mark.parametrize("pk", ["007", "abc", "99999999999999999999999"])
def test_every_view_of_one_event_answers_404_for_a_bad_id(process, personas, participant, name, pk):
    public_event(process)
    url = reverse(f"events:{name}", kwargs={"pk": pk})
    assert signed_in(participant).get(url).status_code in (404, 405)
    assert signed_in(participant).post(url).status_code == 404


@pytest.mark.parametrize("name", ["register", "registration_submitted", "event_ics", "registrations"])
def test_every_view_of_a_hidden_event_answers_404(process, personas, participant, name):
    event = public_event(process, state=EventState.PROPOSED)
    assert signed_in(participant).get(reverse(f"events:{name}", kwargs={"pk": event.pk})).status_code == 404
