"""Dates as editors write them: only ISO dates are accepted, and a near miss is shown its fix.

Pelican reads almost anything as a date through dateutil: `11/12/2026` becomes
12 November without a word, although an editor may have meant 11 December.
Here a date must be `YYYY-MM-DD`, optionally with a time (`09:30` or
`09:30:00`, after a space or a `T`) and a UTC offset. dateutil is still used,
but only to suggest the ISO form of what was written.
"""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as dateutil_parser

ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
FORM = "YYYY-MM-DD, optionally followed by a time such as 09:30"


def parse_iso(value: str) -> datetime | None:
    """The date, if it is written in the ISO form and exists; otherwise None."""
    if not ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _spoken(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def date_problem(field: str, value: str) -> str | None:
    """What is wrong with a date field, with the fix; None when it is fine."""
    if parse_iso(value):
        return None
    shown = f"'{field}: {value}'"
    if ISO_DATE.fullmatch(value.strip()):
        return f"{shown} is not a valid date: that day does not exist. Write it as {FORM}."
    readings = []
    for dayfirst in (False, True):
        try:
            reading = dateutil_parser.parse(value, dayfirst=dayfirst, fuzzy=False)
        except (ValueError, OverflowError):
            continue
        if reading not in readings:
            readings.append(reading)
    if not readings:
        return f"{shown} is not a valid date. Write it as {FORM}, for example 2026-11-21."
    fixes = [f"'{field}: {r:%Y-%m-%d}' if you mean {_spoken(r)}" for r in readings]
    return f"{shown} is not written as {FORM}. Write " + ", or ".join(fixes) + "."
