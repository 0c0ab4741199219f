"""Reporting periods: the three spellings, and one clear error for anything else."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from orchestration.dsa.period import parse_day, parse_period
from orchestration.errors import UserError


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        ("2026-h2", date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        (" 2024-H1 ", date(2024, 1, 1), date(2024, 6, 30), "2024-H1"),
        ("2026-01-01/2026-06-30", date(2026, 1, 1), date(2026, 6, 30), "2026-01-01_2026-06-30"),
        ("2026-03-15/2026-03-15", date(2026, 3, 15), date(2026, 3, 15), "2026-03-15_2026-03-15"),
    ],
)
def test_valid_periods(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.template_text == f"{start.isoformat()}/{end.isoformat()}"
    assert period.dbt_vars() == {"dsa_period_start": start.isoformat(), "dsa_period_end": end.isoformat()}


@pytest.mark.parametrize(
    "text",
    ["", None, "   ", "26", "2026-H3", "2026-Q1", "2026-13", "2026/2027", "2026-02-30/2026-03-01",
     "2026-01-01/", "2026-01-01-2026-06-30", "H1-2026", "2026-06-30/2026-01-01"],
)  # fmt: skip
def test_malformed_or_empty_periods_are_one_user_error(text: str | None) -> None:
    with pytest.raises(UserError) as err:
        parse_period(text)
    message = str(err.value)
    assert "period" in message
    assert "2026-H1" in message  # says what would work


def test_empty_range_says_so() -> None:
    with pytest.raises(UserError, match="ends before it starts"):
        parse_period("2026-06-30/2026-01-01")


@pytest.mark.parametrize("text", ["", "2026-10-32", "20261031", "yesterday"])
def test_bad_days(text: str) -> None:
    with pytest.raises(UserError):
        parse_day(text)


def test_cli_prints_one_line_and_exits_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "dsa-report", "--period", "2026-H3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("integrity dsa-report: error: bad reporting period '2026-H3'")
    assert "Traceback" not in proc.stderr
