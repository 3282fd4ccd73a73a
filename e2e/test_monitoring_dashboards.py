"""Issue 15's dashboards, walked in a browser against the demo:

1. a visitor follows the process page's link to the public dashboard, in German and in Arabic: every chart is an
   SVG with its text alternative beside its table, stamped with the time it was computed; the CSV and the JSON
   of a table give the numbers the page shows;
2. a visitor describes themselves on the optional page (or skips it);
3. the evaluator (evaluation@) opens the internal dashboard in German and in Arabic; a participant may not.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits.
"""

import csv
import io
import re

import pytest
from support import DEMO_PASSWORD, PARTICIPANT, PageChecks, axe_source, choose_language, report, sign_in, submit

SLUG = "lip-4"
PUBLIC = f"/p/{SLUG}/zahlen/"
INTERNAL = f"/verwaltung/p/{SLUG}/monitoring/"
EVALUATOR = "evaluation@demo.teilhabe.test"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def table_rows(page, key: str) -> dict[str, list[str]]:
    rows = {}
    for row in page.locator(f"#{key} tbody tr").all():
        cells = [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        rows[cells[0]] = cells[1:]
    return rows


def charts_have_text_alternatives(page) -> None:
    charts = page.locator("main svg.bar-chart")
    assert charts.count() > 5
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img"
        ids = chart.get_attribute("aria-labelledby").split()
        assert all(page.locator(f"[id='{name}']").text_content().strip() for name in ids)


def test_the_dashboards_in_german_and_arabic(new_context, server, axe):
    check = PageChecks(axe)

    visitor = new_context().new_page()
    visitor.goto(f"/p/{SLUG}/")
    visitor.locator(f"main a[href='{PUBLIC}']").click()
    visitor.wait_for_load_state()
    check(visitor, "public dashboard")
    charts_have_text_alternatives(visitor)
    assert re.search(r"\d", visitor.locator(".dashboard-stamp").inner_text())
    channels = table_rows(visitor, "by_channel")
    assert channels, "the dashboard shows contributions by channel"

    # The CSV and the JSON of the table give the page's numbers.
    response = visitor.request.get(f"{PUBLIC}by_channel.csv")
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert {row[0]: row[1:] for row in rows[2:]} == channels
    data = visitor.request.get(f"{PUBLIC}daten.json").json()
    [table] = [item for item in data["tables"] if item["key"] == "by_channel"]
    assert sorted(str(row["contributions"]) for row in table["rows"]) == sorted(cells[0] for cells in channels.values())

    choose_language(visitor, "ar")
    visitor.goto(PUBLIC)
    check(visitor, "public dashboard (Arabic)", language="ar")
    charts_have_text_alternatives(visitor)

    # The optional self-description: answered once, or skipped.
    resident = new_context().new_page()
    resident.goto(f"/p/{SLUG}/ueber-mich/?next=/p/{SLUG}/")
    check(resident, "self-description")
    resident.locator("input[name=age_band][value='30_44']").check()
    resident.locator("input[name=languages][value='ar']").check()
    submit(resident, "main form[method=post]")
    assert resident.url.endswith(f"/p/{SLUG}/")
    resident.goto(f"/p/{SLUG}/ueber-mich/")
    check(resident, "self-description, already answered")
    skipper = new_context().new_page()
    skipper.goto(f"/p/{SLUG}/ueber-mich/?next=/p/{SLUG}/")
    with skipper.expect_navigation():
        skipper.locator(f"main a[href='/p/{SLUG}/']").first.click()  # "Skip this and continue"
    assert skipper.url.endswith(f"/p/{SLUG}/")

    evaluator = new_context().new_page()
    sign_in(evaluator, EVALUATOR, DEMO_PASSWORD)
    evaluator.goto(PUBLIC)
    evaluator.locator(f"main a[href='{INTERNAL}']").click()
    evaluator.wait_for_load_state()
    check(evaluator, "internal dashboard")
    assert evaluator.locator("#represented_by_district tbody tr").count() == 13
    charts_have_text_alternatives(evaluator)
    choose_language(evaluator, "ar")
    evaluator.goto(INTERNAL)
    check(evaluator, "internal dashboard (Arabic)", language="ar")

    participant = new_context().new_page()
    sign_in(participant, PARTICIPANT, DEMO_PASSWORD)
    assert participant.goto(INTERNAL).status == 403

    assert not check.findings and not check.problems, report(check.findings, check.problems)
