"""Issue 8 in a browser, as the city would try it: a resident writes (in Arabic), the coordinator routes 20
contributions (some from paper) to three departments in one action, the department drafts, its head returns one
and signs off the others, the statements are published, the coordinator decides one and five similar ones
together; the resident sees the whole path, got the mails in Arabic, and unsubscribes with one click; the
consideration table exports in all four formats, and LibreOffice opens the spreadsheets. axe-core checks every
new page on the way (the crawl of test_accessibility.py adds them in Arabic).
"""

import csv
import io
import re
import shutil
import subprocess
import time
import zipfile

import pytest
from support import (
    COORDINATOR,
    DEMO_PASSWORD,
    PARTICIPANT,
    PageChecks,
    axe_source,
    choose_language,
    path_of,
    report,
    sign_in,
    submit,
)

STAFF = "fachbereich@demo.teilhabe.test"  # 50 Soziales
HEAD = "fachbereichsleitung@demo.teilhabe.test"
TITLE = "Deutschkurse am Abend im Stadtteilzentrum"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def wait_for_mails(server, recipient: str, path: str, count: int, timeout: float = 60) -> list:
    """The notifications to recipient about the contribution at path (sent by the task worker beside the
    server)."""
    deadline = time.monotonic() + timeout
    while True:
        mails = [
            m
            for m in server.mails()
            if recipient in str(m["To"]) and m["List-Unsubscribe"] and path in server.mail_text(m)
        ]
        if len(mails) >= count or time.monotonic() > deadline:
            return mails
        time.sleep(0.5)


def test_every_contribution_gets_an_answer(new_context, server, axe, tmp_path):
    check = PageChecks(axe)

    # 1. A resident writes a contribution, using the site in Arabic.
    resident = new_context().new_page()
    sign_in(resident, PARTICIPANT, DEMO_PASSWORD)
    choose_language(resident, "ar")
    resident.goto("/")
    resident.locator("main a[href$='/beitraege/neu/']").first.click()
    resident.wait_for_load_state()
    resident.fill("input[name=title]", TITLE)
    resident.fill("textarea[name=body]", "Viele arbeiten tagsüber. Kurse am Abend mit Kinderbetreuung würden helfen.")
    resident.locator("input[name=fields_of_action]").first.check()
    resident.locator("input[name=publication_consent]").check()
    submit(resident, "main form[method=post]")
    mine = re.search(r"/beitraege/(\d+)/", resident.url)
    assert mine, resident.url
    mine_pk = mine.group(1)
    contribution_path = f"/beitraege/{mine_pk}/"

    # 2. The coordinator routes 20 contributions — the newest not yet routed, some from paper — in one action
    #    to a lead department and two contributing ones.
    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto("/verwaltung/")
    check(coordinator, "coordinator, workspace")
    coordinator.locator("main a[href$='/weiterleiten/']").first.click()
    coordinator.wait_for_load_state()
    routing_path = path_of(coordinator.url).split("?")[0]
    coordinator.goto(f"{routing_path}?state=not_routed")
    check(coordinator, "coordinator, routing screen")
    boxes = coordinator.locator("main input[name=selected]")
    assert boxes.count() == 20
    chosen = [boxes.nth(index).get_attribute("value") for index in range(20)]
    channels = coordinator.locator("main tbody tr td:nth-child(3)").all_inner_texts()
    assert any(channel.strip() != "Online" for channel in channels), channels  # analog input among them
    for index in range(20):
        boxes.nth(index).check()
    coordinator.select_option("select[name=lead]", label="50 Soziales")
    for label in ("40 Bildung", "51 Jugend und Familie"):
        coordinator.get_by_label(label, exact=True).check()
    submit(coordinator, "main form[method=post]", "button[name=action][value=selected]")
    assert "20" in coordinator.locator(".messages").first.inner_text()
    check(coordinator, "coordinator, routing done")
    # The resident's contribution, found by its words, to the same departments.
    coordinator.goto(f"{routing_path}?q=Deutschkurse+Abend+Stadtteilzentrum")
    coordinator.locator(f"main input[name=selected][value='{mine_pk}']").check()
    coordinator.select_option("select[name=lead]", label="50 Soziales")
    for label in ("40 Bildung", "51 Jugend und Familie"):
        coordinator.get_by_label(label, exact=True).check()
    submit(coordinator, "main form[method=post]", "button[name=action][value=selected]")
    assert "1" in coordinator.locator(".messages").first.inner_text()

    # 3. The department's staff find them in their queue, draft three statements and submit them.
    staff = new_context().new_page()
    sign_in(staff, STAFF, DEMO_PASSWORD)
    staff.goto("/verwaltung/")
    check(staff, "staff, workspace")
    staff.locator("main a[href*='/verwaltung/fachbereiche/']").first.click()
    staff.wait_for_load_state()
    check(staff, "staff, queue")
    staff.goto(path_of(staff.url).split("?")[0] + "?state=routed&sort=due_desc")  # the newest work first
    staff.locator(f"main a[href$='/verwaltung/beitraege/{mine_pk}/']").first.click()
    staff.wait_for_load_state()
    check(staff, "staff, work page")
    others = chosen
    answered = [mine_pk, others[0], others[1]]
    for pk in answered:
        staff.goto(f"/verwaltung/beitraege/{pk}/")
        staff.fill("textarea[name=text]", f"Der Fachbereich Soziales prüft Abendkurse im Stadtteilzentrum ({pk}).")
        submit(staff, "form[action$='/stellungnahme/']")
        submit(staff, "form[action$='/stellungnahme/einreichen/']")
        assert (
            staff.locator("main").get_by_text("Awaiting sign-off").count()
            + staff.locator("main").get_by_text("Freigabe").count()
            >= 1
        )

    # 4. The head of the department returns one with a comment and signs off the others.
    head = new_context().new_page()
    sign_in(head, HEAD, DEMO_PASSWORD)
    for pk in answered:
        head.goto(f"/verwaltung/beitraege/{pk}/")
        if pk == others[1]:
            head.locator("form[action$='/stellungnahme/pruefen/'] input[name=decision][value=return]").check()
            head.fill("form[action$='/stellungnahme/pruefen/'] textarea[name=comment]", "Bitte Termine nennen.")
            check(head, "head, work page with sign-off")
        else:
            head.locator("form[action$='/stellungnahme/pruefen/'] input[name=decision][value=sign_off]").check()
        submit(head, "form[action$='/stellungnahme/pruefen/']")
    # A returned statement is a draft again; publishing it is refused (there is no button, and a crafted POST
    # answers 403 with nothing changed).
    staff.goto(f"/verwaltung/beitraege/{others[1]}/")
    assert staff.locator("form[action$='/stellungnahme/veroeffentlichen/']").count() == 0
    token = staff.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    refused = staff.request.post(
        f"/verwaltung/beitraege/{others[1]}/stellungnahme/veroeffentlichen/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": server.url + f"/verwaltung/beitraege/{others[1]}/"},
    )
    assert refused.status in (400, 403, 409)

    # 5. Staff publish the signed-off statements.
    for pk in (mine_pk, others[0]):
        staff.goto(f"/verwaltung/beitraege/{pk}/")
        submit(staff, "form[action$='/stellungnahme/veroeffentlichen/']")

    # 6. The coordinator decides the resident's contribution, and five similar ones together.
    coordinator.goto(f"/verwaltung/beitraege/{mine_pk}/")
    check(coordinator, "coordinator, work page")
    coordinator.locator("form[action$='/abwaegung/'] input[name=outcome][value=adopted]").check()
    coordinator.fill(
        "form[action$='/abwaegung/'] textarea[name=justification]", "Abendkurse werden in den Plan aufgenommen."
    )
    submit(coordinator, "form[action$='/abwaegung/']")
    group_path = routing_path.replace("/weiterleiten/", "/abwaegung/")
    coordinator.goto(f"{group_path}?state=routed")
    check(coordinator, "coordinator, group decision")
    group = others[2:7]
    for pk in group:
        coordinator.locator(f"input[name=contributions][value='{pk}']").check()
    coordinator.fill("input[name=group_title]", "Abendangebote")
    coordinator.locator("input[name=outcome][value=partly_adopted]").check()
    coordinator.fill("textarea[name=justification]", "Teilweise: zunächst in drei Stadtbezirken.")
    submit(coordinator, "main form[method=post]")
    for pk in group:
        coordinator.goto(f"/beitraege/{pk}/")
        assert coordinator.locator("main").get_by_text("Teilweise: zunächst in drei Stadtbezirken.").count() == 1

    # 7. The resident opens the contribution: the whole path, in Arabic around the German texts.
    resident.goto(contribution_path)
    main = resident.locator("main")
    for text in (
        "Der Fachbereich Soziales prüft Abendkurse",
        "Abendkurse werden in den Plan aufgenommen.",
        "Soziales",
        "Bildung",
    ):
        assert main.get_by_text(text).count() >= 1, text
    assert main.get_by_text("Bitte Termine nennen.").count() == 0  # nothing internal on a public page
    check(resident, "resident, contribution with its answer", language="ar")

    # 8. The mails: one per public step, in Arabic, with one-click unsubscribe.
    mails = wait_for_mails(server, PARTICIPANT, contribution_path, 3)
    assert len(mails) >= 3, [m["Subject"] for m in mails]
    for message in mails:
        assert message["Content-Language"] == "ar"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"https?://[^\s>]+/benachrichtigungen/[^\s/>]+/", server.mail_text(mails[-1])).group(0)
    resident.goto(unsubscribe)
    check(resident, "resident, notification settings", language="ar")
    submit(resident, "main form[method=post]", "button[name=action][value=unsubscribe]")
    assert resident.locator("main form button[name=action][value=unsubscribe]").count() == 0
    # The mail program's one-click POST (RFC 8058) needs no form and no token.
    header_url = re.search(r"<(https?://[^>]+)>", str(mails[-1]["List-Unsubscribe"])).group(1)
    one_click = resident.request.post(header_url, form={"List-Unsubscribe": "One-Click"})
    assert one_click.status == 200

    # 9. The consideration table, in all four formats, from the site's background export.
    coordinator.goto(routing_path.replace("/weiterleiten/", "/abwaegungstabelle/"))
    check(coordinator, "coordinator, consideration table")
    table_path = path_of(coordinator.url)
    files = {}
    for fmt in ("xlsx", "ods", "csv", "pdf"):
        coordinator.goto(table_path)
        submit(coordinator, "main", f"button[name=format][value={fmt}]")
        deadline = time.monotonic() + 120
        while coordinator.locator("main a[href$='/datei/']").count() == 0:
            assert time.monotonic() < deadline, f"{fmt} export not ready: {coordinator.locator('main').inner_text()}"
            time.sleep(1)
            coordinator.reload()
        check(coordinator, f"coordinator, export {fmt} ready")
        with coordinator.expect_download() as download:
            coordinator.locator("main a[href$='/datei/']").first.click()
        target = tmp_path / f"table.{fmt}"
        download.value.save_as(target)
        files[fmt] = target

    assert zipfile.is_zipfile(files["xlsx"]) and zipfile.is_zipfile(files["ods"])
    rows = list(csv.reader(io.StringIO(files["csv"].read_text(encoding="utf-8-sig")), delimiter=";"))
    assert any(TITLE in cell for row in rows for cell in row)
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    pdf_text = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "Abendkurse werden in den Plan aufgenommen." in pdf_text.replace("\n", " ")
    # LibreOffice opens both spreadsheets (converted headless to CSV, our contribution is in them).
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: make e2e installs libreoffice-calc-nogui"
    for fmt in ("xlsx", "ods"):
        out_dir = tmp_path / f"lo-{fmt}"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                "--headless",
                "--convert-to",
                "csv",
                "--outdir",
                str(out_dir),
                str(files[fmt]),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
        converted = next(out_dir.glob("*.csv")).read_text(encoding="utf-8", errors="replace")
        assert TITLE in converted, f"{fmt}: LibreOffice's CSV lacks the contribution"

    assert not check.findings and not check.problems, report(check.findings, check.problems)
