"""Issue 14's "Done when", walked in a browser against the demo (about 60 fictional organisations are there):

1. the coordinator registers organisations of every type in the registry (one of each type here, through the form;
   the demo brings the other ~60) and checks an organisation that registered itself;
2. verifies a representative who asked (the demo's "Neue Vertretung (fiktiv)");
3. invites all welfare associations and migrant organisations to a workshop and records responses;
4. opens the coverage matrix (by field and by district): it shows who has not taken part yet, and drills down;
5. the public directory shows only what may be public — no contact person — in German and in Arabic.

axe-core (WCAG 2.1 A/AA) checks every page of ours the walk visits.
"""

import re

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
TYPES = [
    ("migrant_organisation", "Kulturbrücke"),
    ("union", "Gewerkschaftsforum"),
    ("politics", "Listenbündnis"),
    ("welfare", "Sozialwerk"),
    ("supporter_circle", "Helferkreis"),
    ("religious", "Gemeinde am Markt"),
    ("interfaith", "Dialogforum"),
    ("education", "Lernwerkstatt"),
    ("business", "Gewerbeverein"),
    ("administration", "Servicestelle"),
    ("other", "Nachbarschaftsverein"),
]


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def test_a_coordinator_registers_invites_and_reads_the_coverage_matrix(new_context, server, axe):
    check = PageChecks(axe)

    # 0. A participant registers an organisation of their own, with a contact person.
    participant = new_context().new_page()
    sign_in(participant, PARTICIPANT, DEMO_PASSWORD)
    participant.goto("/organisationen/registrieren/")
    check(participant, "participant, register an organisation")
    participant.fill("input[name=name]", "Selbsthilfe Vahrenheide (E2E)")
    participant.select_option("select[name=type]", "migrant_organisation")
    participant.locator("input[name=languages][value=ar]").check()
    participant.locator("input[name=listed_publicly]").check()
    participant.fill("input[name=contact_name]", "Kontakt E2E Geheim")
    participant.fill("input[name=contact_email]", "geheim-e2e@example.org")
    participant.fill("input[name=contact_phone]", "+49 511 999 0000")
    submit(participant)
    assert path_of(participant.url) == "/organisationen/meine/", participant.url
    check(participant, "participant, my organisations")

    # 1. The coordinator registers one organisation of every type.
    coordinator = new_context().new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto("/verwaltung/organisationen/")
    check(coordinator, "coordinator, registry")
    for index, (kind, stem) in enumerate(TYPES):
        coordinator.goto("/verwaltung/organisationen/neu/")
        if index == 0:
            check(coordinator, "coordinator, add an organisation")
        coordinator.fill("input[name=name]", f"{stem} (E2E)")
        coordinator.select_option("select[name=type]", kind)
        coordinator.locator("input[name=districts]").nth(index % 13).check()
        coordinator.locator("input[name=fields_of_interest]").nth(index % 3).check()
        coordinator.locator("input[name=listed_publicly]").check()
        submit(coordinator)
        assert re.match(r"/verwaltung/organisationen/\d+/$", path_of(coordinator.url)), coordinator.url
    check(coordinator, "coordinator, an organisation")
    # A bad entry: an error summary, nothing saved.
    coordinator.goto("/verwaltung/organisationen/neu/")
    coordinator.fill("input[name=name]", "Sozialwerk (E2E)")
    submit(coordinator)
    assert coordinator.locator("#error-summary").count() == 1
    check(coordinator, "coordinator, add an organisation with errors")
    # Check the self-registration.
    coordinator.goto("/verwaltung/organisationen/?pruefen=1")
    check(coordinator, "coordinator, waiting for a check")
    coordinator.locator("main table a").filter(has_text="Selbsthilfe Vahrenheide (E2E)").click()
    coordinator.wait_for_load_state()
    assert coordinator.locator("main").get_by_text("Kontakt E2E Geheim").count() >= 1  # coordinators see contacts
    submit(coordinator, "main form[action$='/pruefen/']")

    # 2. Verify the representative who asked (the demo's waiting request, and the participant's).
    coordinator.goto("/verwaltung/organisationen/")
    coordinator.locator("section[aria-labelledby=requests-title] a").first.click()
    coordinator.wait_for_load_state()
    check(coordinator, "coordinator, organisation with a request")
    waiting = coordinator.locator("main form[action*='/bestaetigen/']").count()
    assert waiting >= 1
    submit(coordinator, "main form[action*='/bestaetigen/']")
    assert coordinator.locator("main form[action*='/bestaetigen/']").count() == waiting - 1

    # 3. Invite all welfare associations and migrant organisations to a workshop; record responses.
    coordinator.goto(f"/verwaltung/p/{SLUG}/einladungen/")
    check(coordinator, "coordinator, invitations")
    coordinator.locator("input[name=target][value=event]").check()
    workshop = coordinator.locator("select[name=event] option").filter(has_text=re.compile("Werkstatt|Workshop")).first
    coordinator.select_option("select[name=event]", workshop.get_attribute("value"))
    coordinator.locator("input[name=types][value=welfare]").check()
    coordinator.locator("input[name=types][value=migrant_organisation]").check()
    submit(coordinator)
    rows = coordinator.locator("main table tbody tr")
    assert rows.count() >= 10
    coordinator.locator("main table a[href*='/einladungen/']").first.click()
    coordinator.wait_for_load_state()
    check(coordinator, "coordinator, record a response")
    coordinator.locator("input[name=response][value=accepted]").check()
    submit(coordinator)
    assert path_of(coordinator.url) == f"/verwaltung/p/{SLUG}/einladungen/"

    # 4. The coverage matrix: gaps, drill-down, by district.
    coordinator.goto(f"/verwaltung/p/{SLUG}/beteiligung/")
    check(coordinator, "coordinator, coverage matrix by field")
    gaps = coordinator.locator("section[aria-labelledby=gaps-title]")
    assert gaps.count() == 1 and gaps.locator("li").count() >= 3
    assert coordinator.locator("td.coverage-gap").count() >= 5
    coordinator.locator("td.coverage-gap a").first.click()
    coordinator.wait_for_load_state()
    check(coordinator, "coordinator, a cell of the matrix")
    coordinator.goto(f"/verwaltung/p/{SLUG}/beteiligung/?by=district")
    check(coordinator, "coordinator, coverage matrix by district")
    response = coordinator.request.get(f"/verwaltung/p/{SLUG}/beteiligung/matrix.xlsx?by=district")
    assert response.status == 200 and response.body()[:2] == b"PK"
    coordinator.goto(f"/verwaltung/p/{SLUG}/lenkungsgruppe/")
    check(coordinator, "coordinator, steering group")

    # 5. The public directory: only what may be public, in German and in Arabic.
    public = new_context().new_page()
    public.goto(f"/p/{SLUG}/organisationen/")
    check(public, "public, directory")
    assert public.locator("main .card").count() >= 10
    public.goto(f"/p/{SLUG}/organisationen/?type=welfare")
    check(public, "public, directory filtered")
    public.locator("main .card a").first.click()
    public.wait_for_load_state()
    check(public, "public, an organisation")
    choose_language(public, "ar")
    public.goto(f"/p/{SLUG}/organisationen/?type=migrant_organisation")
    check(public, "public, directory (Arabic)", language="ar")
    text = public.content()
    for secret in ("Kontakt E2E Geheim", "geheim-e2e@example.org", "999 0000", "Kontaktperson", "@demo.teilhabe.test"):
        assert secret not in text, secret
    public.locator("main .card a").filter(has_text="Selbsthilfe Vahrenheide (E2E)").click()
    public.wait_for_load_state()
    check(public, "public, an organisation (Arabic)", language="ar")
    assert "Kontakt E2E Geheim" not in public.content()

    assert not check.findings and not check.problems, report(check.findings, check.problems)
