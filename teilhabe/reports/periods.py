"""Report periods: quarters written ``YYYY-Qn`` (2027-Q1 is January to March 2027)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from teilhabe.core.errors import ApplicationError

PERIOD_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        if self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    def next(self, quarters: int = 1) -> Period:
        index = self.year * 4 + self.quarter - 1 + quarters
        return Period(index // 4, index % 4 + 1)


def period_parse(text) -> Period:
    """``YYYY-Qn`` as a Period; anything else is an ApplicationError that says what is expected."""
    match = PERIOD_PATTERN.match(str(text or "").strip().upper())
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        message = _("Please give the period as a year and a quarter, for example 2027-Q1 (January to March 2027).")
        raise ApplicationError(message, field_errors={"period": message})
    return Period(int(match.group(1)), int(match.group(2)))


def period_of(day: datetime.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)
