"""Staff-written texts per language: translation, state, and German fallback with a note."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from teilhabe.core.models import ContentTranslation
from teilhabe.core.selectors import localise, translation_status


def translate(obj, field, language, text, state="checked"):
    return ContentTranslation.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        language=language,
        text=text,
        state=state,
    )


def test_localise_falls_back_to_german(process):
    translate(process, "title", "en", "Process in English")
    assert localise(process, "title", "en").text == "Process in English"
    fallback = localise(process, "summary", "en")
    assert fallback.text == process.summary and fallback.is_fallback and fallback.language == "de"
    assert localise(process, "title", "de").state == "original"


def test_process_page_in_english_marks_fallback_and_machine_translation(client, process):
    translate(process, "title", "en", "Our integration plan")
    translate(process, "summary", "en", "What it is about.", state="machine")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("processes:detail", kwargs={"slug": process.slug})).content.decode()
    assert '<span lang="en">Our integration plan</span>' in html
    assert "machine translation" in html
    # The phase name has no translation: German, marked, with one note for the page.
    assert '<span lang="de">Jetzt</span>' in html
    assert html.count('class="fallback-note"') == 1


def test_fully_translated_page_has_no_note(client, city):
    from teilhabe.conftest import make_process

    process = make_process(city, slug="tr-only")
    process.fields_of_action.all().delete()
    process.target_groups.all().delete()
    for field in ("title", "summary"):
        translate(process, field, "tr", f"{field} tr")
    translate(process.phases.get(), "name", "tr", "Şimdi")
    client.cookies["django_language"] = "tr"
    html = client.get(reverse("processes:detail", kwargs={"slug": process.slug})).content.decode()
    assert "Şimdi" in html and 'class="fallback-note"' not in html


def test_translation_status_for_coordinators(client, process, personas):
    translate(process, "title", "ar", "عنوان", state="machine")
    rows = translation_status([process], ["ar", "en"])
    title_row = next(row for row in rows if row["object"] == process and row["states"]["ar"] == "machine")
    assert title_row["states"]["en"] == "missing"
    url = reverse("processes:translations", kwargs={"slug": process.slug})
    client.force_login(personas["participant"])
    assert client.get(url).status_code == 403
    client.force_login(personas["coordinator"])
    response = client.get(url)
    # process title and summary, the phase name, two field names, one target group name
    assert response.status_code == 200 and len(response.context["rows"]) == 2 + 1 + 2 + 1


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_right_to_left_languages_set_direction(client, process, language):
    client.cookies["django_language"] = language
    html = client.get(reverse("processes:detail", kwargs={"slug": process.slug})).content.decode()
    assert f'<html lang="{language}" dir="rtl">' in html


def test_leichte_sprache_is_a_language(client, process):
    client.cookies["django_language"] = "de-ls"
    html = client.get(reverse("processes:detail", kwargs={"slug": process.slug})).content.decode()
    assert '<html lang="de-ls" dir="ltr">' in html
    assert "Leichte Sprache" in html  # the picker names it in its own words


def test_setting_a_content_translation_is_audited(process):
    from teilhabe.core.models import AuditEntry
    from teilhabe.core.services import content_translation_set

    content_translation_set(obj=process, field="title", language="en", text="Process", state="checked")
    content_translation_set(obj=process, field="title", language="en", text="The process", state="checked")
    actions = list(AuditEntry.objects.filter(object_type="core.contenttranslation").values_list("action", flat=True))
    assert actions == ["content_translation.added", "content_translation.changed"]


def test_staff_text_running_against_the_page_carries_its_direction():
    from django.utils import translation

    from teilhabe.core.selectors import LocalisedText
    from teilhabe.core.ui import localised_markup

    german = LocalisedText(text="Umsetzung zugesagt.", language="de", state="missing")
    arabic = LocalisedText(text="تمت الموافقة.", language="ar", state="checked")
    with translation.override("ar"):
        assert localised_markup(german) == '<span lang="de" dir="ltr">Umsetzung zugesagt.</span>'
        assert localised_markup(arabic) == '<span lang="ar">تمت الموافقة.</span>'
    with translation.override("de"):
        assert localised_markup(german) == '<span lang="de">Umsetzung zugesagt.</span>'
        assert localised_markup(arabic, html=True) == '<div lang="ar" dir="rtl">تمت الموافقة.</div>'
