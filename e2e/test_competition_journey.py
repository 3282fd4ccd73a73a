"""Issue 12's applicant and juror journeys, walked in a browser against the demo (its open call "Zusammen Wirken"
with a jury of four, Mira among them, recused from one application and not scoring yet):

1. a resident (Amina) reads the open call's rules, starts an application as a group's contact person, saves the
   draft with a budget plan that breaks the 20 % rule, is told which rule, corrects the own contribution and
   submits; her application page says it was submitted;
2. the juror (Mira) opens the jury's overview, declares no conflict for an application she has not declared yet,
   reads it and scores every criterion with a comment; the overview then counts it as scored, and shows the
   public support phase's totals apart from the scores;
3. Amina opens the call's public support phase and supports a project idea (once).

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits.
"""

import re

import pytest
from support import DEMO_PASSWORD, PARTICIPANT, PageChecks, axe_source, path_of, report, sign_in, submit

SLUG = "lip-4"
JUROR = "jury@demo.teilhabe.test"
TITLE = "Nachbarschaftschor (E2E)"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def test_an_applicant_applies_and_a_juror_scores(new_context, server, axe):
    check = PageChecks(axe)

    # 1. The applicant reads the call and applies.
    applicant = new_context().new_page()
    sign_in(applicant, PARTICIPANT, DEMO_PASSWORD)
    applicant.goto(f"/p/{SLUG}/ideenwettbewerbe/")
    check(applicant, "public, calls")
    applicant.locator("main a[href*='/ideenwettbewerbe/']").filter(has_text="Zusammen Wirken").first.click()
    applicant.wait_for_load_state()
    check(applicant, "public, the open call")
    assert (
        applicant.locator("main").get_by_text("20,0").count() + applicant.locator("main").get_by_text("20.0").count()
        >= 1
    )  # the 20 % rule in plain language
    applicant.locator("main a[href$='/bewerben/']").first.click()
    applicant.wait_for_load_state()
    check(applicant, "applicant, start")
    applicant.locator("input[name=kind][value=group]").check()
    applicant.fill("input[name=title]", TITLE)
    submit(applicant)
    assert re.search(r"/antraege/\d+/bearbeiten/$", path_of(applicant.url)), applicant.url
    check(applicant, "applicant, draft")
    applicant.fill("input[name=group_name]", "Chor der Nachbarinnen (E2E)")
    applicant.fill("textarea[name=description]", "Wir singen Lieder aus allen Ländern der Nachbarschaft.")
    applicant.locator("input[name=target_groups]").first.check()
    applicant.locator("input[name=districts]").first.check()
    applicant.locator("input[name=fields_of_action]").first.check()
    applicant.fill("input[name=starts_on]", "2027-03-01")
    applicant.fill("input[name=ends_on]", "2027-11-30")
    applicant.fill("input[name=requested]", "8000")
    applicant.fill("input[name=own_contribution]", "1000")
    applicant.fill("input[name=other_funding]", "1000")
    applicant.fill("input[name=item_1]", "Chorleitung")
    applicant.fill("input[name=amount_1]", "10000")
    submit(applicant, button="button[name=submit]")
    assert path_of(applicant.url).endswith("/einreichen/")
    check(applicant, "applicant, check before submitting")
    assert applicant.locator("main [role=alert]").get_by_text(re.compile("20")).count() >= 1  # the rule is named
    applicant.go_back()
    applicant.wait_for_load_state()
    applicant.fill("input[name=own_contribution]", "2000")
    applicant.fill("input[name=other_funding]", "0")
    submit(applicant, button="button[name=submit]")
    assert applicant.locator("main [role=alert]").count() == 0
    submit(applicant, "main form[method=post]")
    assert re.search(r"/antraege/\d+/$", path_of(applicant.url)), applicant.url
    check(applicant, "applicant, submitted application")
    assert applicant.locator("main").get_by_text(TITLE).count() >= 1

    # 2. The juror declares and scores.
    juror = new_context().new_page()
    sign_in(juror, JUROR, DEMO_PASSWORD)
    juror.goto("/verwaltung/jury/")
    check(juror, "juror, calls")
    juror.locator("main a[href^='/verwaltung/jury/']").first.click()
    juror.wait_for_load_state()
    check(juror, "juror, overview")
    row = juror.locator("main table tbody tr").filter(has=juror.locator("strong")).first  # "declare first"
    row.locator("a").first.click()
    juror.wait_for_load_state()
    check(juror, "juror, declaration")
    juror.locator("input[name=has_conflict][value='0']").check()
    submit(juror, "main form[method=post]")
    check(juror, "juror, scoring form")
    for select in juror.locator("main select[name^=score_]").all():
        select.select_option("7")
    juror.locator("main textarea[name^=comment_]").first.fill("Überzeugende Idee (E2E)")
    submit(juror, "main form[method=post]")
    assert path_of(juror.url).startswith("/verwaltung/jury/")
    check(juror, "juror, overview after scoring")
    assert juror.locator("main table.jury-overview").count() == 1
    # The public support phase's totals are shown apart from the scores, as advice.
    assert juror.locator("#support-title").count() == 1

    # 3. A resident supports a project idea in the call's public support phase.
    applicant.goto(f"/p/{SLUG}/ideenwettbewerbe/")
    applicant.locator("main a[href*='/ideenwettbewerbe/']").filter(has_text="Zusammen Wirken").first.click()
    applicant.wait_for_load_state()
    applicant.locator("main a[href$='/unterstuetzung/']").first.click()
    applicant.wait_for_load_state()
    check(applicant, "public, support phase")
    before = applicant.locator("main input[name=action][value=withdraw]").count()
    applicant.locator("main form:has(input[name=action][value=support]) button").first.click()
    applicant.wait_for_load_state()
    check(applicant, "public, support phase after supporting")
    assert applicant.locator("main input[name=action][value=withdraw]").count() == before + 1

    assert not check.findings and not check.problems, report(check.findings, check.problems)
