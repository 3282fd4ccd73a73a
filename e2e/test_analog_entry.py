"""Issue 10's staff entry screen in a browser, by keyboard only: after an information stand the coordinator enters
paper forms one after another ("save and next"), a serial typed twice in a row is caught at its field, a letter
without consent is entered on the same screen (and said to be counted, not published); one form gets a scan,
which only the coordinators can download. axe-core checks the screen empty, after saving and with errors, in
German and in Arabic.

Only page.keyboard acts on the entry screen (Tab, Shift+Tab, typing, Space, arrow keys, Enter). Two things are
not done in the browser: the print run is recorded with manage.py (the forms were printed elsewhere; the serial
numbers are read off the paper), and the scan file is handed to the file input (the file dialog is the operating
system's, not the page's).
"""

import base64
import uuid

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from support import COORDINATOR, DEMO_PASSWORD, axe_check, axe_source, choose_language, path_of, report, sign_in
from test_keyboard import activate, control, focused, link_to, submit_of, tab_to

PRINT_RUN = """
from teilhabe.accounts.models import User
from teilhabe.demo.services import PROCESS_SLUG
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.serials import serial_format
from teilhabe.processes.models import Process
from django.db.models import F, Max
process = Process.objects.get(slug=PROCESS_SLUG)
runs = PrintRun.objects.filter(process=process, kind=PrintKind.FORM)
first = runs.aggregate(end=Max(F("first_number") + F("count")))["end"] or 1
PrintRun.objects.create(process=process, kind=PrintKind.FORM, language="tr", count=5, first_number=first,
    place="Infostand e2e", printed_by=User.objects.get(email="koordination@demo.teilhabe.test"), state="done")
print("PRINTED", PROCESS_SLUG, *(serial_format(process_id=process.pk, number=n) for n in range(first, first + 5)))
"""
# A 1×1 PNG: a stand-in for a scanned form.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def focus_name(page, expected: str) -> str:
    """The name of the control with focus once autofocus has run (it runs at the next rendering, not at load)."""
    try:
        page.wait_for_function(f"document.activeElement && document.activeElement.name === {expected!r}", timeout=5000)
    except PlaywrightTimeout:
        pass
    return (focused(page) or {}).get("name", "")


def fill_form(page, *, body: str, consent_no: bool = False) -> None:
    """From wherever focus is on the entry screen: the text, the first field of action, the consent."""
    tab_to(page, control("body", tag="textarea"), "the text field")
    page.keyboard.type(body)
    tab_to(page, control("fields_of_action"), "the first field of action")
    page.keyboard.press("Space")
    tab_to(page, control("publication_consent"), "the consent choice")
    page.keyboard.press("ArrowDown" if consent_no else "Space")  # Space selects "yes"; an arrow moves to "no"
    if consent_no:
        assert page.evaluate("document.activeElement.value") == "no"


def save(page) -> None:
    tab_to(page, submit_of(r"/eingabe/$"), "the save and next button")
    activate(page)


def check_axe(page, where: str, source: str, findings: list) -> None:
    findings += axe_check(page, where, source)


def test_entry_screen_by_keyboard(page, server):
    printed = server.manage("shell", "-c", PRINT_RUN).strip().splitlines()[-1].split()
    assert printed[0] == "PRINTED", printed
    slug, *serials = printed[1:]
    source = axe_source()
    findings = []
    marker = uuid.uuid4().hex[:6]
    sign_in(page, COORDINATOR, DEMO_PASSWORD)

    # From the workspace to the entry screen, by keyboard.
    page.goto("/verwaltung/")
    tab_to(page, link_to(rf"^/verwaltung/p/{slug}/eingabe/$"), "the link to the entry screen")
    activate(page)
    assert path_of(page.url) == f"/verwaltung/p/{slug}/eingabe/"
    check_axe(page, "entry screen, empty", source, findings)
    assert focus_name(page, "form_serial") == "form_serial", "focus does not start in the serial field"

    # First paper form: serial, text, field of action, consent; save and next.
    page.keyboard.type(serials[0].lower().replace("-", " "))  # as typed in a hurry: case and spaces do not matter
    fill_form(page, body=f"Sprachkurse am Abend mit Kinderbetreuung ({marker} 1)")
    save(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    assert serials[0] in page.locator("#saved-line").inner_text()
    assert focus_name(page, "form_serial") == "form_serial", "after saving, focus is not back in the serial field"
    assert page.locator("#id_form_serial").input_value() == "" and page.locator("#id_body").input_value() == ""
    check_axe(page, "entry screen, after saving", source, findings)

    # The same serial typed again (the next sheet was not turned over): caught at the field, nothing saved.
    page.keyboard.type(serials[0])
    fill_form(page, body=f"Mehr Bänke im Park ({marker} 2)")
    save(page)
    summary = page.locator("#error-summary")
    assert summary.count() == 1 and page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#id_form_serial[aria-describedby*='id_form_serial_error']").count() == 1
    check_axe(page, "entry screen, serial typed twice", source, findings)
    # The summary's first link leads to the field; the right serial replaces the wrong one.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_form_serial"
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "form_serial"
    page.keyboard.press("Control+A")
    page.keyboard.type(serials[1])
    # The text is still there after the error; the consent too (a radio's choice is kept).
    assert page.locator("#id_body").input_value().endswith(f"({marker} 2)")
    # The scan of this sheet (the file dialog is the system's: the file is handed to the input).
    page.set_input_files("#id_scan", files=[{"name": "bogen.png", "mimeType": "image/png", "buffer": PNG}])
    tab_to(page, control("fields_of_action"), "the first field of action")
    if not page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
    save(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    assert serials[1] in page.locator("#saved-line").inner_text()
    scan_form_link = page.locator("#saved-line a").get_attribute("href")

    # A letter without consent, on the same screen: channel back up with Shift+Tab and an arrow key.
    tab_to(page, control("channel"), "the channel choice", backwards=True)
    page.keyboard.press("ArrowDown")  # paper form → letter
    assert page.evaluate("document.activeElement.value") == "letter"
    fill_form(page, body=f"Brief: Beratung auf Arabisch im Stadtbezirk ({marker} 3)", consent_no=True)
    save(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    assert page.locator("#saved-unpublished").count() == 1, "the success line does not say it is not published"
    autofocused = page.locator("[autofocus]").evaluate_all("els => els.map(e => e.name)")
    assert focus_name(page, "body") == "body", f"for a letter, focus starts in the text; autofocus on {autofocused}"
    assert page.locator("input[name=channel][value=letter]").is_checked(), "the channel was not remembered"

    # In Arabic too (right to left), with an error.
    choose_language(page, "ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    check_axe(page, "entry screen, Arabic", source, findings)
    tab_to(page, control("body", tag="textarea"), "the text field")
    save(page)
    assert page.locator("#error-summary").count() == 1
    check_axe(page, "entry screen, Arabic, errors", source, findings)
    choose_language(page, "de")

    # The contribution's internal page: the scan for the coordinator, as a download that is never sniffed.
    page.goto(scan_form_link)
    link = page.locator("a[href^='/verwaltung/scans/']")
    assert link.count() == 1
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"] == "image/png"
    check_axe(page, "internal page with the scan", source, findings)

    # Beside online contributions: the paper form is in the public list, filtered by channel.
    page.goto(f"/p/{slug}/beitraege/?channel=paper_form")
    assert page.locator("main").get_by_text(f"({marker} 1)").count() >= 1, "the paper form is not in the list"

    assert not findings, report(findings, [])
