"""Checks and chores for the translation catalogues (run as `python -m teilhabe.core.catalogues`).

--check: every catalogue compiles and has no untranslated or fuzzy message (msgfmt --statistics).
--fill-english: English is the source language, so its messages translate to themselves (msgen).
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_paths() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def statistics(path: Path) -> dict[str, int]:
    """Counts of translated, fuzzy and untranslated messages as msgfmt reports them."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise ValueError(f"{path}: {result.stderr.strip()}")
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr):
        counts[kind] = int(number)
    return counts


def incomplete() -> list[str]:
    problems = []
    for path in catalogue_paths():
        try:
            counts = statistics(path)
        except ValueError as error:
            problems.append(str(error))
            continue
        if counts["fuzzy"] or counts["untranslated"] or not counts["translated"]:
            problems.append(f"{path.relative_to(LOCALE_DIR)}: {counts}")
    return problems


def fill_english() -> None:
    path = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgen", "--no-wrap", "-o", str(path), str(path)], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--fill-english", action="store_true")
    args = parser.parse_args(argv)
    if args.fill_english:
        fill_english()
    if args.check:
        problems = incomplete()
        for problem in problems:
            print(problem)
        if problems:
            return 1
        print(f"{len(catalogue_paths())} catalogues complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
