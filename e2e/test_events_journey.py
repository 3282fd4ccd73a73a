"""Issue 9 in a browser, as the city would try it: the coordinator plans a district dialogue with interpretation into
Arabic and Turkish and two places; residents register — one with an account, one without (confirming the address
with the link from the mail), a third (using the site in Arabic) ends on the waiting list and moves up when the
second cancels with the link from her mail; the coordinator takes the door list away as CSV and XLSX; the event
is held, attendance with its composition, minutes, a flipchart photo and 15 results from the flipcharts are
entered; the results stand on the event's page and in the process's contribution list beside online
contributions, marked and filterable by channel, and a result's page names the event. The calendar feed is read
with the icalendar library: the event is in it, and another event, cancelled, shows STATUS:CANCELLED with a raised
SEQUENCE. axe-core checks every new page on the way, in German and in Arabic; screenshots of some pages at 1280
and 390 pixels go to var/e2e-shots/ (not committed).
"""

import csv
import datetime
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from support import (
    COORDINATOR,
    DEMO_PASSWORD,
    PARTICIPANT,
    ROOT,
    axe_check,
    axe_source,
    choose_language,
    description_problems,
    document_direction_problems,
    path_of,
    report,
    sign_in,
    submit,
)

BERLIN = ZoneInfo("Europe/Berlin")
SHOTS = ROOT / "var" / "e2e-shots"
TITLE = "Stadtteildialog Sahlkamp: Ankommen und Zusammenleben"
OTHER_TITLE = "Infostand am Sahlkamp-Markt"
VENUE = "Nachbarschaftstreff Sahlkamp"
ADDRESS = "Elmstraße 15, 30657 Hannover"
DISTRICT = "Bothfeld-Vahrenheide"
PARTICIPANT_NAME = "Amina (Teilnehmerin)"  # the demo persona's display name
ANONYMOUS = ("Jana Beispiel", "jana.beispiel@example.test")
WAITING = ("Rania Haddad", "rania.haddad@example.test")
JANA_NOTE = "Ich komme mit Kinderwagen."
ONLINE_TITLE = "Sprachcafé im Sahlkamp auch am Wochenende"
# What 15 flipcharts of the dialogue said (written for this test).
FLIPCHARTS = [
    ("Sahlkamp: Sprachcafé für Eltern", "Ein offenes Sprachcafé am Nachmittag, mit Kinderbetreuung im Nebenraum."),
    ("Sahlkamp: Beratung in mehreren Sprachen", "Sprechstunden des Jobcenters im Stadtteil, mit Dolmetschenden."),
    ("Sahlkamp: Treffpunkt für Jugendliche", "Ein Raum am Abend, den Jugendliche selbst gestalten und verwalten."),
    ("Sahlkamp: Bessere Busverbindung", "Abends fährt der Bus zu selten; viele Schichtarbeitende sind betroffen."),
    (
        "Sahlkamp: Willkommenspatenschaften",
        "Neu Zugezogene bekommen eine Patin oder einen Paten aus der Nachbarschaft.",
    ),
    ("Sahlkamp: Mehrsprachige Aushänge", "Aushänge der Wohnungsgesellschaft auch auf Arabisch, Türkisch und Russisch."),
    ("Sahlkamp: Sport für Frauen", "Schwimmzeiten und Kurse nur für Frauen, mit Trainerinnen."),
    (
        "Sahlkamp: Anerkennung von Abschlüssen",
        "Eine Lotsin hilft bei Anträgen zur Anerkennung ausländischer Abschlüsse.",
    ),
    ("Sahlkamp: Nachbarschaftsfest", "Ein jährliches Fest, das Vereine und Religionsgemeinschaften gemeinsam planen."),
    ("Sahlkamp: Hausaufgabenhilfe", "Ehrenamtliche Hausaufgabenhilfe in der Grundschule, zweimal pro Woche."),
    ("Sahlkamp: Ältere Zugewanderte", "Besuchsdienst und Seniorentreff für ältere Menschen ohne Familie in der Stadt."),
    (
        "Sahlkamp: Ärztliche Versorgung",
        "Es fehlen Kinderärzte; Termine sind ohne Deutschkenntnisse schwer zu bekommen.",
    ),
    ("Sahlkamp: Sichere Wege", "Bessere Beleuchtung auf dem Weg zwischen Stadtbahn und Wohnsiedlung."),
    ("Sahlkamp: Gemeinschaftsgarten", "Ein Garten, in dem Familien aus vielen Ländern gemeinsam anbauen."),
    (
        "Sahlkamp: Ansprechperson im Stadtbezirk",
        "Eine feste Ansprechperson der Stadt, die im Stadtteil erreichbar ist.",
    ),
]
REGISTRATION_LINK = r"/veranstaltungen/anmeldung/(?!bestaetigen/)[^\s/]+/"
CONFIRMATION_LINK = r"/veranstaltungen/anmeldung/bestaetigen/[^\s/]+/"
# Every new page of the journey, each to be checked with axe in German and in Arabic.
PAGES = [
    "workspace",
    "planning form",
    "planning form with errors",
    "event in the workspace",
    "edit form",
    "edit form with errors",
    "calendar",
    "calendar filtered",
    "event page",
    "registration form",
    "registration form with errors",
    "registration submitted, please confirm",
    "registration page (link from the mails)",
    "my registrations",
    "door list",
    "attendance",
    "attendance with errors",
    "minutes and files",
    "results form",
    "results form with errors",
    "event page with results",
    "result page",
    "cancel form",
    "cancelled event page",
]


@pytest.fixture(scope="module")
def axe():
    return axe_source()


class Checks:
    """axe, <html lang dir> and aria-describedby on a page; remembers which page was checked in which language."""

    def __init__(self, axe):
        self.axe, self.findings, self.problems = axe, [], []
        self.done: dict[str, set] = {}
        self.languages: dict = {}

    def tab(self, page, language: str):
        self.languages[page] = language
        return page

    def __call__(self, page, label: str, *, errors: bool = False):
        language = self.languages[page]
        if errors:
            assert page.locator("#error-summary").count() == 1, f"{label}: no error summary at {page.url}"
        self.findings.extend(axe_check(page, f"{label}, {language}", self.axe))
        self.problems.extend(document_direction_problems(page, language))
        self.problems.extend(description_problems(page))
        self.done.setdefault(label, set()).add(language)

    def both(self, page, twin, label: str):
        """The page, and the same address in the twin (the same person in the other language)."""
        self(page, label)
        response = twin.goto(path_of(page.url))
        assert response.status == 200, f"{label}: {twin.url} answered {response.status}"
        self(twin, label)


def shoot(page, name: str) -> None:
    """Screenshots to look at, at a desktop and a phone width (var/e2e-shots/): the whole page, cut into pieces of
    about a screen each so that they stay readable."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        total = page.evaluate("document.documentElement.scrollHeight")
        for part, top in enumerate(range(0, total, height), start=1):
            clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
            page.screenshot(path=SHOTS / f"{name}-{width}-{part}.png", full_page=True, clip=clip)
    page.set_viewport_size({"width": 1280, "height": 720})


def mails_to(server, recipient: str, path_pattern: str) -> list:
    regex = re.compile(path_pattern)
    return [m for m in server.mails() if recipient in str(m["To"]) and regex.search(server.mail_text(m))]


def wait_for_mails(server, recipient: str, path_pattern: str, count: int, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while True:
        mails = mails_to(server, recipient, path_pattern)
        if len(mails) >= count or time.monotonic() > deadline:
            return mails
        time.sleep(0.3)


def figures(page) -> list[str]:
    """The door list's counts: registered, waiting, awaiting confirmation, cancelled."""
    return [text.strip() for text in page.locator("main ul.figures li strong").all_inner_texts()]


def table_text(page, heading_id: str) -> str:
    table = page.locator(f"main table[aria-labelledby={heading_id}]")
    return table.inner_text() if table.count() else ""


def feed_event(request, url: str, pk: int):
    """The VEVENT of event pk in the iCalendar file at url, parsed with the icalendar library (RFC 5545)."""
    response = request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers["content-type"].startswith("text/calendar"), response.headers["content-type"]
    calendar = Calendar.from_ical(response.body())
    events = {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}
    found = [vevent for uid, vevent in events.items() if uid.startswith(f"event-{pk}@")]
    assert len(found) == 1, f"event {pk} not once in {url}: {sorted(events)}"
    return found[0]


def option_value(page, select: str, label_part: str) -> str:
    for option in page.locator(f"{select} option").all():
        if label_part in option.inner_text():
            return option.get_attribute("value")
    raise AssertionError(f"no option with {label_part!r} in {select}")


def channel_label(page, value: str) -> str:
    """The name of a channel as the contribution list's filter shows it, without its count."""
    text = page.locator(f"select[name=channel] option[value={value}]").inner_text()
    return re.sub(r"\s*\(\d+\)\s*$", "", text).strip()


def fill_event_form(page, *, title, type_, starts, ends, capacity=None, languages=(), district=True):
    page.select_option("#id_type", type_)
    page.fill("#id_title", title)
    page.fill(
        "#id_description",
        "Was brauchen Menschen, die neu in Sahlkamp sind?\n\nWir sammeln Ideen an Thementischen; "
        "es wird ins Arabische und ins Türkische gedolmetscht.",
    )
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", ends.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_venue_name", VENUE)
    page.fill("#id_venue_address", ADDRESS)
    if district:
        page.select_option("#id_district", option_value(page, "#id_district", DISTRICT))
    page.fill("#id_latitude", "52.412900")
    page.fill("#id_longitude", "9.783600")
    page.check("#id_step_free")
    page.check("#id_childcare")
    for code in languages:
        page.check(f"input[name=languages][value={code}]")
    page.locator("input[name=fields_of_action]").first.check()
    page.locator("input[name=target_groups]").first.check()
    page.select_option("#id_organiser", option_value(page, "#id_organiser", DISTRICT))
    if capacity is None:
        page.uncheck("#id_takes_registrations")
    else:
        page.check("#id_takes_registrations")
        page.fill("#id_capacity", str(capacity))


def test_a_district_dialogue_from_planning_to_results(new_context, server, axe, tmp_path):
    check = Checks(axe)

    def tab(language: str, email: str | None = None):
        """A browser of its own (own cookies), signed in as email, in language (the cookie the language picker
        sets)."""
        context = new_context()
        if language != "de":
            context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
        page = check.tab(context.new_page(), language)
        if email:
            sign_in(page, email, DEMO_PASSWORD)
        return page

    coordinator, coordinator_ar = tab("de", COORDINATOR), tab("ar", COORDINATOR)
    now = datetime.datetime.now(BERLIN)
    starts = (now + datetime.timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    ends = starts + datetime.timedelta(hours=2, minutes=30)

    # 1. The coordinator plans the district dialogue in the workspace: first with the end before the beginning
    #    (the error summary), then as meant: interpretation into Arabic and Turkish, two places.
    coordinator.goto("/")
    coordinator.locator("a[href='/verwaltung/veranstaltungen/']").first.click()  # "My events" in the navigation
    coordinator.wait_for_load_state()
    check.both(coordinator, coordinator_ar, "workspace")
    coordinator.locator("main a.button[href$='/neu/']").first.click()
    coordinator.wait_for_load_state()
    create_path = path_of(coordinator.url)
    process_slug = re.match(r"^/verwaltung/veranstaltungen/p/([^/]+)/neu/$", create_path).group(1)
    check.both(coordinator, coordinator_ar, "planning form")
    for page in (coordinator, coordinator_ar):
        page.goto(create_path)
        fill_event_form(page, title=TITLE, type_="district_dialogue", starts=starts, ends=starts, capacity=2)
        submit(page)
        assert page.locator("#error-summary a[href='#id_ends_at']").count() == 1
        check(page, "planning form with errors", errors=True)
    coordinator.goto(create_path)
    fill_event_form(
        coordinator,
        title=TITLE,
        type_="district_dialogue",
        starts=starts,
        ends=ends,
        capacity=2,
        languages=("ar", "tr"),
    )
    submit(coordinator)
    match = re.match(r"^/verwaltung/veranstaltungen/(\d+)/$", path_of(coordinator.url))
    assert match, f"planning did not lead to the event's workspace page: {coordinator.url}"
    pk = int(match.group(1))
    event_path, manage_path = f"/veranstaltungen/{pk}/", f"/verwaltung/veranstaltungen/{pk}/"
    check.both(coordinator, coordinator_ar, "event in the workspace")

    # The form keeps what was typed: the edit form shows it (and refuses an empty title with the error summary).
    coordinator.locator(f"main a[href='{manage_path}bearbeiten/']").click()
    coordinator.wait_for_load_state()
    assert coordinator.input_value("#id_title") == TITLE
    assert coordinator.input_value("#id_capacity") == "2"
    assert coordinator.input_value("#id_starts_at") == starts.strftime("%Y-%m-%dT%H:%M")
    assert coordinator.is_checked("input[name=languages][value=ar]")
    assert coordinator.is_checked("input[name=languages][value=tr]")
    check.both(coordinator, coordinator_ar, "edit form")
    for page in (coordinator, coordinator_ar):
        page.goto(f"{manage_path}bearbeiten/")
        page.fill("#id_title", "")
        submit(page)
        assert page.locator("#error-summary a[href='#id_title']").count() == 1
        check(page, "edit form with errors", errors=True)

    # The feed as a calendar program reads it: the event, confirmed, at the planned time and place.
    anonymous, anonymous_ar = tab("de"), tab("ar")
    feed_path = f"/p/{process_slug}/veranstaltungen/kalender.ics"
    planned = feed_event(anonymous.request, feed_path, pk)
    assert str(planned["SUMMARY"]) == TITLE
    assert str(planned["STATUS"]) == "CONFIRMED"
    assert planned.decoded("DTSTART") == starts and planned.decoded("DTEND") == ends
    assert VENUE in str(planned["LOCATION"]) and ADDRESS in str(planned["LOCATION"])
    assert str(planned["URL"]).endswith(event_path)
    assert (round(planned["GEO"].latitude, 4), round(planned["GEO"].longitude, 4)) == (52.4129, 9.7836)
    sequence_planned = int(planned.get("SEQUENCE", 0))

    # 2. The public calendar: found with the filters (district, Arabic interpretation, step-free access); the head
    #    announces the feeds of the process and of the district.
    anonymous.goto("/veranstaltungen/")
    assert path_of(anonymous.url) == f"/p/{process_slug}/veranstaltungen/"
    check.both(anonymous, anonymous_ar, "calendar")
    feeds = anonymous.eval_on_selector_all(
        "head link[rel=alternate][type='text/calendar']", "links => links.map(l => l.getAttribute('href'))"
    )
    assert feeds == [feed_path], feeds
    anonymous.select_option("#id_district", option_value(anonymous, "#id_district", DISTRICT))
    anonymous.select_option("#id_language", "ar")
    anonymous.check("#id_step_free")
    submit(anonymous, "main form[method=get]")
    check.both(anonymous, anonymous_ar, "calendar filtered")
    assert anonymous.locator(f"main .cards h3 a[href='{event_path}']").count() == 1
    feeds = anonymous.eval_on_selector_all(
        "head link[rel=alternate][type='text/calendar']", "links => links.map(l => l.getAttribute('href'))"
    )
    assert len(feeds) == 2 and re.match(rf"^/p/{process_slug}/veranstaltungen/bezirke/\d+/kalender\.ics$", feeds[1])
    feed_event(anonymous.request, feeds[1], pk)  # in the district's feed too
    event_ics = feed_event(anonymous.request, f"{event_path}kalender.ics", pk)  # and as a file of its own
    assert str(event_ics["SUMMARY"]) == TITLE
    anonymous.locator(f"main .cards h3 a[href='{event_path}']").click()
    anonymous.wait_for_load_state()
    check.both(anonymous, anonymous_ar, "event page")
    main = anonymous.locator("main")
    assert main.get_by_text(VENUE).count() >= 1 and main.get_by_text(ADDRESS).count() >= 1
    map_links = anonymous.eval_on_selector_all("main a[href*='openstreetmap.org']", "links => links.map(a => a.href)")
    assert len(map_links) == 1 and "52.4129" in map_links[0], map_links
    # Nothing on the page loads from another origin before the map link is followed.
    foreign = anonymous.evaluate(
        """() => performance.getEntriesByType('resource').map(r => r.name)
                 .filter(name => !name.startsWith(location.origin))"""
    )
    assert not foreign, foreign

    # 3. Amina registers with her account, telling the organisers what she needs, and writes online too.
    amina, amina_ar = tab("de", PARTICIPANT), tab("ar", PARTICIPANT)
    amina.goto(event_path)
    amina.locator("main a[href$='/anmelden/']").first.click()
    amina.wait_for_load_state()
    check.both(amina, amina_ar, "registration form")
    amina.check("input[name=needs][value=step_free]")
    amina.check("input[name=needs][value=childcare]")
    amina.select_option("select[name=interpretation_language]", "ar")
    submit(amina)
    assert path_of(amina.url) == event_path, amina.url
    assert amina.locator("main form[action$='/abmelden/']").count() == 1  # registered: she can cancel here
    amina.goto("/veranstaltungen/meine-anmeldungen/")  # no link leads here yet (reported)
    assert amina.locator(f"main a[href='{event_path}']").count() == 1
    check.both(amina, amina_ar, "my registrations")
    amina.goto(f"/p/{process_slug}/beitraege/neu/")
    amina.fill("input[name=title]", ONLINE_TITLE)
    amina.fill("textarea[name=body]", "Viele arbeiten unter der Woche; samstags hätten mehr Menschen Zeit.")
    amina.locator("input[name=fields_of_action]").first.check()
    amina.locator("input[name=publication_consent]").check()
    submit(amina)
    assert re.search(r"/beitraege/\d+/", amina.url), amina.url

    # 4. Jana registers without an account: the form's errors first, then "please confirm", then the link.
    jana_name, jana = ANONYMOUS
    anonymous.goto(event_path)
    anonymous.locator("main a.button[href$='/anmelden/']").click()
    anonymous.wait_for_load_state()
    register_path = path_of(anonymous.url)
    shoot(anonymous, "registration-form-de")
    anonymous_ar.goto(register_path)
    shoot(anonymous_ar, "registration-form-ar")
    for page in (anonymous, anonymous_ar):
        page.goto(register_path)
        submit(page)
        check(page, "registration form with errors", errors=True)
    anonymous.fill("#id_name", jana_name)
    anonymous.fill("#id_email", jana)
    anonymous.check("input[name=needs][value=easy_language]")
    anonymous.select_option("select[name=interpretation_language]", "tr")
    anonymous.fill("textarea[name=needs_text]", JANA_NOTE)
    submit(anonymous)
    assert path_of(anonymous.url) == f"{event_path}anmelden/eingereicht/", anonymous.url
    check.both(anonymous, anonymous_ar, "registration submitted, please confirm")
    anonymous.goto(path_of(server.link_in_mail(jana, CONFIRMATION_LINK)))
    assert re.match(REGISTRATION_LINK, path_of(anonymous.url)), anonymous.url
    assert anonymous.locator("main form[method=post]").count() == 1  # her registration, with the cancel button
    check.both(anonymous, anonymous_ar, "registration page (link from the mails)")

    # 5. Rania, using the site in Arabic without an account, finds the event full and joins the waiting list.
    rania_name, rania = WAITING
    resident_ar = tab("de")
    resident_ar.goto("/")
    choose_language(resident_ar, "ar")
    check.tab(resident_ar, "ar")
    resident_ar.goto(event_path)
    resident_ar.locator("main a.button[href$='/anmelden/']").click()
    resident_ar.wait_for_load_state()
    resident_ar.fill("#id_name", rania_name)
    resident_ar.fill("#id_email", rania)
    resident_ar.select_option("select[name=interpretation_language]", "ar")
    submit(resident_ar)
    resident_ar.goto(path_of(server.link_in_mail(rania, CONFIRMATION_LINK)))
    assert re.match(REGISTRATION_LINK, path_of(resident_ar.url)), resident_ar.url
    waiting_mails = wait_for_mails(server, rania, REGISTRATION_LINK, 1)
    assert len(waiting_mails) == 1, [m["Subject"] for m in mails_to(server, rania, ".")]
    assert all(m["Content-Language"] == "ar" for m in mails_to(server, rania, "."))  # her mails in Arabic
    assert all(m["Content-Language"] == "de" for m in mails_to(server, jana, "."))

    # 6. The coordinator's door list: two registered, Rania first on the waiting list; CSV and XLSX for the door.
    coordinator.goto(manage_path)
    coordinator.locator(f"main a[href='{manage_path}anmeldungen/']").click()
    coordinator.wait_for_load_state()
    door_path = path_of(coordinator.url)
    assert figures(coordinator) == ["2", "1", "0", "0"], figures(coordinator)
    registered = table_text(coordinator, "confirmed-title")
    assert PARTICIPANT_NAME in registered and jana_name in registered and JANA_NOTE in registered
    assert rania_name in table_text(coordinator, "waiting-title")
    check.both(coordinator, coordinator_ar, "door list")
    downloads = {}
    for fmt in ("csv", "xlsx"):
        with coordinator.expect_download() as download:
            coordinator.locator(f"main a[href$='/anmeldungen/{fmt}/']").click()
        downloads[fmt] = tmp_path / f"door.{fmt}"
        download.value.save_as(downloads[fmt])
    rows = list(csv.reader(io.StringIO(downloads["csv"].read_text(encoding="utf-8-sig")), delimiter=";"))
    sheet = load_workbook(downloads["xlsx"], read_only=True).worksheets[0]
    sheet_rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 4 and len(sheet_rows) == 4, (rows, sheet_rows)  # a heading and three people
    assert [row[1:3] for row in rows[1:]] == [
        [PARTICIPANT_NAME, PARTICIPANT],
        [jana_name, jana],
        [rania_name, rania],
    ], rows
    assert [row[4] for row in rows[1:]] == ["", "", "1"]  # Rania's place on the waiting list
    assert "; " in rows[1][6] and rows[1][7]  # Amina's two needs and her interpretation language
    assert rows[2][6] and rows[2][7] and rows[2][8] == JANA_NOTE
    assert sheet_rows[0] == rows[0]
    assert sheet_rows[1:] == rows[1:], (sheet_rows, rows)

    # 7. Jana cannot come: she cancels with the link in her confirmation mail; Rania moves up and is told so.
    anonymous.goto(path_of(server.link_in_mail(jana, REGISTRATION_LINK)))
    submit(anonymous)
    assert anonymous.locator("main form[method=post]").count() == 0  # cancelled: nothing left to cancel
    moved_up = wait_for_mails(server, rania, REGISTRATION_LINK, 2)
    assert len(moved_up) == 2, [m["Subject"] for m in moved_up]
    assert moved_up[1]["Subject"] != moved_up[0]["Subject"], "the second mail should say she moved up"
    assert moved_up[1]["Content-Language"] == "ar"
    coordinator.goto(door_path)
    assert figures(coordinator) == ["2", "0", "0", "1"], figures(coordinator)
    assert rania_name in table_text(coordinator, "confirmed-title")
    assert jana_name in table_text(coordinator, "cancelled-title")
    assert not table_text(coordinator, "waiting-title")

    # 8. The evening comes. A browser cannot wait three days: the event's time is moved in the database (only
    #    that; it starts half an hour ago), then everything else goes through the pages again.
    server.manage(
        "shell",
        "-c",
        "import datetime; from django.utils import timezone; from teilhabe.events.models import Event; "
        f"Event.objects.filter(pk={pk}).update(starts_at=timezone.now() - datetime.timedelta(minutes=30), "
        "ends_at=timezone.now() + datetime.timedelta(hours=2))",
    )
    coordinator.goto(manage_path)
    submit(coordinator, f"main form[action='{manage_path}stattgefunden/']")
    assert coordinator.locator(f"main form[action='{manage_path}stattgefunden/']").count() == 0

    # Attendance: a composition that adds up to more than the total is refused, then the real one is saved.
    coordinator.locator(f"main a[href='{manage_path}teilnahme/']").click()
    coordinator.wait_for_load_state()
    check.both(coordinator, coordinator_ar, "attendance")
    for page in (coordinator, coordinator_ar):
        page.goto(f"{manage_path}teilnahme/")
        page.fill("#id_total", "10")
        page.locator("input[name^='age_band__']").first.fill("12")
        submit(page)
        check(page, "attendance with errors", errors=True)
    coordinator.goto(f"{manage_path}teilnahme/")
    coordinator.fill("#id_total", "23")
    for box, count in zip(coordinator.locator("input[name^='age_band__']").all(), (3, 6, 8, 4, 2), strict=True):
        box.fill(str(count))
    coordinator.get_by_label(DISTRICT, exact=True).fill("15")
    coordinator.locator("input[name^='target_group__']").first.fill("7")
    submit(coordinator)
    assert path_of(coordinator.url) == manage_path, coordinator.url
    after = coordinator.locator("main section[aria-labelledby=after]").inner_text()
    assert "23" in after and f"{DISTRICT}: 15" in after, after

    # Minutes (public) and a photo of a flipchart (public).
    coordinator.locator(f"main a[href='{manage_path}protokoll/']").first.click()
    coordinator.wait_for_load_state()
    coordinator.fill("#minutes_text", "23 Menschen an fünf Thementischen; gedolmetscht ins Arabische und Türkische.")
    coordinator.check("#minutes_public")
    submit(coordinator, f"main form[action='{manage_path}protokoll/']")
    photo = coordinator.screenshot(clip={"x": 0, "y": 0, "width": 320, "height": 200})
    coordinator.set_input_files(
        "#attachment_file", files=[{"name": "flipchart-1.png", "mimeType": "image/png", "buffer": photo}]
    )
    coordinator.fill("#attachment_title", "Flipchart Tisch 1")
    coordinator.check("#attachment_public")
    submit(coordinator, f"main form[action='{manage_path}dateien/']")
    assert coordinator.locator("main table tbody tr").count() == 1
    check.both(coordinator, coordinator_ar, "minutes and files")

    # 9. The 15 flipcharts, entered in one form of 15 rows (one row with only a title first: nothing is saved).
    coordinator.goto(manage_path)
    coordinator.locator(f"main a[href='{manage_path}ergebnisse/']").first.click()
    coordinator.wait_for_load_state()
    coordinator.locator("main a[href='?zeilen=15']").click()
    coordinator.wait_for_load_state()
    assert coordinator.locator("main fieldset[id^=result-]").count() == 15
    check.both(coordinator, coordinator_ar, "results form")
    for page in (coordinator, coordinator_ar):
        page.goto(f"{manage_path}ergebnisse/?zeilen=15")
        page.fill("[name='ergebnis-0-title']", "Nur ein Titel")
        submit(page)
        check(page, "results form with errors", errors=True)
    coordinator.goto(f"{manage_path}ergebnisse/?zeilen=15")
    district_value = option_value(coordinator, "[name='ergebnis-0-district']", DISTRICT)
    for index, (title, body) in enumerate(FLIPCHARTS):
        row = f"ergebnis-{index}"
        coordinator.fill(f"[name='{row}-title']", title)
        coordinator.fill(f"[name='{row}-body']", body)
        coordinator.locator(f"input[name='{row}-fields_of_action']").nth(index % 2).check()
        coordinator.select_option(f"[name='{row}-district']", district_value)
        coordinator.fill(f"[name='{row}-group_size']", str(3 + index % 4))
        coordinator.check(f"[name='{row}-publication_consent']")
    submit(coordinator)
    assert path_of(coordinator.url) == manage_path, coordinator.locator("main").inner_text()[:2000]
    entered = coordinator.locator("main section[aria-labelledby=results] ol li").all_inner_texts()
    assert len(entered) == 15 and all(any(title in text for text in entered) for title, _ in FLIPCHARTS), entered

    # 10. The results on the event's page, beside the public minutes and the photo.
    anonymous.goto(event_path)
    cards = anonymous.locator("main section#results ul.cards > li")
    assert cards.count() == 15, anonymous.locator("main").inner_text()[:2000]
    shown = cards.locator("h3").all_inner_texts()
    assert sorted(shown) == sorted(title for title, _ in FLIPCHARTS), shown
    assert anonymous.locator("main").get_by_text("23 Menschen an fünf Thementischen", exact=False).count() == 1
    assert anonymous.locator("main a[href^='/veranstaltungen/dateien/']").count() == 1
    check.both(anonymous, anonymous_ar, "event page with results")

    # 11. In the process's contribution list beside online contributions, each marked by its channel; the
    #     channel filter finds the results and not the online contribution, and the other way round.
    # The newest first: the 15 results, and Amina's online contribution just before them.
    list_path = f"/p/{process_slug}/beitraege/"
    anonymous.goto(list_path)
    workshop, online = channel_label(anonymous, "workshop"), channel_label(anonymous, "online")
    listed = {
        card.locator("h3").inner_text(): card.locator("p.meta").first.inner_text()
        for card in anonymous.locator("main ul.cards > li").all()
    }
    for title, _ in FLIPCHARTS:
        assert title in listed and workshop in listed[title], (title, listed.get(title))
    assert ONLINE_TITLE in listed and online in listed[ONLINE_TITLE], listed
    for value, present, absent in (("workshop", FLIPCHARTS[0][0], ONLINE_TITLE), ("online", ONLINE_TITLE, None)):
        anonymous.goto(list_path)
        anonymous.select_option("select[name=channel]", value)
        submit(anonymous, "main form[role=search]")
        titles = anonymous.locator("main ul.cards > li h3").all_inner_texts()
        assert present in titles, (value, titles)
        if absent:
            assert absent not in titles, (value, titles)
        else:
            assert not set(titles) & {title for title, _ in FLIPCHARTS}, (value, titles)

    # A result's page names the event and who entered it.
    anonymous.goto(event_path)
    anonymous.locator("main section#results ul.cards > li h3 a").first.click()
    anonymous.wait_for_load_state()
    assert anonymous.locator(f"main a[href='{event_path}']").count() >= 1, "the result does not name its event"
    assert anonymous.locator("main").get_by_text("Sami (Koordinierungsstelle)").count() >= 1
    check.both(anonymous, anonymous_ar, "result page")

    # Held: the feed raised the event's sequence, so calendar programs replace their copy.
    held = feed_event(anonymous.request, feed_path, pk)
    assert int(held.get("SEQUENCE", 0)) > sequence_planned

    # 12. Another event is cancelled: the feed marks it CANCELLED with a raised SEQUENCE, the page says why.
    coordinator.goto(create_path)
    other_starts = starts + datetime.timedelta(days=7)
    fill_event_form(
        coordinator,
        title=OTHER_TITLE,
        type_="info_stand",
        starts=other_starts,
        ends=other_starts + datetime.timedelta(hours=3),
    )
    submit(coordinator)
    other_pk = int(re.match(r"^/verwaltung/veranstaltungen/(\d+)/$", path_of(coordinator.url)).group(1))
    before = feed_event(anonymous.request, feed_path, other_pk)
    assert str(before["STATUS"]) == "CONFIRMED"
    coordinator.locator(f"main a[href='/verwaltung/veranstaltungen/{other_pk}/absagen/']").click()
    coordinator.wait_for_load_state()
    check.both(coordinator, coordinator_ar, "cancel form")
    coordinator.fill("textarea[name=reason]", "Der Markt fällt wegen Bauarbeiten aus.")
    submit(coordinator)
    cancelled = feed_event(anonymous.request, feed_path, other_pk)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled.get("SEQUENCE", 0)) > int(before.get("SEQUENCE", 0))
    assert "Bauarbeiten" in str(cancelled.get("DESCRIPTION", ""))
    assert str(feed_event(anonymous.request, feed_path, pk)["STATUS"]) == "CONFIRMED"  # ours still on
    anonymous.goto(f"/veranstaltungen/{other_pk}/")
    assert anonymous.locator("main .event-cancelled").get_by_text("Bauarbeiten", exact=False).count() == 1
    check.both(anonymous, anonymous_ar, "cancelled event page")

    # Screenshots to look at (not asserted): German and Arabic, desktop and phone.
    for page, language in ((anonymous, "de"), (anonymous_ar, "ar")):
        page.goto(event_path)
        shoot(page, f"event-{language}")
        page.goto(f"/p/{process_slug}/veranstaltungen/")
        shoot(page, f"calendar-{language}")
    for page, language in ((coordinator, "de"), (coordinator_ar, "ar")):
        page.goto(door_path)
        shoot(page, f"door-list-{language}")
        page.goto(manage_path)
        shoot(page, f"workspace-event-{language}")
        page.goto(f"{manage_path}ergebnisse/")
        shoot(page, f"results-form-{language}")
        page.goto("/verwaltung/veranstaltungen/")
        shoot(page, f"workspace-{language}")
    for page, language in ((amina, "de"), (amina_ar, "ar")):
        page.goto("/veranstaltungen/meine-anmeldungen/")
        shoot(page, f"my-registrations-{language}")

    missing = {label: {"de", "ar"} - check.done.get(label, set()) for label in PAGES}
    missing = {label: sorted(languages) for label, languages in missing.items() if languages}
    assert not missing, f"pages not checked with axe: {missing}"
    assert not check.findings and not check.problems, report(check.findings, check.problems)
