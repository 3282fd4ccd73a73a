"""Issue 15's council reports, walked in a browser against the demo (which has the Internationaler Ausschuss and its
first quarterly report, published):

1. the coordinator opens the process's council reports, asks for the current quarter's report to the Internationaler
   Ausschuss and sees its progress page (it reloads itself until the worker beside the server has made it);
2. the evaluator reads the draft, without the form to make or freeze one;
3. the coordinator freezes the draft (the audit chain's head appears) and publishes it;
4. the public archive lists both quarters, by committee and period, with PDF, data package and OParl JSON — in
   German and in Arabic.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits.
"""

import json
import re
import time

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
COMMITTEE = "Internationaler Ausschuss"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def current_quarter() -> str:
    today = time.localtime()
    return f"{today.tm_year}-Q{(today.tm_mon - 1) // 3 + 1}"


def test_a_coordinator_makes_freezes_and_publishes_a_council_report(new_context, server, axe):
    check = PageChecks(axe)

    # 1. Ask for the report and follow its progress.
    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto(f"/verwaltung/p/{SLUG}/ausschuesse/")
    check(coordinator, "coordinator, committees")
    assert coordinator.locator("#committees").get_by_text(COMMITTEE).count() == 1
    coordinator.goto(f"/verwaltung/p/{SLUG}/berichte/")
    check(coordinator, "coordinator, council reports")
    assert coordinator.locator("#reports-table tbody tr").count() >= 1  # the demo's published report
    committee = coordinator.locator("#id_committee option").filter(has_text=COMMITTEE).first.get_attribute("value")
    coordinator.select_option("#id_committee", committee)
    coordinator.fill("#id_period", "2027-Q9")
    assert submit(coordinator, "#generate-form").status == 400  # a bad period: the form again, with its error
    assert coordinator.locator("#error-summary").count() == 1
    check(coordinator, "coordinator, council reports with an error")
    coordinator.fill("#id_period", current_quarter())
    submit(coordinator, "#generate-form")
    report_path = path_of(coordinator.url)
    assert re.match(rf"/verwaltung/p/{SLUG}/berichte/\d+/$", report_path), coordinator.url
    if coordinator.locator("#report-state").get_attribute("data-state") in {"queued", "running"}:
        # While it is being made the page reloads itself, with a link to stop that (axe flags any meta refresh, so
        # the check reads the page without it, as the analog journey does).
        assert coordinator.locator("meta[http-equiv=refresh]").count() == 1
        assert coordinator.locator("a[href='?auto=0']").count() == 1
    coordinator.goto(report_path + "?auto=0")
    check(coordinator, "coordinator, report being made")
    deadline = time.monotonic() + 90
    while coordinator.locator("#report-state").get_attribute("data-state") in {"queued", "running"}:
        assert coordinator.locator("#report-progress").count() == 1
        assert time.monotonic() < deadline, "the report was not made within 90 s"
        time.sleep(1)
        coordinator.goto(report_path + "?auto=0")
    assert coordinator.locator("#report-state").get_attribute("data-state") == "draft"
    check(coordinator, "coordinator, draft report")
    pdf = coordinator.request.get(coordinator.locator("#download-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # 2. The evaluator reads the draft, and may not make or freeze one.
    evaluator = new_context().new_page()
    sign_in(evaluator, EVALUATOR, DEMO_PASSWORD)
    evaluator.goto(report_path)
    check(evaluator, "evaluator, draft report")
    assert evaluator.locator("#freeze-button").count() == 0
    evaluator.goto(f"/verwaltung/p/{SLUG}/berichte/")
    assert evaluator.locator("#generate-form").count() == 0

    # 3. Freeze and publish.
    coordinator.goto(report_path)
    submit(coordinator, "main form", "#freeze-button")
    assert coordinator.locator("#report-state").get_attribute("data-state") == "frozen"
    assert re.search(r"[0-9a-f]{64}", coordinator.locator("#report-facts").inner_text())  # the audit head
    check(coordinator, "coordinator, frozen report")
    oparl = json.loads(coordinator.request.get(coordinator.locator("#download-oparl").get_attribute("href")).body())
    assert oparl["paperType"] == "Informationsdrucksache" and len(oparl["mainFile"]["sha512Checksum"]) == 128
    submit(coordinator, "main form", "#publish-button")
    assert coordinator.locator("#report-state").get_attribute("data-state") == "published"

    # 4. The public archive, in German and in Arabic.
    public = new_context().new_page()
    public.goto("/berichte/")
    check(public, "public, report archive")
    main = public.locator("main")
    assert main.get_by_role("heading", name=COMMITTEE).count() == 1
    assert main.get_by_role("heading", name=current_quarter()).count() == 1
    assert main.locator("a[href$='/bericht.pdf']").count() >= 2  # the demo's quarter and this one
    data = public.request.get(main.locator("a[href$='/daten.zip']").first.get_attribute("href"))
    assert data.status == 200 and data.body().startswith(b"PK")
    main.locator("li[id^=report-] > a").first.click()
    public.wait_for_load_state()
    check(public, "public, published report")
    choose_language(public, "ar")
    public.goto("/berichte/")
    check(public, "public, report archive (Arabic)", language="ar")

    assert not check.findings and not check.problems, report(check.findings, check.problems)
