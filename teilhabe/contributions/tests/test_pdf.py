"""The contribution as PDF: tagged, in the reader's language, with fonts for every script."""

import subprocess

import pytest
from django.urls import reverse

from teilhabe.conftest import make_contribution

TEXTS = {
    "de": ("Sprachkurse mit Kinderbetreuung", "Eltern brauchen Betreuung während der Kurse."),
    "tr": ("Çocuk bakımlı dil kursları", "Ebeveynlerin kurs sırasında çocuk bakımına ihtiyacı var: ğüşıöç."),
    "ar": ("دورات لغة مع رعاية الأطفال", "يحتاج الآباء إلى رعاية الأطفال أثناء الدورات."),
    "fa": ("کلاس زبان با مراقبت از کودک", "والدین در طول کلاس‌ها به مراقبت از کودک نیاز دارند."),
    "ru": ("Языковые курсы с присмотром за детьми", "Родителям нужен присмотр за детьми во время курсов."),
    "uk": ("Мовні курси з доглядом за дітьми", "Батькам потрібен догляд за дітьми під час курсів: їжак, ґанок."),
    "pl": ("Kursy językowe z opieką nad dziećmi", "Rodzice potrzebują opieki nad dziećmi: żółć, źdźbło."),
    "en": ("Language courses with childcare", "Parents need childcare during the courses."),
}


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(TEXTS))
def test_pdf_in_every_language(client, process, participant, language, tmp_path):
    title, body = TEXTS[language]
    contribution = make_contribution(process, participant, title=title, body=body, language=language)
    client.cookies["django_language"] = language
    response = client.get(reverse("contributions:pdf", kwargs={"pk": contribution.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    info = subprocess.run(["pdfinfo", str(tmp_path / "c.pdf")], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info, info
    metadata = subprocess.run(["pdfinfo", "-meta", str(tmp_path / "c.pdf")], capture_output=True, text=True).stdout
    assert "pdfuaid:part" in metadata  # PDF/UA identification in the XMP metadata
    # pdftotext returns right-to-left runs in logical order with direction marks; compare the words.
    words = set(text.replace("\u202b", " ").replace("\u202c", " ").replace("\u202a", " ").split())
    assert set(title.split()) <= words, text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "c.pdf")], capture_output=True, text=True).stdout
    if language in {"ar", "fa"}:
        assert "Arabic" in fonts, fonts


def test_removed_contribution_has_no_pdf(client, contribution, coordinator):
    from teilhabe.contributions import services

    services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="off_topic")
    assert client.get(reverse("contributions:pdf", kwargs={"pk": contribution.pk})).status_code == 404


@pytest.mark.parametrize("language,direction", [("tr", "ltr"), ("ar", "rtl"), ("fa", "rtl"), ("de", "ltr")])
def test_pdf_text_keeps_its_own_direction_inside_a_page_of_the_other(process, participant, language, direction):
    from django.template.loader import render_to_string
    from django.utils import translation

    title, body = TEXTS[language]
    contribution = make_contribution(process, participant, title=title, body=body, language=language)
    page_language = "fa" if direction == "ltr" else "de"
    with translation.override(page_language):
        html = render_to_string("contributions/contribution_pdf.html", {"contribution": contribution, "url": "/"})
    assert f'<div class="text" lang="{language}" dir="{direction}">' in html
