"""serial_check: every status, typo detection by the check letter, normalisation of typed input."""

import datetime

import pytest
from django.utils import timezone, translation

from teilhabe.conftest import make_process
from teilhabe.contributions.models import Channel
from teilhabe.contributions.services import contribution_record_analog
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.selectors import SERIAL_STATUSES, serial_check, serial_normalise
from teilhabe.paper.serials import CHECK_ALPHABET, check_letter, serial_format, serial_is_valid


@pytest.fixture
def run(process, coordinator):
    return PrintRun.objects.create(
        process=process, kind=PrintKind.FORM, language="de", count=10, first_number=1, printed_by=coordinator
    )


def test_a_printed_serial_is_ok_and_names_its_run(process, run):
    serial = serial_format(process_id=process.pk, number=7)
    with translation.override("en"):
        check = serial_check(process=process, serial=serial)
    assert check.status == "ok" and check.serial == serial and check.print_run == run
    assert serial in check.message and "valid" in check.message


def test_case_spaces_and_dashes_do_not_matter(process, run):
    serial = serial_format(process_id=process.pk, number=3)
    typed = f"  {serial.replace('-', ' ').lower()} "
    assert serial_normalise(typed) == serial
    assert serial_normalise(serial.replace("-", "")) == serial
    check = serial_check(process=process, serial=typed)
    assert check.status == "ok" and check.serial == serial


@pytest.mark.parametrize("text", ["", "hello", "12-000123", "12-00012-K", "12-000123-KK", "A2-000123-K"])
def test_text_without_the_shape_of_a_serial_is_malformed(process, run, text):
    check = serial_check(process=process, serial=text)
    assert check.status == "malformed" and check.print_run is None and check.message


def test_every_single_wrong_digit_and_swapped_neighbours_are_caught_by_the_check_letter(process, run):
    serial = serial_format(process_id=process.pk, number=5)
    digits = serial.replace("-", "")[:-1]
    letter = serial[-1]
    typos = set()
    for position, digit in enumerate(digits):
        for other in "0123456789":
            if other != digit:
                typos.add(digits[:position] + other + digits[position + 1 :])
        if position + 1 < len(digits) and digits[position] != digits[position + 1]:
            typos.add(digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :])
    assert typos
    for typo in typos:
        assert check_letter(typo) != letter, typo
        assert not serial_is_valid(typo + letter)
    # A wrong letter is caught, too; and serial_check says so (malformed), never "unknown" or "ok".
    wrong = serial[:-1] + next(other for other in CHECK_ALPHABET if other != letter)
    assert serial_check(process=process, serial=wrong).status == "malformed"


def test_a_serial_beyond_every_run_is_unknown(process, run):
    check = serial_check(process=process, serial=serial_format(process_id=process.pk, number=11))
    assert check.status == "unknown" and check.print_run is None


def test_a_serial_of_another_process_is_unknown(process, city, run):
    other = make_process(city, slug="andere")
    PrintRun.objects.create(process=other, kind=PrintKind.FORM, language="de", count=10, first_number=1)
    check = serial_check(process=process, serial=serial_format(process_id=other.pk, number=2))
    assert check.status == "unknown"


def test_a_gap_between_runs_is_unknown(process, run):
    PrintRun.objects.create(process=process, kind=PrintKind.FORM, language="tr", count=5, first_number=21)
    assert serial_check(process=process, serial=serial_format(process_id=process.pk, number=15)).status == "unknown"
    check = serial_check(process=process, serial=serial_format(process_id=process.pk, number=25))
    assert check.status == "ok" and check.print_run.language == "tr"


def test_a_serial_already_entered_is_flagged(process, coordinator, run):
    serial = serial_format(process_id=process.pk, number=4)
    contribution_record_analog(
        process=process,
        user=coordinator,
        channel=Channel.PAPER_FORM,
        title="Sprechstunde in der Bibliothek",
        body="Einmal im Monat eine Beratung in der Stadtteilbibliothek.",
        fields_of_action=[process.fields_of_action.first()],
        original_date=timezone.localdate() - datetime.timedelta(days=1),
        form_serial=serial,
        publication_consent=True,
    )
    check = serial_check(process=process, serial=serial.lower())
    assert check.status == "already_entered" and check.print_run == run and check.message
    # Another sheet of the same run is still fine.
    assert serial_check(process=process, serial=serial_format(process_id=process.pk, number=5)).status == "ok"


def test_statuses_are_the_documented_four(process, run):
    seen = {
        serial_check(process=process, serial="x").status,
        serial_check(process=process, serial=serial_format(process_id=process.pk, number=1)).status,
        serial_check(process=process, serial=serial_format(process_id=process.pk, number=99)).status,
    }
    assert seen <= set(SERIAL_STATUSES) and len(seen) == 3


def test_serial_check_reads_in_a_few_queries(process, run, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        serial_check(process=process, serial=serial_format(process_id=process.pk, number=2))
