"""Reporting periods for the DSA transparency report.

Accepted spellings (all inclusive of both end dates):

- `2026`                    the calendar year (the online-platform reporting period)
- `2026-H1`, `2026-H2`      a half-year (the very-large-online-platform reporting period)
- `2026-01-01/2026-06-30`   explicit start and end dates

Anything else, and any period whose end is before its start, is one `UserError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from orchestration.errors import UserError

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")

HELP = "a year (2026), a half-year (2026-H1, 2026-H2) or explicit dates (2026-01-01/2026-06-30)"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # how it was asked for, normalised (used as the export folder name)

    @property
    def template_text(self) -> str:
        """The report's `Reporting period` cell: `YYYY-MM-DD/YYYY-MM-DD`."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dbt_vars(self) -> dict[str, str]:
        return {"dsa_period_start": self.start.isoformat(), "dsa_period_end": self.end.isoformat()}


def _date(text: str, original: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"bad reporting period {original!r}: {text!r} is not a calendar date; use {HELP}"
        ) from None


def parse_period(text: str | None) -> Period:
    """Parse a reporting period; raise one clear UserError when it is malformed or empty."""
    original = text
    text = (text or "").strip()
    if not text:
        raise UserError(f"no reporting period given; use {HELP}")
    if m := _YEAR.match(text):
        year = int(m.group(1))
        if year < 1:
            raise UserError(f"bad reporting period {original!r}; use {HELP}")
        return Period(date(year, 1, 1), date(year, 12, 31), f"{year}")
    if m := _HALF.match(text):
        year, half = int(m.group(1)), int(m.group(2))
        if year < 1:
            raise UserError(f"bad reporting period {original!r}; use {HELP}")
        if half == 1:
            return Period(date(year, 1, 1), date(year, 6, 30), f"{year}-H1")
        return Period(date(year, 7, 1), date(year, 12, 31), f"{year}-H2")
    if m := _RANGE.match(text):
        start, end = _date(m.group(1), text), _date(m.group(2), text)
        if end < start:
            raise UserError(f"empty reporting period {original!r}: it ends before it starts; use {HELP}")
        return Period(start, end, f"{start.isoformat()}_{end.isoformat()}")
    raise UserError(f"bad reporting period {original!r}; use {HELP}")


def parse_day(text: str | None) -> date:
    """A single day `YYYY-MM-DD` (statements-of-reasons export)."""
    value = (text or "").strip()
    if not value:
        raise UserError("no date given; use YYYY-MM-DD")
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _bad_day(value)
    except ValueError:
        return _bad_day(value)


def _bad_day(value: str) -> date:
    raise UserError(f"bad date {value!r}; use YYYY-MM-DD")
