"""The serial number of a printed sheet: ``<process>-<number>-<check>``, e.g. ``12-000123-K``.

* ``process``: the process's id (digits), so a sheet of another process is never taken for one of this process;
* ``number``: the sheet's number in its process, six digits;
* ``check``: one letter computed from all digits before it, so that a typo is detected: the weighted sum of the
  digits (weights 2, 3, 4, … from the right) modulo 23, written as a letter of ``CHECK_ALPHABET``. 23 is prime
  and larger than any difference of two digits, and the weights are distinct and not multiples of 23, so every
  single wrong digit and every swap of two neighbouring digits changes the letter (like ISBN-10's check, with
  letters). The alphabet leaves out I, O and Z so that the letter is not misread as 1, 0 or 2.

On input, case, spaces and dashes do not matter: ``12 000123 k`` and ``12000123K`` read as ``12-000123-K``
(the parts are found from the right: one letter, six digits, the rest is the process).
"""

import re

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXY"  # 23 letters: A-Z without I, O, Z
MODULUS = len(CHECK_ALPHABET)
NUMBER_DIGITS = 6
_COMPACT = re.compile(r"^(?P<process>[0-9]{1,12})(?P<number>[0-9]{6})(?P<check>[A-Z])$")
_IGNORED = re.compile(r"[\s\-‐‑‒–—_.]+")  # spaces, dashes of any kind, and dots people type as separators


def check_letter(digits: str) -> str:
    total = sum(int(digit) * weight for weight, digit in enumerate(reversed(digits), start=2))
    return CHECK_ALPHABET[total % MODULUS]


def serial_format(*, process_id: int, number: int) -> str:
    digits = f"{process_id}{number:0{NUMBER_DIGITS}d}"
    return f"{process_id}-{number:0{NUMBER_DIGITS}d}-{check_letter(digits)}"


def serial_compact(text: str) -> str:
    return _IGNORED.sub("", (text or "").strip().upper())


def serial_parse(text: str) -> tuple[int, int, str] | None:
    """``(process_id, number, canonical serial)`` when the text has the serial's shape, else None.

    The check letter is not verified here (``serial_is_valid``).
    """
    match = _COMPACT.match(serial_compact(text))
    if not match:
        return None
    process_id, number = int(match["process"]), int(match["number"])
    return process_id, number, f"{process_id}-{match['number']}-{match['check']}"


def serial_is_valid(text: str) -> bool:
    match = _COMPACT.match(serial_compact(text))
    return bool(match) and check_letter(match["process"] + match["number"]) == match["check"]
