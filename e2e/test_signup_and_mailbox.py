"""Issue 6, points 1, 8 and F in a browser: sign-up with a display name finished through the demo mailbox,
the contribution shown under that name, and the 429 page once a write limit is reached. axe-core checks every
page on the way, in German and Arabic.
"""

import re

import pytest
from support import axe_check, axe_source, choose_language, description_problems, document_direction_problems, report

PASSWORD = "ein-langes-Passwort-2026"


@pytest.fixture(scope="module")
def axe():
    return axe_source()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_sign_up_through_the_demo_mailbox_and_hit_a_write_limit(new_context, server, axe, language):
    page = new_context().new_page()
    findings, problems = [], []

    def check(label: str):
        findings.extend(axe_check(page, f"new participant, {language}, {label}", axe))
        problems.extend(document_direction_problems(page, language))
        problems.extend(description_problems(page))

    page.goto("/")
    if language != "de":
        choose_language(page, language)
    email = f"neu-{language}@example.test"
    display_name = f"Neue Nachbarin {language.upper()}"

    page.goto("/konto/signup/")
    assert page.locator("#id_display_name").count() == 1
    assert page.locator("#id_display_name").get_attribute("aria-describedby") == "id_display_name_helptext"
    check("sign-up form")
    page.fill("#id_email", email)
    page.fill("#id_display_name", display_name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check("verification sent")

    # The "please confirm" page leads to the demo mailbox, and the mailbox to the confirmation.
    with page.expect_navigation():
        page.locator("main a[href='/demo/postfach/']").click()
    assert page.locator("main").get_by_text(email).count() >= 1
    check("demo mailbox")
    confirm = page.locator("main a[href*='/konto/confirm-email/']").first
    with page.expect_navigation():
        confirm.click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    page.goto("/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("form[action$='/konto/logout/']").count() == 1, page.url

    # A comment under the chosen name, then comments until the hourly write limit answers 429.
    page.goto("/")
    page.locator("main a[href$='/beitraege/']").first.click()
    page.wait_for_load_state()
    page.locator("main .card h3 a").first.click()
    page.wait_for_load_state()
    detail = page.url
    form = "form[aria-labelledby=comment-form-title]"  # the new comment's form, not a reply's
    page.fill(f"{form} textarea[name=body]", "Gute Idee, ich helfe mit.")
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()
    assert page.locator("main").get_by_text(display_name).count() >= 1
    assert email.split("@")[0] not in page.content()

    action = page.locator(form).get_attribute("action")
    token = page.locator(f"{form} input[name=csrfmiddlewaretoken]").get_attribute("value")
    statuses = set()
    for _ in range(70):
        response = page.request.post(
            action, form={"csrfmiddlewaretoken": token, "body": ""}, headers={"Referer": detail}
        )
        statuses.add(response.status)
        if response.status == 429:
            break
    assert 429 in statuses, statuses
    page.goto(detail)
    page.fill(f"{form} textarea[name=body]", "Noch ein Kommentar.")
    with page.expect_navigation() as navigation:
        page.locator(f"{form} button[type=submit]").click()
    assert navigation.value.status == 429
    assert re.search(r"\S", page.locator("main h1").inner_text())
    check("too many requests")
    assert not findings and not problems, report(findings, problems)
