"""Issue 11's "Done when", walked in a browser against the demo (its plan: version 1 adopted, version 2 out for
consultation, the expert group "Soziales" with a started draft):

1. a member of the expert group (Jonas, department 50) adds a measure to the group's draft for its field;
2. the coordinator starts a new working draft (version 3), adopts the group's draft into it and puts it out for
   consultation in the current phase;
3. a resident comments on the new measure's section online; the coordinator enters a letter on the same section;
4. the coordinator decides the resident's comment and, on its work page, links it to the measure;
5. the coordinator records the adoption of version 3 with its Drucksache; the department's staff move the measure
   to "in progress" with a progress note;
6. anonymously, the plan shows version 3 as adopted, the measure's page its history and the linked contribution,
   the comparison of versions 2 and 3 shows the new measure as added, the contribution's timeline
   names the measure with its status, and the plan's PDF in Arabic holds Arabic text.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits; manage.py is not used.
"""

import datetime
import re
import subprocess

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

SLUG = "lip-4"
MEMBER = "fachbereich@demo.teilhabe.test"  # Jonas, department 50 Soziales, member of the expert group Soziales
MEASURE = "Sprechstunden zur Anerkennung im Stadtteilzentrum (E2E)"
COMMENT = "Bitte auch samstags anbieten (E2E)"
LETTER = "Brief der Elterninitiative zur Sprechstunde (E2E)"
DOCUMENT = "4711/2027"
PROGRESS = "Erste Sprechstunden in Linden-Limmer (E2E)"
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def test_the_plan_from_expert_group_to_adopted_measure(new_context, server, axe, tmp_path):
    check = PageChecks(axe)

    # 1. The expert group's member adds a measure to the group's draft.
    member = new_context().new_page()
    sign_in(member, MEMBER, DEMO_PASSWORD)
    member.goto("/verwaltung/fachgruppen/")
    check(member, "member, my expert groups")
    member.locator("main a[href^='/verwaltung/fachgruppen/']").filter(has_text="Soziales").first.click()
    member.wait_for_load_state()
    check(member, "member, group workspace")
    group_path = re.match(r"/verwaltung/fachgruppen/\d+/", path_of(member.url)).group(0)
    member.goto(group_path + "entwurf/")
    check(member, "member, group draft")
    member.locator("main a[href*='entwurf/neu/?kind=measure']").first.click()
    member.wait_for_load_state()
    member.fill("input[name=title]", MEASURE)
    member.fill("textarea[name=body]", "Beratung zur Anerkennung ausländischer Abschlüsse, wöchentlich, mehrsprachig.")
    department = member.locator("select[name=department] option").filter(has_text="Soziales").first
    member.select_option("select[name=department]", department.get_attribute("value"))
    member.fill("input[name=budget]", "12000")
    check(member, "member, new measure form")
    submit(member, "main form[method=post]")
    assert member.locator("main").get_by_text(MEASURE).count() >= 1

    # 2. The coordinator starts version 3, adopts the group's draft into it and puts it out for consultation.
    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto(f"/verwaltung/p/{SLUG}/plan/")
    check(coordinator, "coordinator, plan versions")
    coordinator.goto(f"/verwaltung/p/{SLUG}/plan/neu/")
    check(coordinator, "coordinator, new working draft")
    submit(coordinator, "main form[method=post]")
    coordinator.goto(group_path + "uebernehmen/")
    check(coordinator, "coordinator, adopt the group's draft")
    submit(coordinator, "main form[method=post]")
    coordinator.goto(f"/verwaltung/p/{SLUG}/plan/fassungen/3/")
    check(coordinator, "coordinator, working draft editor")
    assert coordinator.locator("main").get_by_text(MEASURE).count() >= 1
    coordinator.goto(f"/verwaltung/p/{SLUG}/plan/fassungen/3/konsultation/")
    phase = (
        coordinator.locator("select[name=phase] option").filter(has_text="Ideensammlung").first.get_attribute("value")
    )
    coordinator.select_option("select[name=phase]", phase)
    check(coordinator, "coordinator, put out for consultation")
    submit(coordinator, "main form[method=post]")

    # 3. A resident comments on the new measure's section; the coordinator enters a letter on it.
    resident = new_context().new_page()
    sign_in(resident, PARTICIPANT, DEMO_PASSWORD)
    resident.goto(f"/p/{SLUG}/plan/")
    check(resident, "resident, the plan (draft for consultation)")
    block = resident.locator("section.plan-kind-measure").filter(has_text=MEASURE).first
    block.locator("a[href*='/abschnitt/']").first.click()
    resident.wait_for_load_state()
    section_path = path_of(resident.url).split("#")[0]
    assert "/fassung/3/abschnitt/" in section_path
    resident.fill("input[name=title]", COMMENT)
    resident.fill("textarea[name=body]", "Viele arbeiten unter der Woche und können nur am Samstag kommen.")
    resident.locator("input[name=publication_consent]").check()
    check(resident, "resident, section with comment form")
    submit(resident, "main form[method=post]")
    comment_pk = re.search(r"/beitraege/(\d+)/", resident.url).group(1)
    check(resident, "resident, own comment")

    key = section_path.rstrip("/").rsplit("/", 1)[1]
    coordinator.goto(f"/verwaltung/p/{SLUG}/plan/fassungen/3/abschnitte/{key}/stellungnahme/")
    check(coordinator, "coordinator, comment from paper")
    coordinator.locator("input[name=channel][value=letter]").check()
    coordinator.fill("input[name=title]", LETTER)
    coordinator.fill("textarea[name=body]", "Wir unterstützen die Sprechstunde und bieten unsere Räume an.")
    coordinator.locator("input[name=publication_consent][value=yes]").check()
    submit(coordinator, "main form[method=post]")
    resident.goto(section_path)
    for title in (COMMENT, LETTER):
        assert resident.locator("main").get_by_text(title).count() >= 1, title

    # 4. The coordinator decides the comment and links it to the measure on its work page.
    coordinator.goto(f"/verwaltung/beitraege/{comment_pk}/")
    coordinator.locator("form[action$='/abwaegung/'] input[name=outcome][value=adopted]").check()
    coordinator.fill(
        "form[action$='/abwaegung/'] textarea[name=justification]", "Die Sprechstunde kommt samstags dazu."
    )
    submit(coordinator, "form[action$='/abwaegung/']")
    coordinator.locator("details.work-details summary").filter(has_text=re.compile(".")).last.click()
    coordinator.locator("form[action$='/massnahmen/'] label").filter(has_text=MEASURE).first.click()
    check(coordinator, "coordinator, work page with the measure box")
    submit(coordinator, "form[action$='/massnahmen/']")
    assert coordinator.locator("main section").filter(has_text=MEASURE).count() >= 1

    # 5. Adoption with its Drucksache; the department's staff move the measure to "in progress".
    coordinator.goto(f"/verwaltung/p/{SLUG}/plan/fassungen/3/beschluss/")
    coordinator.fill("input[name=adopted_on]", datetime.date.today().isoformat())
    coordinator.fill("input[name=document_number]", DOCUMENT)
    check(coordinator, "coordinator, record the adoption")
    submit(coordinator, "main form[method=post]")
    member.goto(f"/verwaltung/p/{SLUG}/plan/massnahmen/")
    check(member, "staff, measures of the department")
    member.locator("main tr").filter(has_text=MEASURE).locator("a").last.click()
    member.wait_for_load_state()
    member.select_option("select[name=status]", "in_progress")
    member.fill("textarea[name=note]", PROGRESS)
    check(member, "staff, measure status")
    submit(member, "main form[method=post]")

    # 6. What the public sees.
    public = new_context().new_page()
    public.goto(f"/p/{SLUG}/plan/")
    check(public, "public, the adopted plan")
    assert DOCUMENT in public.locator("main").inner_text()
    public.goto(f"/p/{SLUG}/plan/massnahmen/?status=in_progress")
    check(public, "public, measures in progress")
    public.locator("main a").filter(has_text=MEASURE).first.click()
    public.wait_for_load_state()
    check(public, "public, the measure's page")
    measure_text = public.locator("main").inner_text()
    assert PROGRESS in measure_text and COMMENT in measure_text
    public.screenshot(path=str(tmp_path / "measure.png"), full_page=True)
    public.goto(f"/p/{SLUG}/plan/vergleich/?von=2&zu=3")
    check(public, "public, versions 2 and 3 compared")
    assert public.locator("main section.plan-diff-added").filter(has_text=MEASURE).count() == 1
    public.goto(f"/beitraege/{comment_pk}/")
    check(public, "public, the comment's timeline")
    assert public.locator("main").get_by_text(MEASURE).count() >= 1

    arabic = new_context().new_page()
    arabic.goto(f"/p/{SLUG}/plan/")
    choose_language(arabic, "ar")
    check(arabic, "public, the plan in Arabic", language="ar")
    response = arabic.request.get(f"/p/{SLUG}/plan/fassung/3/plan.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    pdf = tmp_path / "plan-ar.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert ARABIC.search(text), text[:500]

    assert not check.findings and not check.problems, report(check.findings, check.problems)
