"""Issue 13's "Done when", walked in a browser against the demo (Olga, beirat@, is a member of the Integrationsbeirat
Linden-Limmer, district 10; its chair is a fictional member without an account, so the coordinator submits on the
chair's behalf):

1. Olga opens her council's workspace, puts an item on the agenda of the next session, drafts a statement to
   department 50 and records the council's vote in a held session;
2. the coordinator submits it on the chair's behalf: it is routed to the department on the answer path;
3. Olga opens a consultation of the council; a resident, in Arabic and without an account, answers it online;
   the coordinator enters a paper answer;
4. Olga records a funded activity within the council's share; the coordinator downloads the annual report (PDF);
5. the public district page shows the statement, the consultation and the budget, in German and in Arabic;
6. the coordinator stores the chair's photo with their consent: it shows on the public page; the consent is
   withdrawn: the photo is deleted and its URL answers 404;
7. the coordinator withdraws the statement on the chair's behalf: it leaves the public page, and Olga reads its
   history.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits.
"""

import datetime
import io
import re

import pytest
from PIL import Image
from support import (
    COORDINATOR,
    DEMO_PASSWORD,
    REPORTER,
    PageChecks,
    axe_source,
    choose_language,
    path_of,
    report,
    sign_in,
    submit,
)

SLUG = "lip-4"
DISTRICT = "/p/lip-4/beiraete/10/"
AGENDA = "Sprachcafé im Stadtteiltreff (E2E)"
STATEMENT = "Mehr Bänke am Küchengarten (E2E)"
QUESTION = "Wo fehlen Treffpunkte für Jugendliche? (E2E)"
ACTIVITY = "Jugendtreff-Wochenende (E2E)"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def test_a_council_holds_sessions_adopts_a_statement_consults_and_reports(new_context, server, axe):
    check = PageChecks(axe)
    today = datetime.date.today()

    # 1. Olga's council workspace: agenda, statement, vote.
    olga = new_context().new_page()
    sign_in(olga, REPORTER, DEMO_PASSWORD)
    olga.goto("/verwaltung/beiraete/")
    check(olga, "member, my councils")
    olga.locator("main a[href^='/verwaltung/beiraete/']").filter(has_text="Linden-Limmer").first.click()
    olga.wait_for_load_state()
    space_path = re.match(r"/verwaltung/beiraete/\d+/", path_of(olga.url)).group(0)
    check(olga, "member, council workspace")
    olga.locator("main a[href*='/sitzungen/']").first.click()
    olga.wait_for_load_state()
    check(olga, "member, session agenda")
    olga.fill("input[name=title]", AGENDA)
    submit(olga, "main form[aria-labelledby=add-title]")
    assert olga.locator("main").get_by_text(AGENDA).count() == 1

    olga.goto(space_path + "stellungnahmen/neu/")
    check(olga, "member, draft a statement")
    olga.fill("input[name=title]", STATEMENT)
    olga.fill("textarea[name=text]", "Der Beirat bittet um Sitzbänke und Schatten am Küchengarten.")
    submit(olga)
    position_path = path_of(olga.url)
    assert re.match(r"/verwaltung/beiraete/\d+/stellungnahmen/\d+/$", position_path), olga.url
    check(olga, "member, statement with the vote form")
    department = olga.locator("select[name=department] option").filter(has_text="Soziales").first
    olga.select_option("select[name=department]", department.get_attribute("value"))
    olga.fill("input[name=yes]", "11")
    olga.fill("input[name=no]", "0")
    olga.fill("input[name=abstain]", "1")
    olga.fill("input[name=due_date]", (today + datetime.timedelta(days=30)).isoformat())
    submit(olga, "main form[aria-labelledby=vote-title]")
    assert "Soziales" in olga.locator("main section[aria-labelledby=text-title]").inner_text()  # the vote is in
    assert olga.locator("button[value=submit]").count() == 0  # a member, not the chair

    # 2. The coordinator submits on the chair's behalf: routed at once.
    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto(position_path)
    check(coordinator, "coordinator, statement to submit")
    submit(coordinator, "main form[aria-labelledby=submit-title]")
    assert coordinator.locator("#answer-title").count() == 1, "the statement was not routed"
    check(coordinator, "coordinator, routed statement")

    # 3. A consultation: opened by Olga, answered online in Arabic and on paper.
    olga.goto(space_path + "befragungen/neu/")
    check(olga, "member, open a consultation")
    olga.fill("input[name=question]", QUESTION)
    olga.fill("input[name=starts_on]", today.isoformat())
    olga.fill("input[name=ends_on]", (today + datetime.timedelta(days=14)).isoformat())
    submit(olga)
    consultation_work = path_of(olga.url)
    public_link = olga.locator("main a[href^='/p/lip-4/beiraete/10/befragung/']").first.get_attribute("href")
    resident = new_context().new_page()
    resident.goto("/")
    choose_language(resident, "ar")
    resident.goto(public_link)
    check(resident, "resident, consultation (Arabic)", language="ar")
    resident.fill("input[name=title]", "نادي للشباب")
    resident.fill("textarea[name=body]", "نحتاج إلى مكان للشباب في الحي.")
    resident.fill("input[name=author_email]", "rania-e2e@example.org")
    resident.locator("input[name=publication_consent]").check()
    submit(resident)
    assert "/eingereicht/" in resident.url, resident.url
    coordinator.goto(consultation_work)
    check(coordinator, "coordinator, consultation with paper entry")
    coordinator.fill("input[name=title]", "Jugendraum im Freizeitheim (E2E, Papier)")
    coordinator.fill("textarea[name=body]", "Vom Infostand: ein Raum am Abend.")
    coordinator.locator("input[name=publication_consent]").check()
    submit(coordinator, "main form[aria-labelledby=paper-title]")
    assert coordinator.locator("main").get_by_text("Jugendraum im Freizeitheim (E2E, Papier)").count() == 1

    # 4. A funded activity and the annual report.
    olga.goto(f"{space_path}budget/{today.year}/")
    check(olga, "member, council budget")
    olga.fill("input[name=activity]", ACTIVITY)
    olga.fill("input[name=amount]", "800")
    olga.fill("input[name=date]", today.isoformat())
    submit(olga)
    assert olga.locator("main").get_by_text(ACTIVITY).count() == 1
    response = coordinator.request.get(f"{space_path}jahresbericht/{today.year}.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")

    # 5. The public district page, in German and in Arabic.
    public = new_context().new_page()
    public.goto(DISTRICT)
    check(public, "public, district page")
    main = public.locator("main")
    for text in (STATEMENT, QUESTION, ACTIVITY):
        assert main.get_by_text(text).count() >= 1, text
    choose_language(public, "ar")
    public.goto(DISTRICT)
    check(public, "public, district page (Arabic)", language="ar")
    public.locator("main a[href*='/sitzungen/']").first.click()
    public.wait_for_load_state()
    check(public, "public, session page (Arabic)", language="ar")

    # 6. The chair's photo, with consent, and its withdrawal.
    coordinator.goto(space_path)
    coordinator.locator("main tbody tr").first.locator(f"a[href^='{space_path}mitglieder/']").first.click()
    coordinator.wait_for_load_state()
    check(coordinator, "coordinator, membership with photo form")
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 110, 160)).save(photo, format="PNG")
    coordinator.set_input_files(
        "#photo_photo", files=[{"name": "portrait.png", "mimeType": "image/png", "buffer": photo.getvalue()}]
    )
    coordinator.locator("#photo_consent").check()
    submit(coordinator, "main form[enctype='multipart/form-data']")
    assert coordinator.locator("button[name=remove]").count() == 1, "the photo was not stored"
    public.goto(DISTRICT)
    image = public.locator("main .council-members img").first
    photo_url = image.get_attribute("src")
    assert photo_url and "/foto" in photo_url
    assert public.request.get(photo_url).status == 200
    check(public, "public, district page with a photo (Arabic)", language="ar")
    submit(coordinator, "main form:has(button[name=remove])", "button[name=remove]")
    assert public.request.get(photo_url).status == 404
    public.goto(DISTRICT)
    assert public.locator("main .council-members img").count() == 0

    # 7. The statement withdrawn on the chair's behalf: gone from the public page; its history for the members.
    coordinator.goto(position_path)
    check(coordinator, "coordinator, routed statement with correct and withdraw")
    coordinator.fill("#withdraw_reason", "Der Beirat berät die Bänke mit dem Stadtteilverein neu (E2E).")
    submit(coordinator, "main form[aria-labelledby=withdraw-title]")
    assert coordinator.locator("#history-title").count() == 1, "the statement was not withdrawn"
    public.goto(DISTRICT)
    assert public.locator("main").get_by_text(STATEMENT).count() == 0
    olga.goto(position_path)
    check(olga, "member, withdrawn statement with its history")
    assert olga.locator("main").get_by_text("Stadtteilverein neu (E2E)").count() == 1

    assert not check.findings and not check.problems, report(check.findings, check.problems)
