import sys
import unicodedata

import pytest

from teilhabe.core.text import clean_plain_text


def per_character(value: str) -> str:
    """The definition: NFC, line breaks as \\n, every character of category Cc dropped but \\n and \\t, trimmed."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def test_every_code_point_as_the_definition_says():
    # All code points but the surrogates, in chunks that also start and end with letters (nothing trimmed away).
    points = [chr(n) for n in range(sys.maxunicode + 1) if not 0xD800 <= n <= 0xDFFF]
    for start in range(0, len(points), 4096):
        text = "a" + "".join(points[start : start + 4096]) + "z"
        assert clean_plain_text(text) == per_character(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Straße\r\nzwei\rdrei\t vier  ", "Straße\nzwei\ndrei\t vier"),
        ("a\x00b\x07c\x1bd\x7fe\x85f\x9fg", "abcdefg"),
        ("Cafe\u0301", "Café"),
        ("\u200f عربى \x0c", "\u200f عربى"),
        ("\x1c\x1d x \x1e\x1f", "x"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_plain_text(text, expected):
    assert clean_plain_text(text) == expected
    assert clean_plain_text(text) == per_character(text)
