"""Reading numbers and dates of a measurements file: what people write comes back exactly, anything else is an
error message, never an exception."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from teilhabe.evaluation.measurement_csv import MAX_DIGITS, date_parse, decimal_parse

numbers = st.decimals(
    min_value=Decimal(-(10**MAX_DIGITS)) + 1, max_value=Decimal(10**MAX_DIGITS) - 1, places=3, allow_nan=False
)


@given(numbers, st.sampled_from([".", ","]))
def test_numbers_come_back_exactly_with_point_or_comma(number, separator):
    text = format(number, "f").replace(".", separator)
    parsed, problem = decimal_parse(text)
    assert problem == "" and parsed == number


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_message(text):
    parsed, problem = decimal_parse(text)
    assert (parsed is None) == bool(problem)
    if parsed is not None:
        assert parsed.as_tuple().exponent >= -3 and abs(parsed) < 10**MAX_DIGITS


@given(st.dates(min_value=datetime.date(1900, 1, 1)))
def test_dates_in_german_and_iso_spelling(day):
    assert date_parse(day.isoformat()) == day
    assert date_parse(day.strftime("%d.%m.%Y")) == day


def test_thousands_separators_are_refused_as_ambiguous():
    assert decimal_parse("1.234,5")[0] is None
    assert decimal_parse("1e5")[0] is None
