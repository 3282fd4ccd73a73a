"""Keyboard only: a visitor who uses no mouse takes part from the first page to a comment.

Only page.keyboard is used to act: Tab / Shift+Tab to move, Enter and Space to activate, typing into the
element that has focus. The tests read the page (focus, texts, attributes) to decide where they are. The
one navigation by URL in the middle is opening the verification link from the e-mail, as one does from a
mail program.
"""

import re
import uuid

import pytest
from support import path_of

FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const rect = el.getBoundingClientRect();
    let path = null;
    if (el.tagName === 'A' && el.href) {
        const url = new URL(el.href);
        path = url.origin === location.origin ? url.pathname : null;
    }
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '', type: el.type || '',
        className: typeof el.className === 'string' ? el.className : '',
        path,
        // getAttribute: a control named "action" inside the form shadows form.action.
        formAction: el.form ? new URL(el.form.getAttribute('action') || '', location.href).pathname : null,
        text: (el.innerText || el.value || '').trim().slice(0, 80),
        width: rect.width, height: rect.height,
    };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUS_STATE)


def tab_to(page, matches, what: str, *, limit: int = 250, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies matches(state); every element that gets
    focus on the way must be visible."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focused(page)
        if state is None:
            continue
        assert state["width"] > 1 and state["height"] > 1, f"focus went to an invisible element on {page.url}: {state}"
        if matches(state):
            return state
        seen.append(f"{state['tag']}#{state['id']}[{state['name'] or state['path'] or state['text'][:30]}]")
    raise AssertionError(f"Tab never reached {what} on {page.url}; focus went through: {', '.join(seen[-60:])}")


def link_to(pattern: str, *, not_path: str | None = None):
    regex = re.compile(pattern)
    return lambda state: (
        state["tag"] == "a"
        and state["path"] is not None
        and bool(regex.search(state["path"]))
        and (state["path"] != not_path)
    )


def control(name: str, *, tag: str | None = None):
    return lambda state: state["name"] == name and (tag is None or state["tag"] == tag)


def submit_of(action_pattern: str):
    regex = re.compile(action_pattern)
    return lambda state: (
        state["tag"] == "button" and state["type"] == "submit" and bool(regex.search(state["formAction"] or ""))
    )


def activate(page, key: str = "Enter") -> None:
    """Press Enter (or Space) on the focused element and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def number_in(text: str) -> int:
    match = re.search(r"\d+", text)
    assert match, f"no number in {text!r}"
    return int(match.group(0))


def choose_language(page, code: str) -> None:
    """With the keyboard: focus the language picker, arrow to the language, Tab to its button, press Enter."""
    tab_to(page, control("language", tag="select"), "the language picker")
    for _ in range(12):
        if page.evaluate("document.activeElement.value") == code:
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == code, f"the picker has no option {code}"
    tab_to(page, submit_of(r"/i18n/setlang/$"), "the language picker's button")
    activate(page)
    assert page.evaluate("document.documentElement.lang") == code


# Done when the journey works as a new user would try it: in Arabic, Turkish and Leichte Sprache too.
@pytest.mark.parametrize("language", ["de", "ar", "tr", "de-ls"])
def test_keyboard_journey_from_first_page_to_comment(page, server, language):
    email = f"tastatur-{uuid.uuid4().hex[:8]}@example.test"
    password = "Tastatur-Weg-2025!"
    title = f"Sprachcafé im Stadtteil {uuid.uuid4().hex[:6]}"

    # The first Tab reaches the skip link; Enter moves focus to the main content.
    page.goto("/")
    tab_to(page, lambda s: s["tag"] == "a" and "skip-link" in s["className"].split(), "the skip link", limit=1)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "the skip link does not move focus to <main>"
    if language != "de":
        choose_language(page, language)
        assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")

    # Find the process (the home page may list several) and open its contributions.
    if page.locator("main a[href$='/beitraege/']").count() == 0:
        tab_to(page, link_to(r"^/p/[^/]+/$"), "a process")
        activate(page)
    tab_to(page, link_to(r"^/p/[^/]+/beitraege/$"), "the link to the contributions")
    activate(page)
    assert re.search(r"^/p/[^/]+/beitraege/$", path_of(page.url)), page.url

    # Read one contribution.
    state = tab_to(page, link_to(r"^/beitraege/\d+/$"), "a contribution")
    activate(page)
    assert page.locator("main h1").inner_text().strip() == state["text"]
    assert page.locator("main article").count() == 1

    # Sign up, then open the link from the verification mail and confirm it.
    tab_to(page, link_to(r"^/konto/signup/$"), "the sign-up link")
    activate(page)
    tab_to(page, control("email"), "the e-mail field")
    page.keyboard.type(email)
    tab_to(page, control("password1"), "the password field")
    page.keyboard.type(password)
    tab_to(page, control("password2"), "the password repeat field")
    page.keyboard.type(password)
    activate(page)  # Enter in a field submits its form
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    page.goto(server.link_in_mail(email, r"/konto/confirm-email/[^\s/]+/"))
    tab_to(page, submit_of(r"/konto/confirm-email/"), "the confirm button")
    activate(page)
    assert "/konto/confirm-email/" not in page.url, f"the address was not confirmed: {page.url}"

    # If confirming signed us in, sign out first: the journey signs in on purpose.
    if page.locator("form[action$='/konto/logout/']").count():
        tab_to(page, submit_of(r"/konto/logout/$"), "the sign-out button")
        activate(page)
        assert page.locator("form[action$='/konto/logout/']").count() == 0, "signing out failed"

    # Sign in.
    tab_to(page, link_to(r"^/konto/login/$"), "the sign-in link")
    activate(page)
    tab_to(page, control("login"), "the e-mail field")
    page.keyboard.type(email)
    tab_to(page, control("password"), "the password field")
    page.keyboard.type(password)
    activate(page)
    assert page.locator("form[action$='/konto/logout/']").count() == 1, f"signing in failed: {page.url}"

    # Submit a contribution.
    if not page.locator("main a[href*='/beitraege/neu/']").count():
        tab_to(page, link_to(r"^/$"), "the link to the home page")
        activate(page)
    tab_to(page, link_to(r"^/p/[^/]+/beitraege/neu/$"), "the link to the contribution form")
    activate(page)
    tab_to(page, control("title"), "the title field")
    page.keyboard.type(title)
    tab_to(page, control("body"), "the text field")
    page.keyboard.type("Ein offenes Sprachcafé jeden Donnerstag in der Stadtteilbibliothek, mit Kinderbetreuung.")
    tab_to(page, control("fields_of_action"), "the first field of action")
    page.keyboard.press("Space")
    tab_to(page, control("publication_consent"), "the consent checkbox")
    page.keyboard.press("Space")
    tab_to(page, submit_of(r"/beitraege/neu/$"), "the submit button")
    activate(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    assert re.search(r"^/beitraege/\d+/$", path_of(page.url)), f"not on the new contribution's page: {page.url}"
    assert page.locator("main h1").inner_text().strip() == title
    own_path = path_of(page.url)

    # Support someone else's contribution.
    tab_to(page, link_to(r"^/p/[^/]+/beitraege/$"), "the link to all contributions")
    activate(page)
    state = tab_to(page, link_to(r"^/beitraege/\d+/$", not_path=own_path), "another contribution")
    activate(page)
    other_path = path_of(page.url)
    supports_before = number_in(page.locator("#support p").first.inner_text())
    tab_to(page, submit_of(r"/unterstuetzen/$"), "the support button")
    activate(page, "Space")
    assert path_of(page.url) == other_path
    assert number_in(page.locator("#support p").first.inner_text()) == supports_before + 1
    assert page.locator("#support input[name=action][value=withdraw]").count() == 1

    # Comment on it.
    comment = f"Gute Idee – ich würde mitmachen. ({uuid.uuid4().hex[:6]})"
    tab_to(page, lambda s: s["tag"] == "textarea" and s["id"] == "id_body", "the comment field")
    page.keyboard.type(comment)
    tab_to(page, submit_of(r"/kommentieren/$"), "the publish button")
    activate(page)
    assert path_of(page.url) == other_path
    assert comment in page.locator("#comments").inner_text(), "the new comment is not shown"


def test_form_errors_move_focus_to_summary_and_are_tied_to_their_controls(page):
    page.goto("/")
    tab_to(page, link_to(r"^/p/[^/]+/beitraege/neu/$"), "the link to the contribution form")
    activate(page)
    tab_to(page, submit_of(r"/beitraege/neu/$"), "the submit button")
    activate(page)

    active = page.evaluate("[document.activeElement.id, document.activeElement.getAttribute('role')]")
    assert active == ["error-summary", "alert"], f"focus is not on the error summary: {active}"
    summary = page.locator("#error-summary").inner_text()

    fields = page.evaluate(
        """() => Array.from(document.querySelectorAll('.field-error')).map(field => {
            const error = field.querySelector('.error-text');
            return {
                id: field.id,
                error: error ? error.innerText.trim() : '',
                controls: Array.from(field.querySelectorAll('input:not([type=hidden]), select, textarea')).map(el => {
                    const own = el.getAttribute('aria-describedby');
                    const group = el.closest('fieldset');
                    const described = own || (group && group.getAttribute('aria-describedby')) || '';
                    const ids = described.split(/\\s+/).filter(Boolean);
                    return {
                        name: el.name, id: el.id, invalid: el.getAttribute('aria-invalid'),
                        described: ids.map(id => {
                            const target = document.getElementById(id);
                            return target ? target.innerText : null;
                        }),
                    };
                }),
            };
        })"""
    )
    assert len(fields) >= 3, f"expected errors on title, text, fields of action …; got {fields}"
    for field in fields:
        assert field["error"], f"{field['id']}: no error text"
        assert field["error"] in summary, f"{field['id']}: error {field['error']!r} not in the summary {summary!r}"
        assert field["controls"], f"{field['id']}: no control"
        for item in field["controls"]:
            assert item["invalid"] == "true", f"{field['id']}: {item['name']} lacks aria-invalid=true"
            assert None not in item["described"], f"{field['id']}: aria-describedby of {item['name']} points nowhere"
            assert any(field["error"] in text for text in item["described"]), (
                f"{field['id']}: aria-describedby of {item['name']} does not lead to the error {field['error']!r}"
            )
    invalid_outside = page.evaluate(
        "Array.from(document.querySelectorAll('[aria-invalid=true]')).filter(el => !el.closest('.field-error')).length"
    )
    assert invalid_outside == 0
