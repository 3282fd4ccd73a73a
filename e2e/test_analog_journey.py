"""Issue 10's "Done when", walked as a coordinator would after an information stand, in a browser against the real
server (and its task worker):

1. print 50 forms in Turkish and 50 in Arabic for the stand on the paper forms page, wait for each run's PDF (made
   by the worker; the page reloads itself) and download it; page 1 of each, rasterised with pdftoppm, decodes
   (zxing-cpp) to the process's online form (QR code) and the run's first serial (Micro QR code); the Arabic
   sheet's text is Arabic;
2. enter 30 of the Turkish forms on the entry screen, each with a scan (a PNG made with Pillow), the serial typed
   on the keyboard, one without consent to publication; a serial typed a second time is caught at its field and
   nothing is saved (the run's "entered" count does not move);
3. count the dot-vote of a held event's results (and of one of the entered forms, added to the sheet by its
   number) on the event's tally page; the contributions' public pages then show the online and the analog part;
4. import a spreadsheet (the German template's header) with one bad row: the dry run shows its error; fixed, it
   imports; uploaded again, nothing doubles;
5. anonymously, the entered forms and imported rows stand in the public list beside online contributions, each
   with its channel, the one without consent nowhere; the participant supports one and comments on it.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits. manage.py is not used: everything goes through
the pages. Screenshots of key pages go to the test's tmp_path.
"""

import csv
import io
import re
import secrets
import string
import subprocess
import time

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from support import (
    COORDINATOR,
    DEMO_PASSWORD,
    PARTICIPANT,
    PageChecks,
    axe_source,
    path_of,
    report,
    sign_in,
    submit,
)

PLACE = "Infostand Marktkirche"
RUN_SIZE = 50  # sheets per print run
ENTERED = 30  # forms entered of the Turkish run
SHEET_COUNT = 7  # dots a result got on the flipchart
ADDED_COUNT = 4  # dots one of the entered forms got
SERIAL = re.compile(r"\b\d+-\d{6}-[A-Z]\b")
ARABIC = re.compile(r"[\u0600-\u06ff]")
# What the cards at the stand said (written for this test), in Turkish.
TURKISH = [
    "Akşamları çocuk bakımı olan dil kursları",
    "İş merkezinde Türkçe danışmanlık",
    "Gençler için semtte buluşma yeri",
    "Diplomaların tanınması için yardım",
    "Yaşlı göçmenler için ziyaret hizmeti",
]


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def number_in(text: str) -> int:
    match = re.search(r"\d+", text)
    assert match, f"no number in {text!r}"
    return int(match.group(0))


def list_total(page, path: str) -> int:
    """The number of contributions a public list (with its filters in the query) shows in its heading."""
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    return number_in(page.locator("#results-title").inner_text())


def channel_label(page, value: str) -> str:
    """The name of a channel as the contribution list's filter shows it, without its count."""
    text = page.locator(f"select[name=channel] option[value={value}]").inner_text()
    return re.sub(r"\s*\(\d+\)\s*$", "", text).strip()


def scan_png(number: int) -> bytes:
    """A small picture of a filled-in sheet with its number, standing in for the scan of the original."""
    image = Image.new("L", (300, 420), 250)
    draw = ImageDraw.Draw(image)
    draw.rectangle([15, 15, 285, 60], outline=60, width=2)
    draw.text((25, 30), f"Bogen {number}", fill=20)
    for line in range(8):
        y = 90 + line * 36
        draw.line([(25, y), (275 - (line * 29 + number) % 90, y)], fill=70, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def first_page(pdf, tmp_path) -> tuple[dict, str]:
    """Page 1 of a PDF: its codes (format -> text), decoded from a 150 dpi picture, and its text."""
    prefix = tmp_path / f"{pdf.stem}-page-1"
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],  # noqa: S607
        check=True,
        timeout=60,
    )
    codes = {code.format: code.text for code in zxingcpp.read_barcodes(Image.open(f"{prefix}.png"))}
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return codes, text


def all_serials(pdf) -> list[str]:
    """Every serial printed on the sheets of a PDF, in page order (as read off the paper)."""
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,  # noqa: S607
    ).stdout
    serials = []
    for page_text in text.split("\f"):
        found = SERIAL.findall(page_text)
        if found:
            serials.append(found[0])
    return serials


def print_run(page, check, *, slug: str, language: str, tmp_path):
    """Record a run of 50 forms on the paper forms page, follow its page until the PDF is made, download it."""
    page.goto(f"/verwaltung/p/{slug}/papierformulare/")
    page.check("input[name=kind][value=form]")
    page.select_option("#id_language", language)
    page.fill("#id_count", str(RUN_SIZE))
    page.fill("#id_place", PLACE)
    submit(page, "#print-form")
    match = re.match(rf"^/verwaltung/p/{slug}/papierformulare/(\d+)/$", path_of(page.url))
    assert match, f"recording the run did not lead to its page: {page.url}"
    run_pk = int(match.group(1))
    run_path = path_of(page.url)
    page.goto(run_path + "?auto=0")  # a page that does not reload itself under axe
    if page.locator("#download").count() == 0:
        check(page, f"print run {language}, being made")
        page.goto(run_path)
        # The page reloads itself every few seconds until the worker has made the PDF (no JavaScript needed).
        assert page.locator("meta[http-equiv=refresh]").count() == 1 or page.locator("#download").count() == 1
        page.locator("#download").wait_for(timeout=240_000)
        page.goto(run_path + "?auto=0")
    check(page, f"print run {language}, made")
    first, last = page.locator("#print-run span[dir=ltr]").inner_text().split("–")
    with page.expect_download() as download:
        page.locator("#download").click()
    pdf = tmp_path / f"forms-{language}.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    return run_pk, first.strip(), last.strip(), pdf


def entered_of(page, slug: str, run_pk: int) -> int:
    """How many forms of a run the paper forms page counts as entered ("n of 50", in whichever order a language
    puts the two numbers)."""
    page.goto(f"/verwaltung/p/{slug}/papierformulare/")
    numbers = [int(n) for n in re.findall(r"\d+", page.locator(f"#run-{run_pk} td.entered").inner_text())]
    assert len(numbers) == 2 and RUN_SIZE in numbers, numbers
    numbers.remove(RUN_SIZE)
    return numbers[0]


def enter_form(page, *, serial: str, title: str, body: str, field: int, consent: bool, scan: bytes | None):
    """One paper form on the entry screen: the serial typed on the keyboard (focus starts there), the rest filled."""
    page.wait_for_function("document.activeElement && document.activeElement.name === 'form_serial'", timeout=5000)
    page.keyboard.type(serial)
    page.fill("#id_title", title)
    page.fill("#id_body", body)
    page.locator("input[name=fields_of_action]").nth(field).check()
    page.select_option("#id_language", "tr")
    page.check(f"input[name=publication_consent][value={'yes' if consent else 'no'}]")
    if scan is not None:
        page.set_input_files("#id_scan", files=[{"name": "bogen.png", "mimeType": "image/png", "buffer": scan}])
    return submit(page, "main form[method=post]", "#save-next")


def test_after_an_information_stand(new_context, server, axe, tmp_path):
    check = PageChecks(axe)
    marker = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    coordinator = new_context().new_page()
    anonymous = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)

    # --- 1. Print 50 forms in Turkish and 50 in Arabic for the stand ---------------------------------------------
    coordinator.goto("/verwaltung/veranstaltungen/")
    check(coordinator, "my events")
    paper_link = coordinator.locator("main a[href$='/papierformulare/']").first
    slug = re.match(r"^/verwaltung/p/([^/]+)/papierformulare/$", paper_link.get_attribute("href")).group(1)
    paper_link.click()
    coordinator.wait_for_load_state()
    check(coordinator, "paper forms")
    process_title = coordinator.locator("main h1 bdi").inner_text().strip()
    # A count out of range: the form's error, nothing recorded.
    coordinator.fill("#id_count", "0")
    assert submit(coordinator, "#print-form").status == 400
    assert coordinator.locator("#error-summary a[href='#id_count']").count() == 1
    check(coordinator, "paper forms with errors")

    online_form = f"{server.url}/p/{slug}/beitraege/neu/"
    runs = {}
    for language in ("tr", "ar"):
        run_pk, first, last, pdf = print_run(coordinator, check, slug=slug, language=language, tmp_path=tmp_path)
        codes, text = first_page(pdf, tmp_path)
        assert codes.get(zxingcpp.BarcodeFormat.QRCode) == online_form, (language, codes)
        assert codes.get(zxingcpp.BarcodeFormat.MicroQRCode) == first, (language, codes, first)
        assert first in text, f"the first serial {first} is not printed on page 1 of the {language} run"
        runs[language] = (run_pk, first, last, pdf)
    _, text_ar = first_page(runs["ar"][3], tmp_path)
    assert len(ARABIC.findall(text_ar)) > 50, f"the Arabic sheet has no Arabic text: {text_ar[:500]}"
    tr_pk, tr_first, tr_last, tr_pdf = runs["tr"]
    serials = all_serials(tr_pdf)
    assert len(serials) == RUN_SIZE and serials[0] == tr_first and serials[-1] == tr_last, serials
    assert len(set(serials)) == RUN_SIZE
    assert entered_of(coordinator, slug, tr_pk) == 0
    # Both runs are in the list, each with its serial range and a download link.
    for run_pk, first, last, _pdf in runs.values():
        row = coordinator.locator(f"#run-{run_pk}")
        assert first in row.inner_text() and last in row.inner_text()
        assert row.locator("a[href$='/pdf/']").count() == 1
    coordinator.screenshot(path=tmp_path / "paper-forms.png", full_page=True)

    # --- 2. Enter 30 of the Turkish forms, each with its scan -------------------------------------------------------
    paper_before = list_total(anonymous, f"/p/{slug}/beitraege/?channel=paper_form")
    coordinator.goto("/verwaltung/")
    check(coordinator, "workspace")
    coordinator.locator(f"main a[href='/verwaltung/p/{slug}/eingabe/']").first.click()
    coordinator.wait_for_load_state()
    check(coordinator, "entry screen")
    assert coordinator.locator("input[name=channel][value=paper_form]").is_checked()
    fields = coordinator.locator("input[name=fields_of_action]").count()
    assert fields >= 1
    titles = {}
    for index in range(ENTERED):
        consent = index != ENTERED - 1  # the last card's box "may be published" was not ticked
        title = f"{TURKISH[index % len(TURKISH)]} ({marker} {index + 1})"
        body = f"{TURKISH[index % len(TURKISH)]}. Bilgi standında yazıldı, kart {index + 1}. {marker}"
        response = enter_form(
            coordinator,
            serial=serials[index],
            title=title,
            body=body,
            field=index % fields,
            consent=consent,
            scan=scan_png(index + 1),
        )
        assert response.status == 200 and coordinator.locator("#error-summary").count() == 0, coordinator.locator(
            "main"
        ).inner_text()[:1500]
        saved = coordinator.locator("#saved-line")
        assert serials[index] in saved.inner_text(), saved.inner_text()
        titles[serials[index]] = (title, saved.locator("a").get_attribute("href"))
        if index == 0:
            check(coordinator, "entry screen, after saving")
            coordinator.screenshot(path=tmp_path / "entry-saved.png", full_page=True)
    # The card without consent: saved, and the screen says it will not be published.
    assert coordinator.locator("#saved-unpublished").count() == 1
    check(coordinator, "entry screen, saved without consent")
    assert entered_of(coordinator, slug, tr_pk) == ENTERED

    # The first card's serial typed again (its sheet came back into the pile): caught at the field, nothing saved.
    coordinator.goto(f"/verwaltung/p/{slug}/eingabe/")
    response = enter_form(
        coordinator, serial=serials[0], title=f"Doppelt ({marker})", body="Doppelt", field=0, consent=True, scan=None
    )
    assert response.status == 400
    assert coordinator.locator("#error-summary a[href='#id_form_serial']").count() == 1
    assert coordinator.locator("#id_form_serial[aria-invalid=true]").count() == 1
    assert coordinator.locator("#id_form_serial_error").inner_text().strip()
    check(coordinator, "entry screen, serial entered before")
    coordinator.screenshot(path=tmp_path / "entry-duplicate.png", full_page=True)
    assert entered_of(coordinator, slug, tr_pk) == ENTERED

    # The internal page of a form: its scan, for coordinators only, as a download.
    first_title, first_internal = titles[serials[0]]
    coordinator.goto(first_internal)
    check(coordinator, "internal page of an entered form")
    scan_link = coordinator.locator("main a[href^='/verwaltung/scans/']")
    assert scan_link.count() == 1
    scan = coordinator.request.get(scan_link.get_attribute("href"))
    assert scan.status == 200 and scan.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(scan.body())).size == (300, 420)
    assert anonymous.request.get(scan_link.get_attribute("href"), max_redirects=0).status in (302, 404)
    unpublished_title, unpublished_internal = titles[serials[ENTERED - 1]]
    coordinator.goto(unpublished_internal)
    check(coordinator, "internal page of a form without consent")

    # --- 3. The dot-vote of a held event's results, and of one entered form ---------------------------------------
    coordinator.goto("/verwaltung/veranstaltungen/")
    event_paths = coordinator.locator(
        "main section[aria-labelledby=past-title] h3 a, main section[aria-labelledby=wrap-up-title] h3 a"
    ).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    tally_path = None
    for event_path in event_paths:
        coordinator.goto(event_path)
        tallies = coordinator.locator("main a[href$='/punkte/']")
        same_process = process_title in coordinator.locator("main p.meta").first.inner_text()
        if tallies.count() and same_process:
            check(coordinator, "a held event, organisers' page")
            tally_path = tallies.get_attribute("href")
            tallies.click()
            coordinator.wait_for_load_state()
            if coordinator.locator("#sheet tbody tr:has(th span.meta)").count():
                break
        tally_path = None
    assert tally_path, f"no held event of {process_title} with results among {event_paths}"
    check(coordinator, "tally sheet")
    # One of the entered forms is added to the sheet by its number (a dot-vote ranks ideas from elsewhere too).
    tallied_form = int(re.search(r"/(\d+)/$", first_internal).group(1))
    coordinator.fill("#add-number", str(tallied_form))
    submit(coordinator, f"main form[method=get][action='{tally_path}']")
    assert coordinator.locator(f"#row-{tallied_form}").count() == 1, coordinator.locator("main").inner_text()[:1500]
    check(coordinator, "tally sheet with an added contribution")
    # A result of the event (marked so in its row), not a contribution counted there before.
    result_row = coordinator.locator("#sheet tbody tr:has(th span.meta)").first
    result_pk = int(result_row.get_attribute("id").removeprefix("row-"))
    assert result_pk != tallied_form
    before = {}
    for pk in (result_pk, tallied_form):
        cells = coordinator.locator(f"#row-{pk} td").all_inner_texts()
        before[pk] = (int(cells[1]), int(cells[2]))  # online, at events so far
    sheet_form = f"main form[method=post][action='{tally_path}']"
    # A negative count first: the row's error, nothing saved.
    coordinator.fill(f"#anzahl-{result_pk}", "-3")
    assert submit(coordinator, sheet_form).status == 400
    assert coordinator.locator(f"#error-summary a[href='#anzahl-{result_pk}']").count() == 1
    check(coordinator, "tally sheet with errors")
    coordinator.fill(f"#anzahl-{result_pk}", str(SHEET_COUNT))
    coordinator.fill(f"#anzahl-{tallied_form}", str(ADDED_COUNT))
    coordinator.fill("#id_note", f"Punkte am Flipchart, Tisch 1 ({marker})")
    submit(coordinator, sheet_form)
    assert coordinator.locator("#error-summary").count() == 0, coordinator.locator("main").inner_text()[:1500]
    history = coordinator.locator("main section[aria-labelledby=history] tbody").inner_text()
    assert marker in history, history
    check(coordinator, "tally sheet, saved")
    coordinator.screenshot(path=tmp_path / "tallies.png", full_page=True)
    for pk, added in ((result_pk, SHEET_COUNT), (tallied_form, ADDED_COUNT)):
        anonymous.goto(f"/beitraege/{pk}/")
        count = anonymous.locator("#support .support-count")
        assert count.count() == 1, anonymous.locator("#support").inner_text()
        online, analog = before[pk]
        assert count.get_attribute("data-online") == str(online)
        assert count.get_attribute("data-analog") == str(analog + added)
        assert str(online + analog + added) in count.inner_text()
        check(anonymous, "public page with online and analog supports")

    # --- 4. The stand's list of cards, as a spreadsheet with one bad row ------------------------------------------
    coordinator.goto("/verwaltung/")
    coordinator.locator(f"main a[href='/verwaltung/p/{slug}/import/']").first.click()
    coordinator.wait_for_load_state()
    check(coordinator, "import page")
    template = coordinator.request.get(coordinator.locator("main a[href$='/vorlage-de.csv']").get_attribute("href"))
    assert template.status == 200
    header, example = list(csv.reader(io.StringIO(template.body().decode("utf-8-sig")), delimiter=";"))
    column = {name: header.index(name) for name in ("Titel", "Text", "Stadtbezirk", "Kanal", "Schlüssel")}
    rows = []
    for number in range(1, 6):
        row = list(example)
        row[column["Schlüssel"]] = f"{marker}-karte-{number}"
        row[column["Titel"]] = f"Karte vom Infostand {number} ({marker})"
        row[column["Text"]] = f"Was am Infostand auf Karte {number} stand. {marker}"
        row[column["Kanal"]] = "info_stand"
        rows.append(row)
    rows[2][column["Stadtbezirk"]] = "Atlantis"  # no district of the city
    spreadsheet = tmp_path / "infostand.csv"

    def write(rows):
        with spreadsheet.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(header)
            writer.writerows(rows)

    def upload():
        coordinator.goto(f"/verwaltung/p/{slug}/import/")
        coordinator.set_input_files("#id_file", str(spreadsheet))
        submit(coordinator, "main form[enctype='multipart/form-data']")
        assert re.match(r"^/verwaltung/importe/\d+/", path_of(coordinator.url)), coordinator.url
        deadline = time.monotonic() + 60
        while coordinator.locator("#import-state").get_attribute("data-state") in ("queued", "checking"):
            assert time.monotonic() < deadline, "the dry run did not finish"
            time.sleep(1)
            coordinator.reload()

    info_stand_before = list_total(anonymous, f"/p/{slug}/beitraege/?channel=info_stand")
    write(rows)
    upload()
    assert coordinator.locator("#rows-invalid").inner_text().strip() == "1"
    bad = coordinator.locator("#import-rows tr[data-result=invalid]")
    assert bad.count() == 1 and bad.locator("li").count() >= 1, bad.all_inner_texts()
    assert number_in(bad.locator("th").inner_text()) == 4  # the header is line 1
    assert coordinator.locator("#import-button").count() == 0
    check(coordinator, "import dry run with an error")
    coordinator.screenshot(path=tmp_path / "import-dry-run.png", full_page=True)

    rows[2][column["Stadtbezirk"]] = example[column["Stadtbezirk"]]
    write(rows)
    upload()
    assert coordinator.locator("#rows-invalid").inner_text().strip() == "0"
    assert coordinator.locator("#rows-valid").inner_text().strip() == "5"
    check(coordinator, "import dry run, valid")
    submit(coordinator, "main form[action$='/importieren/']")
    deadline = time.monotonic() + 60
    while coordinator.locator("#import-state").get_attribute("data-state") != "imported":
        assert time.monotonic() < deadline, coordinator.locator("main").inner_text()[:1500]
        time.sleep(1)
        coordinator.reload()
    assert coordinator.locator("#rows-imported").inner_text().strip() == "5"
    check(coordinator, "import, imported")
    report_csv = coordinator.request.get(coordinator.locator("main a[href$='/bericht.csv']").get_attribute("href"))
    assert report_csv.status == 200 and marker in report_csv.text()
    assert list_total(anonymous, f"/p/{slug}/beitraege/?channel=info_stand") == info_stand_before + 5

    upload()  # the same file again
    assert coordinator.locator("#rows-already").inner_text().strip() == "5"
    assert coordinator.locator("#import-button").count() == 0
    assert coordinator.locator("#import-rows tr[data-result=already]").count() == 5 or (
        coordinator.locator("#import-rows tr").count() == 0
    )
    check(coordinator, "import again, nothing to import")
    assert list_total(anonymous, f"/p/{slug}/beitraege/?channel=info_stand") == info_stand_before + 5

    # --- 5. On the site, beside online contributions --------------------------------------------------------------
    assert list_total(anonymous, f"/p/{slug}/beitraege/?channel=paper_form") == paper_before + ENTERED - 1
    check(anonymous, "public list of paper forms")
    paper, info_stand = channel_label(anonymous, "paper_form"), channel_label(anonymous, "info_stand")
    online = channel_label(anonymous, "online")
    seen = {"paper": False, "info_stand": False, "online": False}
    for number in range(1, 8):
        anonymous.goto(f"/p/{slug}/beitraege/?page={number}")
        if number == 1:
            check(anonymous, "public list")
            anonymous.screenshot(path=tmp_path / "public-list.png", full_page=True)
        for card in anonymous.locator("main ul.cards > li.card").all():
            title, meta = card.locator("h3").inner_text(), card.locator("p.meta").first.inner_text()
            assert unpublished_title not in title, "the form without consent is published"
            if marker in title and paper in meta:
                seen["paper"] = True
            if marker in title and info_stand in meta:
                seen["info_stand"] = True
            if marker not in title and online in meta:
                seen["online"] = True
        if all(seen.values()) or anonymous.locator("main a[rel=next]").count() == 0:
            break
    assert all(seen.values()), seen
    unpublished_pk = re.search(r"/(\d+)/$", unpublished_internal).group(1)
    assert anonymous.goto(f"/beitraege/{unpublished_pk}/").status == 404
    check(anonymous, "the form without consent: not found")
    # An imported row's page names its channel too.
    anonymous.goto(f"/p/{slug}/beitraege/?channel=info_stand")
    anonymous.locator("main ul.cards > li.card h3 a", has_text=f"Karte vom Infostand 1 ({marker})").click()
    anonymous.wait_for_load_state()
    assert info_stand in anonymous.locator("main article dl.facts").inner_text()
    check(anonymous, "an imported row's public page")

    # The participant supports an entered form online and comments on it.
    participant = new_context().new_page()
    sign_in(participant, PARTICIPANT, DEMO_PASSWORD)
    # The first form entered is the oldest of them: a few pages into the list, newest first.
    participant.goto(f"/p/{slug}/beitraege/?channel=paper_form")
    link = participant.locator(f"main ul.cards > li.card h3 a[href='/beitraege/{tallied_form}/']")
    for _ in range(10):
        if link.count() or participant.locator("main a[rel=next]").count() == 0:
            break
        participant.locator("main a[rel=next]").click()
        participant.wait_for_load_state()
    assert f"({marker} 1)" in link.inner_text()
    link.click()
    participant.wait_for_load_state()
    assert path_of(participant.url) == f"/beitraege/{tallied_form}/", participant.url
    check(participant, "an entered form's public page")
    channel_facts = participant.locator("main article dl.facts").inner_text()
    assert paper in channel_facts, channel_facts
    online_before, analog_before = before[tallied_form][0], before[tallied_form][1] + ADDED_COUNT
    assert participant.locator("main form[action$='/unterstuetzen/'] input[name=action][value=add]").count() == 1
    submit(participant, "main form[action$='/unterstuetzen/']")
    count = participant.locator("#support .support-count")
    assert count.get_attribute("data-online") == str(online_before + 1)
    assert count.get_attribute("data-analog") == str(analog_before)
    participant.fill("#id_body", f"Ja, das brauchen wir auch in Linden. ({marker})")
    submit(participant, "main form[action$='/kommentieren/']")
    assert participant.locator("#error-summary").count() == 0, participant.locator("main").inner_text()[:1500]
    assert path_of(participant.url).startswith(f"/beitraege/{tallied_form}/")
    check(participant, "an entered form after supporting and commenting")
    participant.screenshot(path=tmp_path / "supported.png", full_page=True)

    assert not check.findings and not check.problems, report(check.findings, check.problems)
