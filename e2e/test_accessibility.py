"""axe-core (WCAG 2.0/2.1 A + AA) on every page type the crawler finds, per role, in German and Arabic.

The crawler starts at "/" and follows same-origin links; see support.crawl for what it skips and how URLs
become page types. Each role also sees the pages no link leads to or that only a form submission shows:
forms with their errors, the steps of an anonymous submission, the app's 404 page and the coordinator's
moderation queue (filled by a report first). Zero violations are required; every page must also carry
<html lang dir> for its language and aria-describedby must lead to text.

The events (issue 9) are crawled as everyone sees them: the calendar, event pages and the registration form;
the organisers' pages as the coordinator and as an organisation's representative, each required to be reached.
"""

import re

import pytest
from support import (
    COORDINATOR,
    DEMO_PASSWORD,
    ORGANISATION_REPRESENTATIVE,
    PAGE_TYPES,
    PARTICIPANT,
    PROCESS_PATH,
    REPORTER,
    axe_check,
    axe_source,
    choose_language,
    crawl,
    description_problems,
    document_direction_problems,
    path_of,
    report,
    sign_in,
)

# The head of a department sees the staff workspace (queue, work pages with the sign-off form); the coordinator
# also the routing screen, the group decision and the consideration table.
ROLES = {
    "anonymous": None,
    "participant": PARTICIPANT,
    "coordinator": COORDINATOR,
    "department_head": "fachbereichsleitung@demo.teilhabe.test",
    # A verified representative of the Migrantenforum Nord: proposes events, and records the outcome of the
    # organisation's held world café.
    "organisation_representative": ORGANISATION_REPRESENTATIVE,
}
LANGUAGES = ["de", "ar"]
MY_REGISTRATIONS = "/veranstaltungen/meine-anmeldungen/"
# The event page types each role must reach (regular expressions over support.page_type).
EVENT_PUBLIC = [r"^/p/[^/]+/veranstaltungen/$", r"^/veranstaltungen/\{id\}/$", r"^/veranstaltungen/\{id\}/anmelden/$"]
EVENT_ORGANISER = [
    r"^/verwaltung/veranstaltungen/$",
    r"^/verwaltung/veranstaltungen/\{id\}/$",
    r"^/verwaltung/veranstaltungen/\{id\}/bearbeiten/$",
    r"^/verwaltung/veranstaltungen/\{id\}/teilnahme/$",
    r"^/verwaltung/veranstaltungen/\{id\}/protokoll/$",
    r"^/verwaltung/veranstaltungen/\{id\}/ergebnisse/$",
    r"^/verwaltung/veranstaltungen/\{id\}/punkte/$",
]
EVENT_PAGES = {
    "anonymous": EVENT_PUBLIC,
    "participant": [*EVENT_PUBLIC, "^" + MY_REGISTRATIONS + "$"],
    "coordinator": [
        *EVENT_PUBLIC,
        *EVENT_ORGANISER,
        r"^/verwaltung/veranstaltungen/p/[^/]+/neu/$",
        r"^/verwaltung/veranstaltungen/\{id\}/absagen/$",
        r"^/verwaltung/veranstaltungen/\{id\}/anmeldungen/$",
    ],
    "organisation_representative": [*EVENT_ORGANISER, r"^/verwaltung/veranstaltungen/p/[^/]+/vorschlagen/$"],
}
WORKSPACE = "/verwaltung/veranstaltungen/"
OUTCOME_LINK = re.compile(r'href="(/verwaltung/veranstaltungen/\d+/(?:teilnahme|protokoll|ergebnisse|punkte)/)"')


@pytest.fixture(scope="session")
def axe():
    return axe_source()


@pytest.fixture(scope="session")
def reported_content(browser, server):
    """Report a contribution and a comment, so that the moderation queue has something to show."""
    context = browser.new_context(base_url=server.url)
    try:
        page = context.new_page()
        sign_in(page, REPORTER, DEMO_PASSWORD)
        page.goto("/")
        page.locator("main a[href$='/beitraege/']").first.click()
        page.wait_for_load_state()
        page.goto(path_of(page.url) + "?sort=discussed")
        # The first contribution with comments on the list of the most discussed.
        for href in page.eval_on_selector_all("main .card h3 a", "links => links.map(a => a.getAttribute('href'))"):
            page.goto(href)
            if page.locator("a[href*='melden/?comment=']").count():
                break
        else:
            pytest.fail("no contribution with comments on the first page of the list")
        for link in ("a[href*='melden/?comment=']", "a[href$='/melden/']"):
            page.locator(link).first.click()
            page.wait_for_load_state()
            page.locator("input[name=reason]").first.check()
            page.fill("input[name=note]", "Bitte prüfen (Browsertest).")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            assert "/melden/" not in page.url, f"the report was not accepted: {page.url}"
    finally:
        context.close()


def _pages_behind_forms(page, server, role: str, where: str, language: str, axe: str):
    """Pages no link leads to: forms with their errors shown, the steps of an anonymous submission, a 404."""
    findings, problems = [], []

    def check(label: str, *, errors: bool = False):
        if errors:
            assert page.locator("#error-summary").count() == 1, f"{label}: no error summary at {page.url}"
        findings.extend(axe_check(page, f"{where}, {label}", axe))
        problems.extend(document_direction_problems(page, language))
        problems.extend(description_problems(page))

    page.goto("/")
    page.locator("main a[href$='/beitraege/neu/']").first.click()
    page.wait_for_load_state()
    form_path = path_of(page.url)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    check("contribution form submitted empty", errors=True)

    response = page.goto("/beitraege/999999999/")  # the app's own 404 page, not DEBUG's
    assert response.status == 404
    check("page not found")

    # The planning (coordinator) or proposal form (representative), sent empty.
    if role in ("coordinator", "organisation_representative"):
        page.goto(WORKSPACE)
        page.locator("main a.button[href*='/verwaltung/veranstaltungen/p/']").first.click()
        page.wait_for_load_state()
        page.fill("#id_title", "")
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").click()
        check("event form submitted with errors", errors=True)

    if role != "anonymous":
        return findings, problems

    # An event's registration form, sent empty (name and address are required without an account).
    page.goto("/veranstaltungen/")
    events = page.eval_on_selector_all(
        "main .cards h3 a[href^='/veranstaltungen/']", "links => links.map(a => a.getAttribute('href'))"
    )
    forms = [f"{href}anmelden/" for href in events if page.request.get(f"{href}anmelden/").status == 200]
    assert forms, f"no upcoming event in the calendar takes registrations: {events}"
    page.goto(forms[0])
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    check("event registration with errors", errors=True)

    page.goto("/konto/login/")
    page.fill("#id_login", "niemand@example.test")
    page.fill("#id_password", "falsches-passwort")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check("sign-in with a wrong password", errors=True)

    page.goto("/konto/signup/")
    page.fill("#id_email", PARTICIPANT)  # taken
    page.fill("#id_password1", "kurz")
    page.fill("#id_password2", "anders")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check("sign-up with errors", errors=True)

    # An anonymous contribution: "check your mailbox", then the link from the mail, then "confirmed".
    email = f"anonym-{language}@example.test"
    page.goto(form_path)
    page.fill("#id_title", f"Mehr Sitzbänke am Spielplatz ({language})")
    page.fill("#id_body", "Eltern und Großeltern brauchen Sitzplätze im Schatten.")
    page.locator("input[name=fields_of_action]").first.check()
    page.fill("#id_author_email", email)
    page.check("#id_publication_consent")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    check("anonymous contribution submitted")
    page.goto(path_of(server.link_in_mail(email, r"/bestaetigen/[^\s/]+/")))
    assert page.url.rstrip("/").endswith("/bestaetigt"), page.url
    check("anonymous contribution confirmed")
    return findings, problems


def _outcome_pages(page) -> list[str]:
    """On the events workspace: attendance, minutes and results of the first held event among the past ones.

    The crawl looks at two event pages a type, and the workspace lists proposals and upcoming events first; the
    pages after an event are linked from a held event's page only. Read without leaving the workspace.
    """
    for href in page.eval_on_selector_all(
        "main section[aria-labelledby=past-title] a[href]", "links => links.map(a => a.getAttribute('href'))"
    ):
        found = OUTCOME_LINK.findall(page.request.get(href).text())
        if found:
            return list(dict.fromkeys(found))
    return []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_type_has_no_axe_violations(role, language, new_context, server, axe, reported_content):
    page = new_context().new_page()
    where = f"{role}, {language}"
    if ROLES[role]:
        sign_in(page, ROLES[role], DEMO_PASSWORD)
    page.goto("/")
    if language != "de":
        choose_language(page, language)

    def extra_seeds(path: str) -> list[str]:
        match = PROCESS_PATH.match(path)
        if match and role == "coordinator":
            return [f"/p/{match.group(1)}/moderation/"]
        if path == "/" and role == "participant":
            # Nothing links to "My registrations" (reported with issue 9's e2e test): asked for directly.
            return [MY_REGISTRATIONS]
        if path == WORKSPACE:
            return _outcome_pages(page)
        return []

    # Start from "/" and from the contribution list sorted by most discussed: the tests themselves add new
    # contributions without comments, so "newest first" would make the detail pages checked depend on test
    # order; the most discussed ones carry comments, replies and their report links.
    lists = page.eval_on_selector_all("main a[href$='/beitraege/']", "links => links.map(a => a.getAttribute('href'))")
    seeds = ["/", *(f"{href}?sort=discussed" for href in lists[:1])]
    if role in ("coordinator", "organisation_representative"):
        # The event workspace first: its pages lie deep behind the workspace, and every app adds pages before them.
        seeds.insert(1, WORKSPACE)
    result = crawl(
        page, origin=server.url, where=where, language=language, seeds=seeds, extra_seeds=extra_seeds, source=axe
    )
    PAGE_TYPES[where] = {
        **result.visited,
        **{f"{kind}  (not HTML: not checked)": paths for kind, paths in result.skipped.items()},
    }
    findings, problems = result.findings, result.problems
    if role == "coordinator":
        moderation = [paths[0] for kind, paths in result.visited.items() if kind.endswith("/moderation/")]
        assert moderation, f"the coordinator's moderation screen was not reached; visited {sorted(result.visited)}"
        page.goto(moderation[0])
        assert page.locator("main .card form").count() >= 2, "the moderation queue was checked while empty"
    if role in ("coordinator", "department_head"):
        staff_pages = {kind for kind in result.visited if kind.startswith("/verwaltung/")}
        wanted = ["/verwaltung/", "/verwaltung/fachbereiche/{id}/", "/verwaltung/beitraege/{id}/"]
        if role == "coordinator":
            wanted += [
                "/weiterleiten/", "/abwaegung/", "/abwaegungstabelle/", "/import/", "/eingabe/", "/papierformulare/",
            ]  # fmt: skip
        missing = [end for end in wanted if not any(kind.endswith(end) for kind in staff_pages)]
        assert not missing, f"staff pages not reached: {missing}; reached {sorted(staff_pages)}"
    kinds = [*result.visited, *result.skipped]
    missing = [wanted for wanted in EVENT_PAGES.get(role, []) if not any(re.match(wanted, kind) for kind in kinds)]
    assert not missing, f"event pages not reached: {missing}; reached {sorted(kinds)}"
    more_findings, more_problems = _pages_behind_forms(page, server, role, where, language, axe)
    findings += more_findings
    problems += more_problems
    assert not findings and not problems, report(findings, problems)


def test_axe_is_live(page, axe):
    """The harness itself: axe must report a violation planted in a served page (else green means nothing)."""
    page.goto("/")
    assert not axe_check(page, "self-test", axe), "the home page should be clean before planting a fault"
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/x.png\">')")
    rules = {finding.rule for finding in axe_check(page, "self-test", axe)}
    assert "image-alt" in rules, rules
