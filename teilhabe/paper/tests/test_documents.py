"""THE key test: a rendered form decodes. The PDF is rasterised by poppler and read by zxing-cpp: the large QR
code holds the process's online form address, the small one exactly that sheet's serial; Arabic runs right to
left, and every sheet is one page."""

import pytest
import zxingcpp
from django.urls import reverse

from teilhabe.paper.documents import online_form_url, print_run_html, print_run_pdf
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.serials import serial_format
from teilhabe.paper.tests.conftest import page_count, page_text, rasterise

pytestmark = pytest.mark.slow


def _run(process, *, language, count=2, first_number=41, kind=PrintKind.FORM):
    return PrintRun.objects.create(
        process=process, kind=kind, language=language, count=count, first_number=first_number, place="Infostand"
    )


def _codes(image):
    codes = zxingcpp.read_barcodes(image)
    return {code.format: code for code in codes}


def _centre_x(code) -> float:
    position = code.position
    return (position.top_left.x + position.top_right.x + position.bottom_left.x + position.bottom_right.x) / 4


def test_each_page_of_a_german_run_decodes_to_the_online_form_and_its_own_serial(process, settings, tmp_path):
    settings.SITE_URL = "https://teilhabe.example.org"
    run = _run(process, language="de", count=3)
    pdf = print_run_pdf(run)
    assert page_count(pdf, tmp_path) == 3
    expected_url = "https://teilhabe.example.org" + reverse("contributions:create", kwargs={"slug": process.slug})
    assert online_form_url(process) == expected_url
    for page, number in ((1, 41), (2, 42), (3, 43)):
        # Every page carries its serial as text, too (pages after the first are copies of its layout).
        assert serial_format(process_id=process.pk, number=number) in page_text(pdf, tmp_path, page=page)
        image = rasterise(pdf, tmp_path, page=page)
        codes = _codes(image)
        assert codes[zxingcpp.BarcodeFormat.QRCode].text == expected_url
        assert codes[zxingcpp.BarcodeFormat.MicroQRCode].text == serial_format(process_id=process.pk, number=number)
        # Left to right: the serial sits at the top right, the online form's code at the bottom left.
        assert _centre_x(codes[zxingcpp.BarcodeFormat.MicroQRCode]) > image.width / 2
        assert _centre_x(codes[zxingcpp.BarcodeFormat.QRCode]) < image.width / 2


def test_an_arabic_sheet_runs_right_to_left_and_still_decodes(process, tmp_path):
    run = _run(process, language="ar", count=1)
    html = print_run_html(run)
    assert '<html lang="ar" dir="rtl">' in html
    pdf = print_run_pdf(run)
    assert page_count(pdf, tmp_path) == 1
    image = rasterise(pdf, tmp_path)
    codes = _codes(image)
    assert codes[zxingcpp.BarcodeFormat.QRCode].text == online_form_url(process)
    assert codes[zxingcpp.BarcodeFormat.MicroQRCode].text == serial_format(process_id=process.pk, number=41)
    # Mirrored: the serial at the top left, the online form's code at the bottom right.
    assert _centre_x(codes[zxingcpp.BarcodeFormat.MicroQRCode]) < image.width / 2
    assert _centre_x(codes[zxingcpp.BarcodeFormat.QRCode]) > image.width / 2


@pytest.mark.parametrize("language", ["de-ls", "en", "tr", "pl", "ru", "fa", "uk"])
def test_every_language_gives_one_page_per_sheet(process, tmp_path, language):
    run = _run(process, language=language, count=2)
    html = print_run_html(run)
    assert f'lang="{language}" dir="{"rtl" if language == "fa" else "ltr"}"' in html
    assert page_count(print_run_pdf(run), tmp_path) == 2


def test_long_process_texts_still_fit_one_page(process, tmp_path):
    process.summary = "Sehr lange Frage. " * 200
    process.save()
    for number in range(20):
        process.fields_of_action.create(slug=f"feld-{number}", name=f"Ein Handlungsfeld mit langem Namen {number}")
    run = _run(process, language="de", count=1)
    pdf = print_run_pdf(run)
    assert page_count(pdf, tmp_path) == 1
    assert zxingcpp.BarcodeFormat.QRCode in _codes(rasterise(pdf, tmp_path))


def test_a_poster_decodes_to_the_online_form(process, tmp_path):
    run = _run(process, language="tr", count=2, first_number=0, kind=PrintKind.POSTER)
    pdf = print_run_pdf(run)
    assert page_count(pdf, tmp_path) == 2
    codes = _codes(rasterise(pdf, tmp_path, page=2))
    assert codes[zxingcpp.BarcodeFormat.QRCode].text == online_form_url(process)
    assert zxingcpp.BarcodeFormat.MicroQRCode not in codes


def test_the_cached_page_references_are_what_pydyf_computes():
    import pydyf

    from teilhabe.paper.documents import _page_references_cached

    pdf = pydyf.PDF()
    for _index in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected = tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])
    assert _page_references_cached(pdf) == expected and len(expected) == 3
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(_page_references_cached(pdf)) == 4
