"""Leichte Sprache: allauth's account pages in easy German, no gender marks, readable form help."""

import gettext
import re
import subprocess
from pathlib import Path

import pytest
import tinycss2
from django.conf import settings
from django.urls import reverse
from django.utils.translation import to_locale

from teilhabe.core.catalogues import LOCALE_DIR

OVERRIDES = Path(settings.BASE_DIR) / "teilhabe" / "locale_overrides"
STYLESHEET = Path(settings.BASE_DIR) / "teilhabe" / "static" / "teilhabe" / "site.css"
# Gender marks that Leichte Sprache avoids: Nutzer·innen, Nutzer:innen, Nutzer*innen, Nutzer_innen, NutzerInnen.
GENDER_MARK = re.compile(r"[a-zäöüß](?:[·:*_]in(?:nen)?|Innen?)\b")


def catalogue(po: Path, tmp_path) -> dict:
    mo = tmp_path / (po.parent.parent.name + ".mo")
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def test_the_gender_mark_pattern_finds_every_form():
    for word in ("Nutzer·innen", "Nutzer:innen", "Nutzer*innen", "Nutzer_innen", "NutzerInnen", "Nachbar·in"):
        assert GENDER_MARK.search(word), word
    for text in ("Beispiel: in der Stadt", "Innen-Stadt", "Benutzer", "Integration"):
        assert not GENDER_MARK.search(text), text


@pytest.mark.parametrize(
    "po", [LOCALE_DIR / "de_LS/LC_MESSAGES/django.po", OVERRIDES / "de_LS/LC_MESSAGES/django.po"], ids=str
)
def test_leichte_sprache_catalogues_use_no_gender_marks(po, tmp_path):
    marked = {msgid: text for msgid, text in catalogue(po, tmp_path).items() if GENDER_MARK.search(text)}
    assert marked == {}


def test_the_override_catalogue_is_found_for_leichte_sprache():
    # Django looks up "de-ls" as the locale directory "de_LS"; the project's catalogue comes first and wins.
    assert to_locale("de-ls") == "de_LS"
    assert (OVERRIDES / "de_LS" / "LC_MESSAGES" / "django.po").is_file()
    assert list(settings.LOCALE_PATHS).index(OVERRIDES) > list(settings.LOCALE_PATHS).index(LOCALE_DIR)


def page_text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("url_name", "easy", "standard"),
    [
        ("account_login", "machen Sie zuerst ein Konto", "Anmeldung"),
        ("account_signup", "Sie haben schon ein Konto?", "Sie haben bereits ein Konto?"),
        ("account_signup", "Passwort noch einmal", "Passwort (Wiederholung)"),
        ("account_reset_password", "Wir schicken Ihnen dann eine E-Mail.", "Geben Sie unten Ihre E-Mail-Adresse ein."),
    ],
)
def test_account_pages_speak_leichte_sprache(client, db, url_name, easy, standard):
    client.cookies["django_language"] = "de-ls"
    text = page_text(client.get(reverse(url_name)))
    assert easy in text and standard not in text
    client.cookies["django_language"] = "de"  # formal German stays as it was
    text = page_text(client.get(reverse(url_name)))
    assert easy not in text


def test_account_errors_speak_leichte_sprache(client, db):
    client.cookies["django_language"] = "de-ls"
    response = client.post(
        reverse("account_signup"), {"email": "neu@example.org", "password1": "a-Long-test-1", "password2": "other"}
    )
    assert "Die 2 Passwörter sind nicht gleich." in page_text(response)


def test_leichte_sprache_pages_show_no_gender_marks(client, process, participant):
    from teilhabe.conftest import make_contribution

    contribution = make_contribution(process, participant)
    client.cookies["django_language"] = "de-ls"
    for url in [
        reverse("processes:detail", kwargs={"slug": process.slug}),
        reverse("contributions:list", kwargs={"slug": process.slug}),
        reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        reverse("contributions:create", kwargs={"slug": process.slug}),
        reverse("core:how_to"),
        reverse("core:accessibility"),
        reverse("account_login"),
        reverse("account_signup"),
    ]:
        assert GENDER_MARK.findall(page_text(client.get(url))) == [], url


def rules():
    sheet = tinycss2.parse_stylesheet(STYLESHEET.read_text(), skip_comments=True, skip_whitespace=True)
    for rule in sheet:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            for declaration in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True):
                if declaration.type == "declaration":
                    yield selectors, declaration.lower_name, tinycss2.serialize(declaration.value).strip()


def declared(selector, prop):
    return [value for selectors, name, value in rules() if selector in selectors and name == prop]


def colour(name):
    (value,) = declared(":root", f"--{name}")
    return tuple(int(value.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))


def contrast(a, b):
    def luminance(rgb):
        channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_checkboxes_keep_their_size_beside_wrapping_labels():
    assert declared("input[type=checkbox]", "flex-shrink") == ["0"]


def test_help_text_is_not_small_and_has_enough_contrast():
    (size,) = declared(".hint", "font-size")
    assert float(size.removesuffix("rem")) >= 1
    for background in ("paper", "tint"):
        assert contrast(colour("muted"), colour(background)) >= 4.5
    # In Leichte Sprache help and "required" notes are in the text colour itself.
    assert declared(":lang(de-ls) .hint", "color") == ["var(--ink)"]
    assert declared(":lang(de-ls) .required", "color") == ["var(--ink)"]
