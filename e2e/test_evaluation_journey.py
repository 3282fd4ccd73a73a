"""Issue 15's evaluation and outcome indicators, walked in a browser against the demo:

1. a resident, without an account, answers the questionnaire in Arabic; a second visit says it was answered;
2. the coordinator types in a paper questionnaire on the entry screen with the keyboard (save and next);
3. the evaluator (Lukas, evaluation@) rates a quality principle for a phase, with a note, and writes a note;
4. the coordinator enters a measurement of an indicator;
5. the public indicator page shows it, with its chart, table and text alternative, in German and in Arabic;
   the evaluator reads the questionnaire's protected results.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits.
"""

import datetime
import re

import pytest
from support import (
    COORDINATOR,
    DEMO_PASSWORD,
    PageChecks,
    axe_source,
    choose_language,
    path_of,
    report,
    sign_in,
    submit,
)

SLUG = "lip-4"
EVALUATOR = "evaluation@demo.teilhabe.test"
NOTE = "Werkstatt Linden gut besucht, wenige Jugendliche (E2E)"
MEASUREMENT_NOTE = "Zwischenstand (E2E)"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def test_questionnaire_paper_entry_quality_rating_and_indicators(new_context, server, axe):
    check = PageChecks(axe)

    # 1. A resident answers online, in Arabic, once.
    resident = new_context().new_page()
    resident.goto(f"/p/{SLUG}/")
    choose_language(resident, "ar")
    resident.goto(f"/p/{SLUG}/fragebogen/")
    check(resident, "resident, questionnaire (Arabic)", language="ar")
    resident.locator("input[name=info_enough][value='5']").check()
    resident.locator("input[name=heard_serious][value='4']").check()
    resident.locator("input[name=overall_satisfied][value='0']").check()
    resident.fill("textarea[name=free_text]", "المزيد من المواعيد في المساء")
    submit(resident)
    assert "/fragebogen/danke/" in resident.url, resident.url
    check(resident, "resident, thanks (Arabic)", language="ar")
    resident.goto(f"/p/{SLUG}/fragebogen/")
    assert resident.locator("#questionnaire-done").count() == 1

    # 2. The coordinator types in a paper questionnaire with the keyboard.
    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto(f"/verwaltung/p/{SLUG}/evaluation/papier/")
    check(coordinator, "coordinator, paper questionnaire entry")
    assert coordinator.evaluate("document.activeElement.name") == "form_serial"
    coordinator.keyboard.type("FB-E2E-1")
    for key in ["5", "4", "", "3", "2", "", "1", "?", "4", "5"]:
        coordinator.keyboard.press("Tab")
        if key:
            coordinator.keyboard.type(key)
    with coordinator.expect_navigation():
        coordinator.keyboard.press("Enter")
    assert coordinator.locator("#paper-saved").count() == 1
    assert "FB-E2E-1" in coordinator.locator("#paper-saved").inner_text()
    check(coordinator, "coordinator, paper entry after saving")

    # 3. The evaluator rates a principle and writes a note.
    evaluator = new_context().new_page()
    sign_in(evaluator, EVALUATOR, DEMO_PASSWORD)
    evaluator.goto("/verwaltung/evaluation/")
    check(evaluator, "evaluator, evaluations")
    evaluator.locator(f"main a[href='/verwaltung/p/{SLUG}/evaluation/']").click()
    evaluator.wait_for_load_state()
    check(evaluator, "evaluator, questionnaire results")
    assert evaluator.locator("#results-table").count() == 1
    assert evaluator.locator("main").get_by_text("المزيد من المواعيد في المساء").count() == 1
    evaluator.goto(f"/verwaltung/p/{SLUG}/evaluation/qualitaet/")
    check(evaluator, "evaluator, quality matrix")
    evaluator.locator("#quality-table thead a").first.click()
    evaluator.wait_for_load_state()
    check(evaluator, "evaluator, quality of a phase")
    form = "#principle-feedback form"
    evaluator.locator(f"{form} input[name='feedback-rating'][value='2']").check()
    evaluator.fill(f"{form} textarea[name='feedback-note']", "Rückmeldungen kommen spät (E2E)")
    submit(evaluator, form)
    assert evaluator.locator("#principle-feedback").get_by_text("Rückmeldungen kommen spät (E2E)").count() >= 1
    evaluator.goto(f"/verwaltung/p/{SLUG}/evaluation/notizen/")
    check(evaluator, "evaluator, notes")
    evaluator.fill("textarea[name=text]", NOTE)
    submit(evaluator, "main form[aria-labelledby=note-title]")
    assert evaluator.locator("#notes").get_by_text(NOTE).count() == 1

    # 4. The coordinator enters a measurement.
    coordinator.goto(f"/verwaltung/p/{SLUG}/evaluation/indikatoren/")
    check(coordinator, "coordinator, indicators")
    coordinator.locator("#indicator-table a").filter(has_text="Wartezeit").click()
    coordinator.wait_for_load_state()
    assert re.search(r"/evaluation/indikatoren/\d+/$", path_of(coordinator.url)), coordinator.url
    check(coordinator, "coordinator, an indicator")
    coordinator.fill("input[name='m-measured_on']", datetime.date.today().isoformat())
    coordinator.fill("input[name='m-value']", "9,5")
    coordinator.fill("input[name='m-note']", MEASUREMENT_NOTE)
    submit(coordinator, "main form[aria-labelledby=measurement-title]")
    assert coordinator.locator("main").get_by_text(MEASUREMENT_NOTE).count() == 1
    coordinator.goto(f"/verwaltung/p/{SLUG}/evaluation/indikatoren/import/")
    check(coordinator, "coordinator, import measurements")

    # 5. The public indicator page, in German and in Arabic.
    public = new_context().new_page()
    public.goto(f"/p/{SLUG}/indikatoren/")
    check(public, "public, indicators")
    main = public.locator("main")
    assert main.get_by_text(MEASUREMENT_NOTE).count() == 1
    assert main.locator("svg.indicator-chart").count() >= 4 and main.locator("table").count() >= 4
    choose_language(public, "ar")
    public.goto(f"/p/{SLUG}/indikatoren/")
    check(public, "public, indicators (Arabic)", language="ar")

    assert not check.findings and not check.problems, report(check.findings, check.problems)
